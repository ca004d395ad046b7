// Pages made from the tablet's offline copy (static/js/offline.js keeps it): a round started
// offline (/tablet/walk#round=<uuid>) and a scanned QR label (/scan/<id> while offline).
(function () {
  "use strict";
  var outbox = window.SafetyOpsOutbox;
  var offline = window.SafetyOpsOffline;
  var _t = window._t || function (s) { return s; };
  if (!outbox || !offline) { return; }

  function hashParams() {
    var out = {};
    window.location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var parts = pair.split("=");
      if (parts[0]) { out[parts[0]] = decodeURIComponent(parts[1] || ""); }
    });
    return out;
  }

  function checkpointsOf(copy) {
    var byId = {};
    copy.campuses.forEach(function (campus) {
      campus.checkpoints.forEach(function (cp) { byId[cp.id] = { checkpoint: cp, campus: campus }; });
    });
    return byId;
  }

  function copyNote(el) {
    return outbox.meta.get("bundle:" + outbox.user).then(function (kept) {
      if (kept && el) {
        var minutes = Math.max(0, Math.round((Date.now() - kept.fetched_at) / 60000));
        el.textContent = _t("From the offline copy on this tablet (%(n)s min old).", { n: minutes });
      }
    });
  }

  // ---- a round walked from the offline copy ----------------------------------------------
  function walkPage(walk) {
    var params = hashParams();
    var roundId = params.round || "";
    var missing = document.getElementById("walk-missing");
    Promise.all([outbox.meta.get("round:" + roundId), offline.copy()]).then(function (found) {
      var round = found[0], copy = found[1];
      var plan = round && copy && copy.plans.filter(function (p) { return p.id === round.plan_id; })[0];
      if (!plan || round.user !== outbox.user) { missing.hidden = false; return; }
      var lookup = checkpointsOf(copy);
      var stops = plan.checkpoint_ids.filter(function (id) { return lookup[id]; });
      document.getElementById("walk-title").textContent = plan.name;
      var campus = copy.campuses.filter(function (c) { return c.code === plan.campus; })[0];
      document.getElementById("walk-campus").textContent = campus ? campus.name : "";
      document.getElementById("progress-total").textContent = String(stops.length);
      copyNote(document.getElementById("walk-copy-note"));
      var list = document.getElementById("checklist");
      var template = document.getElementById("stop-template");
      var scanned = Number(params.scanned || 0);
      stops.forEach(function (id) {
        var cp = lookup[id].checkpoint;
        var row = template.content.firstElementChild.cloneNode(true);
        row.id = "cp-" + id;
        row.dataset.checkpoint = String(id);
        if (id === scanned) { row.classList.add("focus"); }
        row.querySelector(".stop-name").textContent = cp.name;
        if (cp.location_notes) {
          var notes = row.querySelector(".stop-notes");
          notes.textContent = cp.location_notes;
          notes.hidden = false;
        }
        row.querySelectorAll('input[name="checkpoint_id"]').forEach(function (input) { input.value = String(id); });
        row.querySelectorAll("label[data-for]").forEach(function (label) {
          var field = row.querySelector('[name="' + label.dataset.for + '"]');
          field.id = label.dataset.for + "-" + id;
          label.htmlFor = field.id;
        });
        list.appendChild(row);
      });
      var done = round.done || {};
      Object.keys(done).forEach(function (id) {
        var row = document.getElementById("cp-" + id);
        if (row) {
          row.classList.add("done", done[id]);
          row.querySelector("[data-state]").textContent = _t("saved");
        }
      });
      walk.dataset.total = String(stops.length);
      walk.dataset.api = "/api/v1/rounds/{round:" + roundId + "}/results";
      walk.dataset.roundApi = "/api/v1/rounds/{round:" + roundId + "}";
      walk.dataset.scanned = String(scanned || "");
      // Remember what was checked, so the page shows it after the entries are sent.
      list.addEventListener("submit", function (event) {
        var form = event.target;
        var id = form.querySelector('input[name="checkpoint_id"]').value;
        done[id] = form.querySelector('input[name="status"]').value;
        round.done = done;
        outbox.meta.put(round);
      }, true);
      outbox.meta.put({ key: "current-round:" + outbox.user, round: roundId, plan_id: plan.id,
                        checkpoint_ids: stops });
      document.getElementById("finish-form").addEventListener("submit", function () {
        outbox.meta.put({ key: "current-round:" + outbox.user, round: null });
      }, true);
      window.SafetyOpsWalk.init(walk);
    });
  }

  // ---- a scanned label with no connection ------------------------------------------------
  function scanPage() {
    var match = /\/scan\/(\d+)/.exec(window.location.pathname);
    var message = document.getElementById("scan-message");
    var id = match ? Number(match[1]) : 0;
    Promise.all([offline.copy(), outbox.meta.get("current-round:" + outbox.user)]).then(function (found) {
      var copy = found[0], current = found[1];
      var hit = copy && checkpointsOf(copy)[id];
      if (!hit) {
        message.textContent = _t("This checkpoint is not in the offline copy of your campuses. Scan it again when the connection is back.");
        return;
      }
      document.getElementById("scan-title").textContent = hit.checkpoint.name;
      document.getElementById("scan-campus").textContent = hit.campus.name;
      if (current && current.round && current.checkpoint_ids.indexOf(id) >= 0) {
        var open = document.getElementById("scan-open");
        open.href = "/tablet/walk#round=" + current.round + "&scanned=" + id;
        open.hidden = false;
        message.textContent = _t("This checkpoint is in your round in progress.");
      } else {
        message.textContent = _t("You have no round in progress on this tablet that includes this checkpoint. A single check needs a connection.");
      }
    });
  }

  var walk = document.getElementById("walk");
  if (walk && walk.hasAttribute("data-deferred")) { walkPage(walk); }
  if (document.getElementById("scan")) { scanPage(); }
})();
