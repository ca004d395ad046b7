// Walking a round: every tap is saved at once through the API, queued in localStorage
// until the server confirms it, and retried when the connection comes back. Each result
// carries a UUID made when the page rendered, so a retry never creates a duplicate.
(function () {
  "use strict";
  var walk = document.getElementById("walk");
  if (!walk || !window.fetch) { return; }  // without JS the forms post normally
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var api = walk.dataset.api;
  var photoApi = walk.dataset.photoApi;
  var total = Number(walk.dataset.total);
  var storeKey = "safetyops-pending-" + walk.dataset.round;
  var statusBox = document.getElementById("sync-status");
  var retryTimer = null;

  function pending() {
    try { return JSON.parse(localStorage.getItem(storeKey) || "[]"); } catch (e) { return []; }
  }
  function savePending(list) { localStorage.setItem(storeKey, JSON.stringify(list)); }

  function showStatus(text, kind) {
    statusBox.hidden = !text;
    statusBox.textContent = text || "";
    statusBox.className = "sync " + (kind || "");
  }

  function updateProgress() {
    var done = document.querySelectorAll(".checklist .stop.done").length;
    document.getElementById("progress-count").textContent = done;
    var reason = document.getElementById("reason-field");
    reason.hidden = done >= total;
  }

  function markRow(item, state) {
    var row = document.getElementById("cp-" + item.checkpoint_id);
    if (!row) { return; }
    row.classList.add("done");
    row.classList.toggle("ok", item.status === "ok");
    row.classList.toggle("problem", item.status === "problem");
    row.classList.toggle("unsaved", state !== "saved");
    var label = item.status === "ok" ? "OK" : item.finding_kind.replace(/_/g, " ");
    row.querySelector("[data-state]").textContent =
      state === "saved" ? label + " \u2713" : label + " \u2026 not saved yet";
    var details = row.querySelector("details");
    if (details) { details.open = false; }
  }

  function send(item) {
    var body = Object.assign({}, item);
    delete body.photo;
    return fetch(api, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      credentials: "same-origin",
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.status === 200 || response.status === 201) { return "saved"; }
      if (response.status === 409 || response.status === 400) {
        return response.json().then(function (data) { throw { fatal: data.error }; });
      }
      throw new Error("HTTP " + response.status);
    });
  }

  function retryLater() {
    showStatus("Save failed \u2014 no connection. " + pending().length +
               " check(s) kept on this tablet; retrying\u2026", "error");
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, 3000);
  }

  function forget(ids) {
    savePending(pending().filter(function (p) { return ids.indexOf(p.id) < 0; }));
  }

  // Several queued checks (the tablet was offline) go in one request; each is stored or
  // refused on its own, exactly as if sent alone.
  function sendBatch(list) {
    var batch = list.slice(0, 200).map(function (item) {
      var body = Object.assign({}, item); delete body.photo; return body;
    });
    return fetch(api + "/batch", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      credentials: "same-origin",
      body: JSON.stringify({ results: batch })
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (data) {
      var done = [], refused = [];
      data.results.forEach(function (outcome) {
        (outcome.status < 300 ? done : refused).push(outcome);
      });
      forget(done.concat(refused).map(function (o) { return o.id; }));
      batch.forEach(function (item) {
        if (done.some(function (o) { return o.id === item.id; })) { markRow(item, "saved"); }
      });
      if (refused.length) { showStatus("Not saved: " + refused[0].error, "error"); }
      return refused.length;
    });
  }

  function flush() {
    var list = pending();
    if (!list.length) { showStatus(""); return flushPhotos(); }
    if (list.length > 1) {
      return sendBatch(list).then(function (refused) {
        if (refused) { return; }  // keep the message in view
        return pending().length ? flush() : flushPhotos();
      }).catch(retryLater);
    }
    var item = list[0];
    return send(item).then(function () {
      forget([item.id]);
      markRow(item, "saved");
      return flush();
    }).catch(function (error) {
      if (error && error.fatal) {
        forget([item.id]);
        showStatus("Not saved: " + error.fatal, "error");
        return;
      }
      retryLater();
    });
  }

  // Photos wait in IndexedDB (localStorage cannot hold images) until their result is
  // saved and the upload succeeds, so a photo taken in a dead zone is not lost either.
  var photoDb = null;
  function photos() {
    if (photoDb) { return photoDb; }
    photoDb = new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var open = indexedDB.open("safetyops-photos", 1);
      open.onupgradeneeded = function () { open.result.createObjectStore("photos", { keyPath: "id" }); };
      open.onsuccess = function () { resolve(open.result); };
      open.onerror = function () { reject(open.error); };
    });
    return photoDb;
  }
  function photoTx(mode, work) {
    return photos().then(function (idb) {
      return new Promise(function (resolve, reject) {
        var tx = idb.transaction("photos", mode);
        var out = work(tx.objectStore("photos"));
        tx.oncomplete = function () { resolve(out && out.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function keepPhoto(resultId, file) {
    return photoTx("readwrite", function (store) {
      store.put({ id: resultId, round: walk.dataset.round, file: file });
    });
  }
  function waitingPhotos() {
    return photoTx("readonly", function (store) { return store.getAll(); }).then(function (all) {
      return (all || []).filter(function (p) { return p.round === walk.dataset.round; });
    });
  }

  function uploadPhoto(resultId, file) {
    var data = new FormData();
    data.append("photo", file);
    return fetch(photoApi.replace("RESULT", resultId), {
      method: "POST", headers: { "X-CSRFToken": csrf }, credentials: "same-origin", body: data
    }).then(function (response) {
      if (response.ok || response.status === 400 || response.status === 404) {
        if (!response.ok) { showStatus("A photo was refused (type or size).", "error"); }
        return photoTx("readwrite", function (store) { store.delete(resultId); });
      }
      throw new Error("HTTP " + response.status);
    });
  }

  function flushPhotos() {
    if (!window.indexedDB) { showStatus(""); return Promise.resolve(); }
    var unsaved = pending().map(function (p) { return p.id; });
    return waitingPhotos().then(function (list) {
      var ready = list.filter(function (p) { return unsaved.indexOf(p.id) < 0; });
      return ready.reduce(function (chain, p) {
        return chain.then(function () { return uploadPhoto(p.id, p.file); });
      }, Promise.resolve()).then(function () {
        if (list.length > ready.length) { return; }  // the rest wait for their results
        if (!pending().length) { showStatus(""); }
      });
    }).catch(function () {
      showStatus("A photo is kept on this tablet; it will be sent when the connection is back.", "error");
      clearTimeout(retryTimer);
      retryTimer = setTimeout(flush, 3000);
    });
  }

  document.querySelectorAll("form[data-result]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var item = {
        id: data.get("id"),
        checkpoint_id: Number(data.get("checkpoint_id")),
        status: data.get("status"),
        finding_kind: data.get("finding_kind") || null,
        action_taken: data.get("action_taken") || null,
        note: data.get("note") || "",
        recorded_at: new Date().toISOString()
      };
      // A fresh id for the next tap on this checkpoint (a re-check is a new result).
      form.querySelector('input[name="id"]').value = newUuid();
      var list = pending();
      list.push(item);
      savePending(list);
      markRow(item, "pending");
      updateProgress();
      var photo = form.querySelector('input[type="file"]');
      var file = photo && photo.files && photo.files[0];
      if (photo) { photo.value = ""; }
      var kept = file ? keepPhoto(item.id, file).catch(function () {
        // No IndexedDB (private mode): send it with the result, as before.
        return flush().then(function () { return uploadPhoto(item.id, file); });
      }) : Promise.resolve();
      kept.then(flush);
    });
  });

  document.getElementById("finish-form").addEventListener("submit", function (event) {
    if (pending().length) {
      event.preventDefault();
      showStatus("Some checks are not saved yet. Wait for the connection, then finish.", "error");
      flush();
    }
  });

  function newUuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  pending().forEach(function (item) { markRow(item, "pending"); });
  updateProgress();
  window.addEventListener("online", flush);
  flush();
  var focus = document.querySelector(".stop.focus");
  if (focus) { focus.scrollIntoView({ block: "center" }); }
  walk.dataset.ready = "1";  // taps are now saved through the API (tests wait for this)
})();
