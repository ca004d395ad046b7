// The tablet works offline: the service worker, persistent storage, the offline copy of the
// officer's plans and pages, and the officer's forms sent through the outbox
// (static/js/outbox.js). Without JavaScript every form posts normally.
(function () {
  "use strict";
  var outbox = window.SafetyOpsOutbox;
  var _t = window._t || function (s) { return s; };
  var user = outbox ? outbox.user : 0;
  var root = document.documentElement;
  if (!outbox || !user) { return; }
  var COPY_KEY = "bundle:" + user;
  var COPY_MAX_AGE_MS = 10 * 60 * 1000;  // refreshed at most every 10 minutes while online
  var ready = [];

  // ---- service worker and storage ------------------------------------------------------
  if (navigator.serviceWorker) {
    ready.push(navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).catch(function () { /* no worker (private mode): the page still works online */ }));
  }

  var storageBox = document.querySelector("[data-storage-status]");
  function showStorage(granted) {
    root.dataset.storagePersisted = granted ? "yes" : "no";
    if (!storageBox) { return; }
    storageBox.textContent = granted
      ? _t("Storage on this tablet: kept (the browser will not clear it).")
      : _t("Storage on this tablet: not guaranteed. Add SafetyOps to the home screen so the browser keeps it.");
  }
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persisted().then(function (already) {
      return already || navigator.storage.persist();
    }).then(showStorage, function () { showStorage(false); });
  } else {
    showStorage(false);
  }

  // ---- the offline copy (plans, checkpoints, drill types) and the kept pages ------------
  var ageBox = document.querySelector("[data-offline-age]");
  function showAge(copy) {
    if (!ageBox) { return; }
    if (!copy) { ageBox.textContent = _t("No offline copy on this tablet yet."); return; }
    var minutes = Math.max(0, Math.round((Date.now() - copy.fetched_at) / 60000));
    ageBox.textContent = _t("Offline copy of your rounds: %(n)s min old.", { n: minutes });
    ageBox.dataset.minutes = String(minutes);
    showOffline(copy);
  }

  // With no connection the page says so, and how old what it shows may be.
  var offlineNote = document.querySelector("[data-offline-note]");
  function showOffline(copy) {
    if (!offlineNote) { return; }
    var offline = navigator.onLine === false;
    offlineNote.hidden = !offline;
    if (!offline) { return; }
    var minutes = copy ? Math.max(0, Math.round((Date.now() - copy.fetched_at) / 60000)) : null;
    offlineNote.textContent = minutes === null
      ? _t("No connection: this page is the copy kept on this tablet.")
      : _t("No connection: this page is the copy kept on this tablet; your rounds are from %(n)s min ago.", { n: minutes });
  }
  function noteNow() { outbox.meta.get(COPY_KEY).then(showOffline); }
  window.addEventListener("offline", noteNow);
  window.addEventListener("online", noteNow);

  function keepPages(urls) {
    if (!window.caches) { return Promise.resolve(); }
    return caches.open("safetyops-pages").then(function (cache) {
      return urls.reduce(function (chain, url) {
        return chain.then(function () {
          // Marked as a background copy: the server leaves flash messages ("Saved") for
          // the page the officer is about to see instead of putting them in this copy.
          return fetch(url, {
            credentials: "same-origin", headers: { "X-SafetyOps-Copy": "1" }
          }).then(function (response) {
            if (response.ok && !response.redirected) { return cache.put(url, response); }
          }).catch(function () { /* kept next time */ });
        });
      }, Promise.resolve());
    });
  }

  function refreshCopy(force) {
    return outbox.meta.get(COPY_KEY).then(function (copy) {
      showAge(copy);
      var fresh = copy && Date.now() - copy.fetched_at < COPY_MAX_AGE_MS;
      if ((fresh && !force) || navigator.onLine === false) { return copy; }
      return fetch("/api/v1/offline/bundle", { credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) { return copy; }
          return response.json().then(function (data) {
            var next = { key: COPY_KEY, data: data, fetched_at: Date.now() };
            return outbox.meta.put(next).then(function () {
              showAge(next);
              return keepPages(data.pages);
            }).then(function () { return next; });
          });
        }).catch(function () { return copy; });
    });
  }
  ready.push(refreshCopy(false));
  window.addEventListener("online", function () { refreshCopy(false); });
  Promise.all(ready).then(function () { root.dataset.offlineReady = "1"; });
  setInterval(function () { outbox.meta.get(COPY_KEY).then(showAge); }, 60000);

  window.SafetyOpsOffline = {
    copy: function () {
      return outbox.meta.get(COPY_KEY).then(function (c) { return c && c.data; });
    },
    refresh: function () { return refreshCopy(true); }
  };

  // ---- starting a round: the round gets its UUID here, the server's id when it is sent ---
  function afterFlush(check, waitMs) {
    // Give a connected tablet a moment to send, then decide where to go.
    return Promise.race([
      outbox.flush(),
      new Promise(function (resolve) { setTimeout(resolve, waitMs); })
    ]).then(check, check);
  }

  document.querySelectorAll("form.start-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var planId = Number(form.querySelector('input[name="plan_id"]').value);
      var roundId = outbox.uuid();  // never the page's: a kept page may be used twice
      var label = form.dataset.plan || "";
      var started = new Date().toISOString();
      form.querySelector("button").disabled = true;
      outbox.meta.put({ key: "round:" + roundId, plan_id: planId, started_at: started, user: user,
                        label: label }).then(function () {
        return outbox.enqueue({
          kind: "round_start", url: "/api/v1/rounds", method: "POST", label: label,
          body: { plan_id: planId, id: roundId, client_id: roundId, started_at: started },
          ref: "round:" + roundId
        });
      }).then(function () {
        return afterFlush(function () { return outbox.ref("round:" + roundId); }, 3000);
      }).then(function (ref) {
        window.location.href = ref ? "/rounds/" + ref.id : "/tablet/walk#round=" + roundId;
      });
    });
  });

  // ---- drills, real events and medical calls --------------------------------------------
  function fieldsOf(form) {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (name === "csrf_token" || name === "client_id" || name === "submission_id") { return; }
      if (typeof value !== "string") { return; }
      (fields[name] = fields[name] || []).push(value);
    });
    return fields;
  }

  function say(form, text, kind) {
    var box = form.querySelector("[data-outbox-message]");
    if (!box) {
      box = document.createElement("p");
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      box.dataset.outboxMessage = "1";
      form.insertBefore(box, form.firstChild);
    }
    box.className = "flash flash-" + kind;
    box.textContent = text;
    box.scrollIntoView({ block: "center" });
  }

  // The fields the server refused get their message beside them and are tied to it
  // (aria-invalid, aria-describedby), as on the forms the server renders (macros/forms.html).
  function tieErrors(form, errors) {
    form.querySelectorAll("[data-outbox-error]").forEach(function (box) { box.remove(); });
    form.querySelectorAll("[data-outbox-invalid]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("data-outbox-invalid");
      var ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
        return id && !/-outbox-error$/.test(id);
      });
      if (ids.length) { el.setAttribute("aria-describedby", ids.join(" ")); }
      else { el.removeAttribute("aria-describedby"); }
    });
    Object.keys(errors || {}).forEach(function (name) {
      var controls = form.querySelectorAll('[name="' + name.replace(/["\\]/g, "") + '"]');
      if (!controls.length) { return; }
      var id = (controls[0].id || name) + "-outbox-error";
      var box = document.createElement("p");
      box.className = "error";
      box.id = id;
      box.dataset.outboxError = "1";
      box.textContent = errors[name];
      (controls[0].closest(".field") || controls[0].parentNode).appendChild(box);
      controls.forEach(function (el) {
        var described = el.getAttribute("aria-describedby");
        el.setAttribute("aria-invalid", "true");
        el.setAttribute("data-outbox-invalid", "1");
        el.setAttribute("aria-describedby", (described ? described + " " : "") + id);
      });
    });
  }

  document.querySelectorAll("form[data-outbox]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      tieErrors(form, null);
      var kind = form.dataset.outbox;
      var realBox = form.querySelector('input[name="real_event"]');
      if (kind === "drill" && realBox && realBox.checked) { kind = "real_event"; }
      var clientId = outbox.uuid();
      var fields = fieldsOf(form);
      var button = form.querySelector('button[type="submit"]');
      if (button) { button.disabled = true; }
      outbox.enqueue({
        kind: kind, url: form.dataset.outboxUrl, method: "POST",
        label: (fields.drill_type || fields.location || [""])[0],
        body: { client_id: clientId, fields: fields }
      }).then(function () {
        return afterFlush(function () { return outbox.summary(); }, 3000);
      }).then(function (summary) {
        if (button) { button.disabled = false; }
        var entry = summary.entries.filter(function (e) { return e.client_id === clientId; })[0];
        var answer = outbox.answer(clientId);
        if (!entry && answer && answer.url) {
          window.location.href = answer.url;
        } else if (!entry) {
          say(form, _t("Saved."), "success");
          form.reset();
        } else if (entry.state === "refused") {
          say(form, _t("Not saved: %(why)s", { why: entry.error }), "error");
          tieErrors(form, entry.fieldErrors);
        } else {
          say(form, _t("Kept on this tablet; it will be sent when the connection is back."), "info");
          form.reset();
        }
      });
    });
  });
})();
