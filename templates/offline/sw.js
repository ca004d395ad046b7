// SafetyOps service worker {{ version }}: the officer's pages and files without a connection.
//
// Hand-written rather than Workbox: it needs four behaviours (files kept at install, pages
// network-first with the last copy as fallback, a "needs a connection" page, and Background
// Sync that runs the app's own outbox from static/js/outbox.js, one IndexedDB queue with
// per-officer entries). Workbox's BackgroundSyncPlugin keeps its own queue of requests,
// which would be a second outbox; the rest is about 100 lines here.
"use strict";
var VERSION = "{{ version }}";
var STATIC_CACHE = "safetyops-static-" + VERSION;
var PAGES_CACHE = "safetyops-pages";  // signed-in pages; emptied at sign-out
var STATIC_FILES = {{ static_files | tojson }};
var OFFLINE_URL = {{ offline_url | tojson }};
var NETWORK_WAIT_MS = 4000;  // a dead zone with one bar: use the kept copy after this

importScripts({{ outbox_url | tojson }});

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(STATIC_CACHE).then(function (cache) {
      return cache.addAll(STATIC_FILES.concat([OFFLINE_URL, {{ manifest_url | tojson }}]));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("safetyops-static-") === 0 && name !== STATIC_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// Only the officer's pages are kept (home, rounds, scans, the drill, real event and medical
// call forms, notifications): administration and reports need the server anyway.
var KEPT_PAGES = [/^\/$/, /^\/notifications\/?$/, /^\/tablet\/(walk|scan)$/, /^\/rounds\/\d+$/,
                  /^\/scan\/\d+$/, /^\/campuses\/[^/]+\/(drills|medical)\/new$/];

function kept(url) {
  return KEPT_PAGES.some(function (pattern) { return pattern.test(url.pathname); });
}

function isPage(request) {
  return request.mode === "navigate" ||
    (request.headers.get("Accept") || "").indexOf("text/html") >= 0;
}

// Signed-in pages: the network first (fresh data), the last copy if the network fails or
// takes too long. A page that answered with the sign-in form is not kept.
function pageFromNetwork(request) {
  var url = new URL(request.url);
  var network = fetch(request).then(function (response) {
    // A proxy's "server unreachable" is no connection either: use the kept copy.
    if (response.status >= 502 && response.status <= 504) { throw new Error("unreachable"); }
    var keep = response.ok && !response.redirected && kept(url);
    if (keep) {
      var copy = response.clone();
      caches.open(PAGES_CACHE).then(function (cache) { cache.put(stripHash(request.url), copy); });
    }
    return response;
  });
  var timeout = new Promise(function (resolve) {
    setTimeout(function () { resolve(null); }, NETWORK_WAIT_MS);
  });
  return Promise.race([network.catch(function () { return null; }), timeout]).then(function (response) {
    if (response) { return response; }
    return keptPage(url).then(function (kept) {
      return kept || network.catch(function () { return fallbackPage(url); });
    });
  });
}

function stripHash(href) { return href.split("#")[0]; }

function keptPage(url) {
  return caches.open(PAGES_CACHE).then(function (cache) {
    return cache.match(stripHash(url.href)).then(function (hit) {
      return hit || cache.match(url.origin + url.pathname, { ignoreSearch: true });
    });
  });
}

// No copy of this page: a scanned QR label and a round started offline have pages made
// from the offline copy; anything else says it needs a connection.
function fallbackPage(url) {
  var shell = null;
  if (/^\/scan\/\d+$/.test(url.pathname)) { shell = "/tablet/scan"; }
  if (!shell) {
    return caches.match(OFFLINE_URL).then(function (page) {
      return page || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
    });
  }
  return caches.open(PAGES_CACHE).then(function (cache) {
    return cache.match(url.origin + shell);
  }).then(function (page) { return page || caches.match(OFFLINE_URL); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf("/api/") === 0 || url.pathname === "/sw.js") { return; }
  if (url.pathname.indexOf("/static/") === 0 || url.pathname === {{ manifest_url | tojson }}) {
    // Files: the kept copy first; one not kept at install (a locale's catalog, print.css)
    // is kept the first time it loads.
    event.respondWith(
      caches.match(request, { ignoreSearch: true }).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (response.ok) {
            var copy = response.clone();
            caches.open(STATIC_CACHE).then(function (cache) { cache.put(request, copy); });
          }
          return response;
        });
      })
    );
    return;
  }
  if (isPage(request)) { event.respondWith(pageFromNetwork(request)); }
});

// Background Sync: the connection is back and no page may be open; send the outbox.
self.addEventListener("sync", function (event) {
  if (event.tag === "safetyops-outbox" && self.SafetyOpsOutbox) {
    event.waitUntil(self.SafetyOpsOutbox.flush().then(function (summary) {
      if (summary && summary.waiting) { throw new Error("entries still waiting"); }  // retried
    }));
  }
});
