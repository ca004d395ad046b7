// Translations for the browser's own messages (sync indicator, errors, counters).
// Contract shared by every script: _t("msgid", {name: value}) with Python-style
// %(name)s placeholders, so pybabel extracts JavaScript strings with the keyword _t.
// window.SAFETYOPS_CATALOG (msgid -> translation) is loaded before this file for the
// page's locale; missing entries fall back to the English msgid.
(function () {
  "use strict";
  var catalog = window.SAFETYOPS_CATALOG || {};
  window._t = function (msgid, params) {
    var text = Object.prototype.hasOwnProperty.call(catalog, msgid) ? catalog[msgid] : msgid;
    if (params) {
      text = text.replace(/%\((\w+)\)s/g, function (match, name) {
        return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : match;
      });
    }
    return text;
  };
})();
