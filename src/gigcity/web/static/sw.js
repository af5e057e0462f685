/* The service worker (served at /sw.js, scope "/", by gigcity.web.pages with its settings
   prepended as self.GIGCITY_SW = {version, shell, pages, data}):
   - the shell (the map and report pages, their CSS, JS, Leaflet and the icon) is precached
     in a cache named after the release and the static files' hash, so a new release brings a
     new cache and the old one is removed;
   - static assets: cache first; the pages: network first (a few seconds on a poor signal),
     then the copy from the last visit;
   - the map's public data (points, the district): network first, then the last answer;
   - nothing else is cached: no personal answers, no POSTs;
   - Background Sync sends the reports kept offline (offline-queue.js). */
/* global GIGCITY_SW, gigcityQueue */
"use strict";

const SETTINGS = self.GIGCITY_SW;
const SHELL_CACHE = "gigcity-shell-" + SETTINGS.version;
const DATA_CACHE = "gigcity-data-" + SETTINGS.version;
const PAGE_TIMEOUT_MS = 4000;
const DATA_TIMEOUT_MS = 6000;
const SYNC_TAG = "gigcity-reports";

importScripts(SETTINGS.queueScript);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) =>
      Promise.all(
        SETTINGS.shell.map((url) =>
          cache.add(new Request(url, { cache: "reload" })).catch((err) => console.warn("gigcity sw: not cached", url, err))
        )
      )
    )
  );
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("gigcity-") && name !== SHELL_CACHE && name !== DATA_CACHE)
            .map((name) => caches.delete(name))
        )
      )
      .then(() => self.clients.claim())
  );
});

/* The pages kept for use without signal: the fixed ones and those matching a pattern (an
   estate's guide). */
function isKeptPage(url) {
  return SETTINGS.pages.includes(url.pathname) || (SETTINGS.pagePatterns || []).some((p) => new RegExp(p).test(url.pathname));
}

/* A kept page opened before this worker ran it (a guide first opened from a poster's QR
   code): fetched again and kept by path, as its next visits will be. */
async function keepPage(raw) {
  const url = new URL(raw, self.location.origin);
  if (url.origin !== self.location.origin || !isKeptPage(url)) return;
  try {
    const response = await fetch(url.href, { credentials: "same-origin" });
    if (response.ok) await (await caches.open(SHELL_CACHE)).put(url.origin + url.pathname, response);
  } catch (err) {
    /* the next visit keeps it */
  }
}

/* The public map data this worker keeps (path patterns); everything else under /api is
   left to the network. */
function isMapData(url) {
  return SETTINGS.data.some((pattern) => new RegExp(pattern).test(url.pathname));
}

/* The answer is also kept under the bare path: "the last points" when the view (bbox)
   differs a little after a reload. */
function lastKey(url) {
  return url.origin + url.pathname + "?last";
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err) => {
        clearTimeout(timer);
        reject(err);
      }
    );
  });
}

/* Network first: a good answer is kept (under `keys`) and returned; on no network, an error
   status or a timeout, the kept copy (the first of `keys` found); without one, the network's
   own outcome. */
async function networkFirst(request, cacheName, keys, timeoutMs) {
  const cache = await caches.open(cacheName);
  const network = fetch(request).then(async (response) => {
    if (response.ok && response.type === "basic") {
      await Promise.all(keys.map((key) => cache.put(key, response.clone())));
    }
    return response;
  });
  network.catch(() => {}); // its failure is handled below (or is the page's to see)
  try {
    const response = await withTimeout(network, timeoutMs);
    if (response.ok) return response;
  } catch (err) {
    /* fall back to the kept copy */
  }
  for (const key of keys) {
    const kept = await cache.match(key);
    if (kept) return kept;
  }
  return network;
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // POSTs go to the network, never to a cache
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return; // map tiles: the browser's own cache
  if (request.mode === "navigate") {
    if (!isKeptPage(url)) return;
    // Kept by path: "/?lang=en" and "/" are one page offline (the last one seen).
    const key = url.origin + url.pathname;
    event.respondWith(networkFirst(request, SHELL_CACHE, [key], PAGE_TIMEOUT_MS));
  } else if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  } else if (isMapData(url)) {
    event.respondWith(networkFirst(request, DATA_CACHE, [request.url, lastKey(url)], DATA_TIMEOUT_MS));
  }
});

/* A page's first visit ran before this worker controlled it: it sends the map data URLs it
   loaded, which are fetched again here and kept, so one visit is enough for offline use. */
async function keepData(urls) {
  const cache = await caches.open(DATA_CACHE);
  for (const raw of urls) {
    const url = new URL(raw, self.location.origin);
    if (url.origin !== self.location.origin || !isMapData(url)) continue;
    try {
      const response = await fetch(url.href, { credentials: "omit" });
      if (response.ok) {
        await cache.put(url.href, response.clone());
        await cache.put(lastKey(url), response);
      }
    } catch (err) {
      /* the next visit keeps it */
    }
  }
}

async function tellPages(message) {
  const pages = await self.clients.matchAll({ type: "window" });
  pages.forEach((page) => page.postMessage(message));
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep-data" && Array.isArray(data.urls)) {
    event.waitUntil(keepData(data.urls));
  }
  if (data.type === "keep-page" && typeof data.url === "string") {
    event.waitUntil(keepPage(data.url));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(
    gigcityQueue.flush().then(async (outcome) => {
      await tellPages({ type: "queue-changed" });
      // Still waiting for the signal (or the server): the browser tries the sync again later.
      if (outcome.retry) throw new Error("reports still waiting");
    })
  );
});

/* Notices (services/notify): a push carries {title, body, url, kind}; a tap opens the url
   in a page of this site that is already open, or a new one. */
self.addEventListener("push", (event) => {
  let notice = {};
  try {
    notice = event.data ? event.data.json() : {};
  } catch (err) {
    notice = { body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    self.registration.showNotification(notice.title || "gigcity", {
      body: notice.body || "",
      icon: "/static/icon.svg",
      tag: notice.kind || undefined,
      data: { url: notice.url || "/" },
    })
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (url.origin !== self.location.origin) return;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((pages) => {
      const open = pages.find((page) => new URL(page.url).pathname === url.pathname);
      return open ? open.focus() : self.clients.openWindow(url.href);
    })
  );
});
