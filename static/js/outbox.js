// The tablet's one outbox: every officer write waits in IndexedDB until the server has it.
//
// Interface (stable; other scripts rely on it):
//   window.SafetyOpsOutbox.enqueue({kind: "result", url: "/api/v1/...", method: "POST",
//                                   body: {...}, ref: "round:<uuid>" (optional)}) -> Promise
//     Keeps the entry on this tablet (IndexedDB) and starts sending. Resolves with the
//     stored entry once it is kept (not when it is sent). body.client_id is the entry's
//     UUID (made here if missing); the server treats a repeated UUID as the same entry.
//     A url may name a round that the server has not seen yet as "{round:<client uuid>}":
//     it is filled with the server's id once the entry that started that round is sent
//     (that entry carries ref: "round:<client uuid>"). Entries go in the order they were
//     made, one officer at a time: an entry made under officer A is never sent under B.
//     A body with a "files" object ({field: Blob}) is sent as multipart form data.
//   window.SafetyOpsOutbox.flush() -> Promise<summary>   send what waits now, in order
//   window.SafetyOpsOutbox.summary() -> Promise<{waiting, refused, entries}>
//   window.SafetyOpsOutbox.onchange(callback)   called with the summary after each change
//
// Sending: on page load, on the "online" event, on "Sync now", every few seconds while
// entries wait, and through Background Sync where the browser has it (sw.js). A 2xx
// answer removes the entry; 400/403/404/409 keep it as refused, shown with the server's
// reason (never dropped silently); 503 and 429 wait for Retry-After; no connection waits
// and retries. Each request carries X-Sent-At (the device's clock when sent); the tap
// time is the entry's created_at (X-Tapped-At), so the server can estimate clock skew.
(function (root) {
  "use strict";
  if (!root.indexedDB || !root.fetch) { return; }
  // The same file runs in the page and in the service worker (Background Sync), which
  // sends the entries of whoever is signed in: the session says who that is.
  var inPage = typeof document !== "undefined";
  var _t = root._t || function (s, p) {
    return s.replace(/%\((\w+)\)s/g, function (m, k) { return p && k in p ? p[k] : m; });
  };
  var DB_NAME = "safetyops-outbox";
  var userMeta = inPage ? document.querySelector('meta[name="safetyops-user"]') : null;
  var pageUser = userMeta ? Number(userMeta.content) : 0;
  var listeners = [];
  var flushing = null;
  var retryTimer = null;
  var retryAt = 0;
  var backoff = 2000;
  var lastError = "";
  var dbPromise = null;
  var answers = {};  // client_id -> the server's answer, for entries sent from this page

  function open() {
    if (dbPromise) { return dbPromise; }
    dbPromise = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        var entries = db.createObjectStore("entries", { keyPath: "seq", autoIncrement: true });
        entries.createIndex("client_id", "client_id", { unique: true });
        db.createObjectStore("refs", { keyPath: "key" });
        db.createObjectStore("meta", { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return dbPromise;
  }

  function tx(stores, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(stores, mode);
        var out = work(transaction);
        transaction.oncomplete = function () { resolve(out && "result" in out ? out.result : out); };
        transaction.onerror = function () { reject(transaction.error); };
        transaction.onabort = function () { reject(transaction.error); };
      });
    });
  }

  function all(store) {
    return tx([store], "readonly", function (x) { return x.objectStore(store).getAll(); });
  }
  function get(store, key) {
    return tx([store], "readonly", function (x) { return x.objectStore(store).get(key); });
  }
  function put(store, value) {
    return tx([store], "readwrite", function (x) { x.objectStore(store).put(value); });
  }
  function remove(store, key) {
    return tx([store], "readwrite", function (x) { x.objectStore(store).delete(key); });
  }

  function uuid() {
    if (root.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  function mine(entry) { return entry.officer === pageUser; }

  function summary() {
    return all("entries").then(function (entries) {
      entries = entries.filter(mine);
      var refused = entries.filter(function (e) { return e.state === "refused"; });
      return {
        waiting: entries.length - refused.length,
        refused: refused.length,
        entries: entries,
        error: lastError,
        retryAt: retryAt
      };
    });
  }

  function changed() {
    return summary().then(function (s) {
      listeners.forEach(function (callback) { try { callback(s); } catch (e) { /* keep others */ } });
      return s;
    });
  }

  // Background Sync: after a failed send, the browser wakes the service worker to send
  // when the connection is back, even if no SafetyOps page is open (Chromium; elsewhere
  // the page's own triggers). While a page can send, the page sends.
  function askForSync() {
    if (!inPage || !navigator.serviceWorker || !navigator.serviceWorker.ready) { return; }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) { return registration.sync.register("safetyops-outbox"); }
    }).catch(function () { /* not offered: the page's triggers remain */ });
  }

  function enqueue(item) {
    if (!pageUser) { return Promise.reject(new Error("not signed in")); }
    var body = Object.assign({}, item.body || {});
    if (!body.client_id) { body.client_id = uuid(); }
    var entry = {
      client_id: body.client_id,
      kind: String(item.kind || "write"),
      url: item.url,
      method: item.method || "POST",
      body: body,
      ref: item.ref || null,
      label: item.label || "",
      officer: pageUser,
      created_at: new Date().toISOString(),
      state: "waiting",
      error: "",
      attempts: 0
    };
    return tx(["entries"], "readwrite", function (x) {
      var store = x.objectStore("entries");
      var known = store.index("client_id").get(entry.client_id);
      known.onsuccess = function () {
        if (!known.result) { store.add(entry); }  // the same UUID twice is one entry
      };
    }).then(function () {
      changed();
      setTimeout(flush, 0);
      return entry;
    });
  }

  // ---- sending --------------------------------------------------------------------------

  var session = null;  // {user_id, csrf_token} of the signed-in officer, read before sending

  function readSession() {
    return fetch("/api/v1/offline/session", { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 401 || response.redirected) { return null; }
        if (!response.ok) { throw waitFor(response); }
        return response.json();
      });
  }

  function resolveUrl(url) {
    var match = /\{round:([0-9a-f-]{36})\}/.exec(url);
    if (!match) { return Promise.resolve({ url: url }); }
    return get("refs", "round:" + match[1]).then(function (ref) {
      if (ref) { return { url: url.replace(match[0], String(ref.id)) }; }
      return { missing: "round:" + match[1] };
    });
  }

  function encode(entry) {
    var headers = {
      "X-CSRFToken": session.csrf_token,
      "X-Sent-At": new Date().toISOString(),
      "X-Tapped-At": entry.created_at,
      "X-Client-Id": entry.client_id
    };
    var files = entry.body.files;
    if (files) {
      var form = new FormData();
      Object.keys(files).forEach(function (name) { form.append(name, files[name]); });
      return { headers: headers, body: form };
    }
    headers["Content-Type"] = "application/json";
    return { headers: headers, body: JSON.stringify(entry.body) };
  }

  function reasonOf(response) {
    return response.json().then(function (data) {
      response.fieldErrors = (data && data.errors) || null;  // {field: message}, for the form
      return (data && (data.error || data.message)) || ("HTTP " + response.status);
    }, function () { return "HTTP " + response.status; });
  }

  // A sign-out and sign-in elsewhere changes the session's token: not the entry's fault,
  // so it is sent again with the new one rather than refused.
  function expiredToken(response, reason) {
    return response.status === 400 && /CSRF/.test(reason);
  }

  function refuse(entry, reason, status, fieldErrors) {
    entry.state = "refused";
    entry.error = reason;
    entry.status = status;
    entry.fieldErrors = fieldErrors || null;
    return put("entries", entry);
  }

  function waitFor(response) {
    var after = Number(response.headers.get("Retry-After"));
    var ms = after > 0 ? after * 1000 : backoff;
    var error = new Error("retry");
    error.retryIn = Math.min(ms, 300000);
    error.message = _t("The server is busy; trying again in %(n)s s.", { n: Math.round(error.retryIn / 1000) });
    return error;
  }

  function sendOne(entry) {
    return resolveUrl(entry.url).then(function (resolved) {
      if (resolved.missing) {
        // The round's start was refused (or never made): this entry cannot be placed.
        return all("entries").then(function (entries) {
          var start = entries.filter(function (e) { return e.ref === resolved.missing; })[0];
          if (start && start.state !== "refused") { return "blocked"; }
          return refuse(entry, start ? _t("Its round was not started: %(why)s", { why: start.error })
                                     : _t("Its round is not known on this tablet."), 0);
        });
      }
      var request = encode(entry);
      entry.attempts += 1;
      return fetch(resolved.url, {
        method: entry.method, headers: request.headers, body: request.body,
        credentials: "same-origin", cache: "no-store"
      }).then(function (response) {
        if (response.ok) {
          return response.json().catch(function () { return {}; }).then(function (data) {
            answers[entry.client_id] = data;
            // The round's server id and the entry's removal in one transaction: a page
            // closed in between cannot leave results without their round.
            return tx(["entries", "refs"], "readwrite", function (x) {
              if (entry.ref && data && data.id !== undefined) {
                x.objectStore("refs").put({ key: entry.ref, id: data.id });
              }
              x.objectStore("entries").delete(entry.seq);
            });
          });
        }
        if (response.status === 401) { session = null; throw new Error("signed out"); }
        if (response.status === 503 || response.status === 429 || response.status >= 500) {
          throw waitFor(response);
        }
        return reasonOf(response).then(function (reason) {
          if (expiredToken(response, reason)) { throw waitFor(response); }
          return refuse(entry, reason, response.status, response.fieldErrors);
        });
      });
    });
  }

  // Consecutive results of one round go in one batch request (a tablet back from a dead
  // zone); the server stores or refuses each on its own and answers per result.
  function batchAt(queue, i) {
    var group = [queue[i]];
    if (queue[i].kind !== "result" || queue[i].body.files) { return group; }
    for (var j = i + 1; j < queue.length && group.length < 200; j++) {
      var next = queue[j];
      if (next.kind !== "result" || next.url !== queue[i].url || next.body.files) { break; }
      group.push(next);
    }
    return group;
  }

  function sendFrom(queue, i) {
    if (i >= queue.length) { return Promise.resolve(); }
    var group = batchAt(queue, i);
    var sent = group.length > 1 ? sendBatch(group) : sendOne(group[0]);
    return sent.then(function () { return sendFrom(queue, i + group.length); });
  }

  function sendBatch(group) {
    return resolveUrl(group[0].url).then(function (resolved) {
      if (resolved.missing) {
        return group.reduce(function (c, e) { return c.then(function () { return sendOne(e); }); },
                            Promise.resolve());
      }
      return fetch(resolved.url + "/batch", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": session.csrf_token,
          "X-Sent-At": new Date().toISOString()
        },
        body: JSON.stringify({ results: group.map(function (e) { return e.body; }) }),
        credentials: "same-origin", cache: "no-store"
      }).then(function (response) {
        if (response.status === 401) { session = null; throw new Error("signed out"); }
        if (response.status === 503 || response.status === 429 || response.status >= 500) {
          throw waitFor(response);
        }
        if (!response.ok) {
          return reasonOf(response).then(function (reason) {
            if (expiredToken(response, reason)) { throw waitFor(response); }
            return group.reduce(function (c, e) {
              return c.then(function () { return refuse(e, reason, response.status); });
            }, Promise.resolve());
          });
        }
        return response.json().then(function (data) {
          return group.reduce(function (c, e, k) {
            var outcome = data.results[k] || { status: 0, error: "no answer" };
            return c.then(function () {
              if (outcome.status >= 200 && outcome.status < 300) { return remove("entries", e.seq); }
              return refuse(e, outcome.error || ("HTTP " + outcome.status), outcome.status);
            });
          }, Promise.resolve());
        });
      });
    });
  }

  function flushNow() {
    clearTimeout(retryTimer);
    // Nothing of this officer's waits: no request at all (every page load calls this).
    var pending = inPage ? summary().then(function (s) { return s.waiting; }) : Promise.resolve(1);
    return pending.then(function (waiting) {
      if (!waiting) { lastError = ""; return changed(); }
      return sendWaiting();
    });
  }

  function sendWaiting() {
    return readSession().then(function (current) {
      session = current;
      if (!session) {
        lastError = _t("Sign in to send what waits on this tablet.");
        return changed();
      }
      if (!inPage) { pageUser = session.user_id; }
      if (session.user_id !== pageUser) { return changed(); }  // another officer's tablet page
      return all("entries").then(function (entries) {
        var queue = entries.filter(function (e) { return e.officer === session.user_id && e.state !== "refused"; });
        return sendFrom(queue, 0);
      }).then(function () {
        lastError = "";
        backoff = 2000;
        retryAt = 0;
        return changed();
      });
    }).catch(function (error) {
      var wait = (error && error.retryIn) || backoff;
      backoff = Math.min(backoff * 2, 60000);
      lastError = error && error.retryIn ? error.message : _t("No connection; kept on this tablet.");
      retryAt = Date.now() + wait;
      retryTimer = setTimeout(flush, wait);
      askForSync();  // the browser may send before this page comes back
      return changed();
    });
  }

  // One flush at a time; an entry made while one runs gets a second pass right after.
  var rerun = false;
  function flush() {
    if (flushing) { rerun = true; return flushing; }
    flushing = flushNow().then(function (s) {
      flushing = null;
      if (rerun && !(s && s.error)) { rerun = false; return flush(); }
      rerun = false;
      return s;
    }, function (e) { flushing = null; rerun = false; throw e; });
    return flushing;
  }

  function dismiss(seq) {
    return get("entries", seq).then(function (entry) {
      if (!entry || entry.state !== "refused") { return; }
      return remove("entries", seq);
    }).then(changed);
  }

  function retryRefused(seq) {
    return get("entries", seq).then(function (entry) {
      if (!entry) { return; }
      entry.state = "waiting"; entry.error = "";
      return put("entries", entry);
    }).then(function () { return flush(); });
  }

  root.SafetyOpsOutbox = {
    enqueue: enqueue,
    flush: flush,
    summary: summary,
    dismiss: dismiss,
    retry: retryRefused,
    uuid: uuid,
    user: pageUser,
    meta: { get: function (k) { return get("meta", k); }, put: function (v) { return put("meta", v); } },
    ref: function (key) { return get("refs", key); },
    answer: function (clientId) { return answers[clientId]; },
    onchange: function (callback) { listeners.push(callback); summary().then(callback); }
  };

  // ---- the indicator on every officer page ----------------------------------------------

  if (!inPage) { return; }
  var box = document.getElementById("outbox-status");
  function kindLabel(kind) {
    var labels = {
      round_start: _t("Round started"), result: _t("Checkpoint result"), photo: _t("Photo"),
      round_complete: _t("Round finished"), drill: _t("Drill"), real_event: _t("Real SRP event"),
      medical_call: _t("Medical call")
    };
    return labels[kind] || kind;
  }
  function render(s) {
    if (!box) { return; }
    var text = box.querySelector("[data-outbox-text]");
    var list = box.querySelector("[data-outbox-list]");
    var state;
    if (s.refused) {
      var first = s.entries.filter(function (e) { return e.state === "refused"; })[0];
      state = "refused";
      text.textContent = _t("%(n)s refused: %(why)s", { n: s.refused, why: first.error }) +
        (s.waiting ? " · " + _t("%(n)s waiting", { n: s.waiting }) : "");
    } else if (s.waiting) {
      state = "waiting";
      text.textContent = _t("%(n)s waiting", { n: s.waiting }) + (s.error ? " · " + s.error : "");
    } else {
      state = "saved";
      text.textContent = _t("All saved");
    }
    box.dataset.state = state;
    box.dataset.waiting = String(s.waiting);
    box.dataset.refused = String(s.refused);
    list.textContent = "";
    s.entries.forEach(function (e) {
      var li = document.createElement("li");
      li.dataset.kind = e.kind;
      li.dataset.state = e.state;
      var when = new Date(e.created_at);
      li.textContent = kindLabel(e.kind) + (e.label ? " · " + e.label : "") + " · " +
        when.toLocaleTimeString() + " · " +
        (e.state === "refused" ? _t("refused: %(why)s", { why: e.error }) : _t("waiting"));
      if (e.state === "refused") {
        var again = document.createElement("button");
        again.type = "button"; again.className = "btn btn-quiet";
        again.textContent = _t("Try again");
        again.addEventListener("click", function () { retryRefused(e.seq); });
        var drop = document.createElement("button");
        drop.type = "button"; drop.className = "btn btn-quiet";
        drop.textContent = _t("Dismiss");
        drop.addEventListener("click", function () {
          if (window.confirm(_t("Remove this refused entry from the tablet? The server never stored it."))) {
            dismiss(e.seq);
          }
        });
        li.appendChild(document.createTextNode(" "));
        li.appendChild(again);
        li.appendChild(drop);
      }
      list.appendChild(li);
    });
  }
  if (box) {
    var syncButton = box.querySelector("[data-outbox-sync]");
    if (syncButton) { syncButton.addEventListener("click", function () { flush(); }); }
    root.SafetyOpsOutbox.onchange(render);
  }

  // Signing out with unsent entries warns and keeps them for this officer's next sign-in.
  document.querySelectorAll('form[action$="/logout"]').forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var waiting = Number((box && box.dataset.waiting) || 0) + Number((box && box.dataset.refused) || 0);
      if (waiting && !window.confirm(_t("%(n)s entries are not sent yet. They stay on this tablet and are sent when you sign in again here. Sign out anyway?", { n: waiting }))) {
        event.preventDefault();
        return;
      }
      // Another officer may sign in next: the pages kept for offline use go, the outbox stays.
      if (window.caches) { caches.delete("safetyops-pages"); }
    });
  });

  window.addEventListener("online", function () { flush(); });
  if (navigator.serviceWorker && pageUser) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox-sync") { flush(); }
    });
  }
  if (pageUser) { flush(); }
})(typeof window !== "undefined" ? window : self);
