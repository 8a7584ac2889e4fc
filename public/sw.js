/*
 * Caseport service worker.
 *
 * Privacy rule: Caseport is used on shared and borrowed phones. Authenticated pages
 * (account, profile, codes, security questions...) must never persist on the device
 * after the person signs out or closes the browser. So this worker:
 *   - precaches ONLY public, non-personal static files (offline page, manifest,
 *     icons, stylesheet);
 *   - handles page navigations network-only, falling back to the cached offline
 *     page when the network is unreachable; the page response itself is never stored;
 *   - never touches any other request: nothing under /api/ or /_fn/ (public APIs and server functions),
 *     no /pkg/*.wasm or *.js, no POSTs. Those go to the network untouched.
 * The server additionally sends Cache-Control: no-store on authenticated responses.
 */
'use strict';

// Bump the version whenever a precached file changes; old caches are deleted on activate.
const CACHE_NAME = 'caseport-static-v1';
const OFFLINE_URL = '/offline.html';
const CSS_URL = '/pkg/caseport.css';
const PRECACHE_URLS = [
  OFFLINE_URL,
  '/manifest.webmanifest',
  CSS_URL,
  '/favicon.ico',
  '/icons/favicon-32.png',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-512.png',
  '/icons/apple-touch-icon.png',
];

function isCacheableResponse(response) {
  return response && response.ok && response.type === 'basic';
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE_NAME).then((cache) =>
      Promise.all(
        PRECACHE_URLS.map((url) =>
          // cache: 'reload' bypasses the HTTP cache; credentials: 'omit' guarantees
          // that nothing personalised can be stored, even by accident.
          fetch(new Request(url, { cache: 'reload', credentials: 'omit' })).then((response) => {
            if (isCacheableResponse(response)) {
              return cache.put(url, response);
            }
            // The offline page is required; the other files are best effort.
            if (url === OFFLINE_URL) {
              throw new Error('Caseport: could not precache ' + url);
            }
            return undefined;
          })
        )
      )
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(names.filter((name) => name !== CACHE_NAME).map((name) => caches.delete(name)))
      )
      .then(() => self.clients.claim())
  );
});

async function offlineFallback() {
  const cached = await caches.match(OFFLINE_URL, { cacheName: CACHE_NAME });
  return (
    cached ||
    new Response('You are offline. / Está sin conexión.', {
      status: 503,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
    })
  );
}

// Stylesheet: network first so a new release is picked up at once; the copy in the
// cache (public, identical for everybody) is refreshed and used only when offline.
async function stylesheet(request) {
  const cache = await caches.open(CACHE_NAME);
  try {
    const response = await fetch(request);
    if (isCacheableResponse(response)) {
      await cache.put(CSS_URL, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(CSS_URL);
    if (cached) {
      return cached;
    }
    throw error;
  }
}

// Icons, favicon and manifest: cache first (they change only with a new cache version).
async function cacheFirst(request, path) {
  const cached = await caches.match(path, { cacheName: CACHE_NAME });
  return cached || fetch(request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') {
    return; // Form posts and server functions: network only, never intercepted.
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }

  if (request.mode === 'navigate') {
    // Network only. The (possibly authenticated) page is never put in a cache.
    event.respondWith(fetch(request).catch(() => offlineFallback()));
    return;
  }

  // Only the exact precached public files, without query strings, are served from the cache.
  if (url.search !== '' || !PRECACHE_URLS.includes(url.pathname) || url.pathname === OFFLINE_URL) {
    return; // /api/, /_fn/, /pkg/*.wasm, /pkg/*.js and everything else: untouched.
  }
  if (url.pathname === CSS_URL) {
    event.respondWith(stylesheet(request));
  } else {
    event.respondWith(cacheFirst(request, url.pathname));
  }
});
