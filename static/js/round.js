// Walking a round: every tap goes into the tablet's outbox (static/js/outbox.js), which
// keeps it in IndexedDB until the server has it, across reloads and restarts. Each result
// carries a UUID made at the tap, so a resend never creates a duplicate. A photo is its own
// outbox entry, sent after its result. Without JavaScript each button posts a form.
//
// The same code walks a round the server knows (/rounds/<id>) and one started offline
// (/tablet/walk, made by tablet.js): its API address then names the round by its UUID,
// filled in by the outbox once the round's start is sent.
(function () {
  "use strict";
  var _t = window._t || function (s) { return s; };

  function init(walk) {
    var outbox = window.SafetyOpsOutbox;
    if (!walk || !outbox || !outbox.user) { return false; }  // the forms post normally
    var api = walk.dataset.api;            // .../rounds/<id or {round:uuid}>/results
    var roundApi = walk.dataset.roundApi;  // .../rounds/<id or {round:uuid}>
    var total = Number(walk.dataset.total);
    var scanned = Number(walk.dataset.scanned || 0);  // the checkpoint whose QR label was scanned
    var statusBox = document.getElementById("sync-status");
    var shown = {};  // result id -> its row's item, while the outbox holds it

    function showStatus(text, kind) {
      statusBox.hidden = !text;
      statusBox.textContent = text || "";
      statusBox.className = "sync " + (kind || "");
    }

    function updateProgress() {
      var done = walk.parentNode.querySelectorAll(".checklist .stop.done").length;
      document.getElementById("progress-count").textContent = done;
      var reason = document.getElementById("reason-field");
      if (reason) { reason.hidden = done >= total; }
    }

    function label(item) {
      if (item.status === "ok") { return _t("OK"); }
      var choice = document.querySelector('input[name="finding_kind"][value="' + item.finding_kind + '"]');
      return choice ? choice.parentNode.textContent.trim() : item.finding_kind;
    }

    function markRow(item, state, why) {
      var row = document.getElementById("cp-" + item.checkpoint_id);
      if (!row) { return; }
      row.classList.add("done");
      row.classList.toggle("ok", item.status === "ok");
      row.classList.toggle("problem", item.status === "problem");
      row.classList.toggle("unsaved", state !== "saved");
      row.dataset.saved = state;
      var text = label(item);
      if (state === "saved") { text += " \u2713 " + _t("saved"); }
      else if (state === "refused") { text += " \u2014 " + _t("refused: %(why)s", { why: why }); }
      else { text += " \u2026 " + _t("kept on this tablet"); }
      row.querySelector("[data-state]").textContent = text;
      var details = row.querySelector("details");
      if (details) { details.open = false; }
    }

    // The outbox changed: rows whose result left it were saved; the rest wait or were refused.
    function reflect(summary) {
      var held = {};
      summary.entries.forEach(function (e) {
        if (e.kind === "result" && e.url === api) { held[e.body.id] = e; }
      });
      Object.keys(held).forEach(function (id) {
        shown[id] = held[id].body;
        markRow(held[id].body, held[id].state, held[id].error);
      });
      Object.keys(shown).forEach(function (id) {
        if (!held[id]) { markRow(shown[id], "saved"); delete shown[id]; }
      });
      updateProgress();
      var refused = summary.entries.filter(function (e) { return (e.url + "/").indexOf(roundApi + "/") === 0 && e.state === "refused"; });
      if (refused.length) { showStatus(_t("Not saved: %(why)s", { why: refused[0].error }), "error"); }
      else { showStatus(""); }
    }

    walk.parentNode.querySelectorAll("form[data-result]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var data = new FormData(form);
        var id = outbox.uuid();  // a fresh id per tap (a re-check is a new result)
        var checkpoint = Number(data.get("checkpoint_id"));
        var item = {
          id: id,
          client_id: id,
          checkpoint_id: checkpoint,
          status: data.get("status"),
          finding_kind: data.get("finding_kind") || null,
          action_taken: data.get("action_taken") || null,
          note: data.get("note") || "",
          recorded_at: new Date().toISOString(),
          capture: checkpoint === scanned ? "qr" : "list"
        };
        var photo = form.querySelector('input[type="file"]');
        var file = photo && photo.files && photo.files[0];
        if (photo) { photo.value = ""; }
        var name = document.querySelector("#cp-" + checkpoint + " .stop-name");
        shown[id] = item;
        markRow(item, "waiting");
        updateProgress();
        outbox.enqueue({ kind: "result", url: api, method: "POST", body: item,
                         label: name ? name.textContent : "" }).then(function () {
          if (!file) { return; }
          return outbox.enqueue({
            kind: "photo", url: "/api/v1/results/" + id + "/photo", method: "POST",
            label: name ? name.textContent : "",
            body: { client_id: outbox.uuid(), files: { photo: file } }
          });
        }).catch(function () {
          showStatus(_t("This tablet cannot keep entries (private browsing?); send them online."), "error");
        });
      });
    });

    var finish = document.getElementById("finish-form");
    if (finish) {
      finish.addEventListener("submit", function (event) {
        event.preventDefault();
        var reason = (finish.querySelector('textarea[name="reason"]') || {}).value || "";
        var done = walk.parentNode.querySelectorAll(".checklist .stop.done").length;
        if (done < total && !reason.trim()) {
          showStatus(_t("Some checkpoints are not checked: say why before finishing."), "error");
          return;
        }
        var button = finish.querySelector('button[type="submit"]');
        if (button) { button.disabled = true; }
        var clientId = outbox.uuid();
        outbox.enqueue({
          kind: "round_complete", url: roundApi + "/complete", method: "POST",
          body: { reason: reason, finished_at: new Date().toISOString(), client_id: clientId }
        }).then(function () {
          return Promise.race([outbox.flush(), new Promise(function (r) { setTimeout(r, 3000); })]);
        }).then(function () { return outbox.summary(); }).then(function (summary) {
          var left = summary.entries.filter(function (e) { return (e.url + "/").indexOf(roundApi + "/") === 0; });
          var match = /\/rounds\/(\d+)$/.exec(roundApi);
          // Sent: the finished round's page. Still waiting: home (the indicator shows them).
          window.location.href = !left.length && match ? "/rounds/" + match[1] : "/";
        });
      });
    }

    outbox.onchange(reflect);
    var focus = walk.parentNode.querySelector(".stop.focus");
    if (focus) { focus.scrollIntoView({ block: "center" }); }
    walk.dataset.ready = "1";  // taps now go through the outbox (tests wait for this)
    return true;
  }

  window.SafetyOpsWalk = { init: init };
  var walk = document.getElementById("walk");
  if (walk && !walk.hasAttribute("data-deferred")) { init(walk); }
})();
