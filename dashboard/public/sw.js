/* global self, caches */
// SmartStock service worker.
// Shell: cache-first for hashed assets, network-first for the page itself, so an
// installed app opens offline. Reads of stock and venues: network-first with the
// last good answer kept, stamped with when it was fetched, so the app can show a
// "last updated" banner. Writes are never cached or queued: a count replayed hours
// later would be wrong, so offline writes simply fail and the app says so.
const SHELL = 'smartstock-shell-v1';
const DATA = 'smartstock-data-v1';
const CACHED_READS = [
  /\/api\/v1\/venues(\/[^/]+\/locations)?$/,
  /\/api\/v1\/inventory\/locations\/[^/]+\/stock$/,
  /\/api\/v1\/inventory\/items(\?.*)?$/,
  /\/api\/v1\/inventory\/items\/[^/?]+$/,
  /\/api\/v1\/inventory\/items\/[^/?]+\/history(\?.*)?$/,
  /\/api\/v1\/devices(\?.*)?$/,
];

self.addEventListener('install', (e) => {
  e.waitUntil(
    caches
      .open(SHELL)
      .then((c) => c.addAll(['/', '/manifest.webmanifest', '/icon.svg', '/icon-192.png', '/apple-touch-icon.png']))
      .then(() => self.skipWaiting()),
  );
});
self.addEventListener('activate', (e) => {
  e.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL && k !== DATA).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) {
    if (CACHED_READS.some((r) => r.test(url.pathname + url.search))) e.respondWith(networkFirstData(req));
    return;
  }
  if (req.mode === 'navigate') {
    e.respondWith(
      fetch(req)
        .then((r) => put(SHELL, '/', r))
        .catch(() => caches.match('/')),
    );
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    e.respondWith(caches.match(req).then((hit) => hit ?? fetch(req).then((r) => put(SHELL, req, r))));
    return;
  }
  // icon, manifest: the network when there is one, else the copy from install
  e.respondWith(fetch(req).catch(() => caches.match(req, { cacheName: SHELL }).then((hit) => hit ?? Response.error())));
});

async function put(cacheName, key, res) {
  if (res.ok) {
    const c = await caches.open(cacheName);
    await c.put(key, res.clone());
  }
  return res;
}

/** A history read asks for a period ending now, a new URL each time: the last one read stands for all. */
const cacheKey = (url) => (/\/history\?/.test(url) ? url.slice(0, url.indexOf('?')) : url);

async function networkFirstData(req) {
  try {
    const res = await fetch(req);
    if (res.ok) {
      const headers = new Headers(res.headers);
      headers.set('x-smartstock-fetched-at', new Date().toISOString());
      const body = await res.clone().arrayBuffer();
      const c = await caches.open(DATA);
      await c.put(cacheKey(req.url), new Response(body, { status: 200, headers }));
    }
    return res;
  } catch {
    const hit = await caches.match(cacheKey(req.url), { cacheName: DATA });
    if (!hit) throw new Error('offline and nothing cached');
    const headers = new Headers(hit.headers);
    headers.set('x-smartstock-offline', '1');
    return new Response(await hit.arrayBuffer(), { status: 200, headers });
  }
}
