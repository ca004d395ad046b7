// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Ask before destructive POST buttons (deactivate).
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("button.btn-danger");
    if (button && !window.confirm(button.textContent.trim() + "?")) {
      event.preventDefault();
    }
  });

  // Status messages for screen readers. A live region that is hidden until its message
  // arrives (the round's sync status, the outbox indicator) is not read out: the region must
  // be on the page before its text changes. When such a region appears with text, its text
  // is repeated in the page's always-present live regions (#announce-polite and
  // #announce-assertive in base.html); one that was already shown is read by the browser.
  function visible(el) {
    if (el.checkVisibility) { return el.checkVisibility(); }
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  function announce(text, assertive) {
    var target = document.getElementById(assertive ? "announce-assertive" : "announce-polite");
    if (!target) { return; }
    target.textContent = "";  // the same message twice is read twice
    window.setTimeout(function () { target.textContent = text; }, 50);
  }
  window.SafetyOpsAnnounce = announce;

  function watchLiveRegions() {
    if (!window.MutationObserver || !window.WeakMap) { return; }
    var selector = '[role="status"], [role="alert"], [aria-live="polite"], [aria-live="assertive"]';
    var shownBefore = new WeakMap();  // region -> shown at the last look (new ones: not shown)
    function look(first) {
      document.querySelectorAll(selector).forEach(function (el) {
        if (el.closest(".announcer")) { return; }
        var shown = visible(el);
        var text = el.textContent.replace(/\s+/g, " ").trim();
        if (!first && shown && !shownBefore.get(el) && text) {
          var assertive = el.getAttribute("role") === "alert" ||
            el.getAttribute("aria-live") === "assertive" || /\b(error|flash-error)\b/.test(el.className);
          announce(text, assertive);
        }
        shownBefore.set(el, shown);
      });
    }
    // What the page shows while it loads (the outbox's "All saved") is its first state, not
    // news: nothing is repeated until the person acts or the page has settled.
    var settled = false;
    function settle() { settled = true; }
    document.addEventListener("pointerdown", settle, true);
    document.addEventListener("keydown", settle, true);
    window.setTimeout(settle, 2000);
    look(true);
    new MutationObserver(function () { look(!settled); }).observe(document.body, {
      subtree: true, childList: true, characterData: true,
      attributes: true, attributeFilter: ["hidden", "class", "style", "open"] });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watchLiveRegions);
  } else {
    watchLiveRegions();
  }
})();
