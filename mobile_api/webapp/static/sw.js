// The service worker: the app shell from its cache (the app opens with no network), and
// the rep's last reads (feed pages, cards, records, the inbox) from the network when it
// answers, else from the copy kept of them. Writes are never touched here: the page's
// outbox keeps them in IndexedDB and sends them itself, in order.
//
// VERSION and SHELL are written in by the server (mobile_api/webapp/shell.py): a changed
// file is a new version, which installs, caches the new shell and drops the old one.

const VERSION = "__VERSION__";
const SHELL = ["__SHELL__"];
const SHELL_CACHE = `socialcrm-shell-${VERSION}`;
const READS_CACHE = "socialcrm-api-reads";
const READS_KEPT = 40;
const READS = [/^\/api\/v1\/feed$/, /^\/api\/v1\/inbox$/, /^\/api\/v1\/cards\//, /^\/api\/v1\/records\//];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    await cache.addAll(SHELL.map((path) => new Request(path, { cache: "no-cache" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("socialcrm-shell-") && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const scope = new URL(self.registration.scope).pathname;
  if (request.mode === "navigate" && url.pathname.startsWith(scope)) {
    event.respondWith(fromShell(new URL("./", self.registration.scope).href, request));
  } else if (url.pathname.startsWith(scope)) {
    event.respondWith(fromShell(request, request));
  } else if (READS.some((pattern) => pattern.test(url.pathname))) {
    event.respondWith(networkFirst(request));
  }
});

async function fromShell(key, request) {
  const cached = await caches.match(key, { cacheName: SHELL_CACHE, ignoreSearch: true });
  return cached || fetch(request);
}

// The network's answer when there is one (and keep it); the kept copy when there is none.
async function networkFirst(request) {
  const cache = await caches.open(READS_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      await cache.put(request, response.clone());
      trim(cache);
    }
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
}

async function trim(cache) {
  const keys = await cache.keys();  // oldest first
  for (const key of keys.slice(0, Math.max(0, keys.length - READS_KEPT))) await cache.delete(key);
}
