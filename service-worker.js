// The handheld's offline shell. Served at /service-worker.js (scope "/") by wms/handheld/pages.py, which
// writes VERSION: a hash of this file and of every file in SHELL (wms/handheld/shell.py), so any change
// to the shell gives a new cache and nothing else does. The new worker installs next to the old one,
// the app shows "A new version is ready", and it takes over only when the picker taps Update
// (the page posts SKIP_WAITING), never in the middle of a pick. SHELL holds every file the app loads:
// tests/api/test_handheld_shell.py follows the imports from static/handheld/app.js and fails on one missing.
const VERSION = "wms-shell-dev";
const SHELL = [
  "/app",
  "/manifest.webmanifest",
  "/static/handheld/app.js",
  "/static/handheld/count.js",
  "/static/handheld/db.js",
  "/static/handheld/outbox.js",
  "/static/handheld/scanner.js",
  "/static/handheld/feedback.js",
  "/static/handheld/i18n.js",
  "/static/handheld/pick.js",
  "/static/handheld/ui.js",
  "/static/js/api.js",
  "/static/handheld/handheld.css",
  "/static/handheld/icons/icon-192.png",
  "/static/handheld/icons/icon-512.png",
  "/static/handheld/icons/maskable-512.png",
  "/static/vendor/socket.io-4.8.1.min.js",
  "/static/vendor/barcode-detector-3.2.2.ponyfill.min.js",
  "/static/vendor/zxing_reader-3.1.3.wasm",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload" })))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith("wms-") && name !== VERSION).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

async function networkFirst(request) {
  const cache = await caches.open(`${VERSION}-api`);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(request);
    if (cached) return cached;
    throw error;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(VERSION);
  const url = new URL(request.url);
  const key = request.mode === "navigate" && url.pathname === "/app" ? "/app" : request;
  const cached = await cache.match(key, { ignoreSearch: request.mode === "navigate" });
  return cached || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/socket.io/")) return;        // live connection: never through the cache
  if (url.pathname.startsWith("/api/")) {
    if (request.method !== "GET") return;                     // commands go straight to the network, never cached
    if (request.headers.has("Authorization")) return;         // per-user data lives in IndexedDB, not in a shared cache
    event.respondWith(networkFirst(request));
    return;
  }
  if (request.method === "GET" && (url.pathname === "/app" || SHELL.includes(url.pathname))) {
    event.respondWith(cacheFirst(request));
  }
});
