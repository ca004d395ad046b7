// Live drill mode: a large timer, one tap per area ("clear / accounted for"), and the
// other tablets' taps, polled every two seconds. Each tap carries its own UUID
// (client_id) and the tablet's time, so a retry or a replayed outbox stores it once and
// keeps when it happened. Taps go through the tablet's outbox (static/js/outbox.js) when
// the page has it, else straight to the API with retries from localStorage.
(function () {
  "use strict";
  var root = document.getElementById("live");
  if (!root || !window.fetch) { return; }
  var _t = window._t || function (s, p) {
    return s.replace(/%\((\w+)\)s/g, function (m, k) { return p && k in p ? p[k] : m; });
  };
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var stateUrl = root.dataset.stateUrl;
  var tapUrl = root.dataset.tapUrl;
  var started = Date.parse(root.dataset.started);
  var issueLabels = JSON.parse(root.dataset.issues || "{}");
  var status = root.dataset.status;
  var skew = 0;  // server clock minus this tablet's clock, from each poll
  var storeKey = "safetyops-live-" + root.dataset.live;
  var pendingIds = {};
  var syncBox = document.getElementById("live-sync");
  var retryTimer = null;
  var pollFailed = false;

  function clock(seconds) {
    if (seconds === null || seconds === undefined) { return "\u2014"; }
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = h ? (m < 10 ? "0" : "") + m : String(m);
    return (h ? h + ":" : "") + mm + ":" + (s < 10 ? "0" : "") + s;
  }

  function showSync(text, kind) {
    syncBox.hidden = !text;
    syncBox.textContent = text || "";
    syncBox.className = "sync " + (kind || "");
  }

  function tick() {
    if (status !== "running") { return; }
    document.getElementById("timer").textContent = clock((Date.now() + skew - started) / 1000);
  }

  function tapLine(tap) {
    var parts = [tap.by, "+" + clock(tap.seconds)];
    if (tap.issue) { parts.push(issueLabels[tap.issue] || tap.issue); }
    if (tap.note) { parts.push(tap.note); }
    if (tap.first) { parts.push(_t("first")); }
    return parts.join(" · ");
  }

  function render(state) {
    status = state.status;
    root.dataset.status = status;
    document.getElementById("cleared").textContent = state.cleared;
    var allClear = document.getElementById("all-clear");
    var allClearSeconds = state.all_clear_seconds;
    if (allClearSeconds === null && state.cleared === state.total && state.total) {
      allClearSeconds = Math.max.apply(null, state.areas.map(function (a) { return a.seconds; }));
    }
    allClear.hidden = allClearSeconds === null;
    document.getElementById("all-clear-time").textContent = clock(allClearSeconds);
    state.areas.forEach(function (area) {
      var row = document.getElementById("area-" + area.area_id);
      if (!row) { return; }
      var waiting = pendingIds[area.area_id];
      row.classList.toggle("clear", !!area.cleared_at);
      row.classList.toggle("waiting", !area.cleared_at);
      row.classList.toggle("unsaved", !!waiting && !area.cleared_at);
      var label = row.querySelector("[data-state]");
      if (area.cleared_at) {
        label.textContent = _t("Clear · %(time)s · %(name)s",
                              { time: clock(area.seconds), name: area.cleared_by });
      } else if (waiting) {
        label.textContent = _t("Clear … not sent yet");
      } else {
        label.textContent = _t("Not yet reported");
      }
      var list = row.querySelector("[data-taps]");
      list.textContent = "";
      area.taps.forEach(function (tap) {
        var item = document.createElement("li");
        item.textContent = tapLine(tap);
        list.appendChild(item);
      });
    });
    if (status !== "running") {
      document.querySelectorAll("form.live-tap").forEach(function (f) { f.hidden = true; });
      document.getElementById("timer").textContent = clock(state.all_clear_seconds);
      if (state.drill_id && !document.getElementById("drill-link")) {
        var link = document.createElement("a");
        link.id = "drill-link";
        link.className = "btn btn-primary btn-big";
        link.href = "/drills/" + state.drill_id;
        link.textContent = _t("Drill record");
        var actions = root.querySelector(".actions");
        actions.textContent = "";
        actions.appendChild(link);
      }
    }
  }

  function poll() {
    return fetch(stateUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (state) {
        skew = Date.parse(state.server_now) - Date.now();
        if (pollFailed && !queued().length) { showSync(""); }
        pollFailed = false;
        render(state);
        root.dataset.polled = String(Number(root.dataset.polled || 0) + 1);
      })
      .catch(function () {
        pollFailed = true;
        if (!queued().length) {
          showSync(_t("No connection: the others' taps will show when it is back."), "error");
        }
      });
  }

  // ---- without the outbox: a queue in localStorage, retried until the server answers ----
  function queued() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(list) { localStorage.setItem(storeKey, JSON.stringify(list)); }

  function flush() {
    var list = queued();
    if (!list.length) { showSync(""); return Promise.resolve(); }
    var body = list[0];
    return fetch(tapUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.ok) {
        saveQueue(queued().filter(function (b) { return b.client_id !== body.client_id; }));
        delete pendingIds[body.area_id];
        return poll().then(flush);
      }
      if (response.status >= 400 && response.status < 500 && response.status !== 429) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          saveQueue(queued().filter(function (b) { return b.client_id !== body.client_id; }));
          delete pendingIds[body.area_id];
          showSync(_t("Not saved: %(why)s", { why: data.error || response.status }), "error");
        });
      }
      throw new Error("HTTP " + response.status);
    }).catch(function () {
      showSync(_t("%(n)s tap(s) kept on this tablet; retrying…", { n: queued().length }), "error");
      clearTimeout(retryTimer);
      retryTimer = setTimeout(flush, 3000);
    });
  }

  function send(body) {
    var outbox = window.SafetyOpsOutbox;
    if (outbox && typeof outbox.enqueue === "function") {
      return outbox.enqueue({ kind: "live_tap", url: tapUrl, method: "POST", body: body })
        .then(function () { return outbox.flush ? outbox.flush() : null; })
        .then(poll, poll);
    }
    var list = queued();
    list.push(body);
    saveQueue(list);
    return flush();
  }

  function newUuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  document.querySelectorAll("form.live-tap").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var body = {
        client_id: newUuid(),
        area_id: Number(form.dataset.area),
        tapped_at: new Date().toISOString(),
        issue: data.get("issue") || null,
        note: (data.get("note") || "").trim()
      };
      pendingIds[body.area_id] = body.client_id;
      var row = document.getElementById("area-" + body.area_id);
      if (!row.classList.contains("clear")) {
        row.classList.add("unsaved");
        row.querySelector("[data-state]").textContent = _t("Clear … not sent yet");
      }
      form.reset();
      var details = form.querySelector("details");
      if (details) { details.open = false; }
      send(body);
    });
  });

  queued().forEach(function (body) { pendingIds[body.area_id] = body.client_id; });
  window.addEventListener("online", function () { flush(); poll(); });
  setInterval(tick, 250);
  setInterval(function () { if (!document.hidden) { poll(); } }, 2000);
  poll().then(flush);
  tick();
  root.dataset.ready = "1";  // taps now go through the API (tests wait for this)
})();
