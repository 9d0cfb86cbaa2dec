/**
 * The browser's side of model-files.ts: model files as the service worker stores them (Workbox's precache in
 * Cache Storage, keyed `<url>?__WB_REVISION__=<revision>`), and fresh copies from the origin.
 */
import type { FetchFresh, ModelFileStore } from './model-files.ts';

/**
 * Reads and writes the copies the service worker serves. Without a controlling service worker (development, or
 * a browser without one) there is no stored copy to repair: reads go to the server and writes do nothing.
 */
export function cacheStorageStore(): ModelFileStore {
  const controlled = typeof navigator !== 'undefined' && 'serviceWorker' in navigator && navigator.serviceWorker.controller !== null && typeof caches !== 'undefined';
  return {
    async read(url) {
      if (!controlled) {
        const response = await fetch(url).catch(() => null);
        return response?.ok ? new Uint8Array(await response.arrayBuffer()) : null;
      }
      for (const name of await caches.keys()) {
        const response = await (await caches.open(name)).match(url, { ignoreSearch: true });
        if (response) return new Uint8Array(await response.arrayBuffer());
      }
      return null;
    },
    async write(url, response) {
      if (!controlled) return;
      let stored = false;
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const key of await cache.keys(url, { ignoreSearch: true })) {
          await cache.put(key, response.clone());
          stored = true;
        }
      }
      if (stored) return;
      // Missing altogether: store it under the key the service worker's precache looks up.
      const key = await precacheKey(url);
      const name = (await caches.keys()).find((n) => n.includes('precache'));
      if (key && name) await (await caches.open(name)).put(key, response);
    },
  };
}

/** The Workbox precache key of `url`: its revision comes from the precache manifest inside the service worker script. */
async function precacheKey(url: string): Promise<string | null> {
  const script = navigator.serviceWorker.controller?.scriptURL;
  if (!script) return null;
  const source = await (await fetch(script)).text();
  const absolute = new URL(url, location.href);
  const relative = absolute.pathname.replace(/^\//, '');
  const escaped = relative.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // e.g. {url:"models/x/onnx/model_quantized.onnx",revision:"3f…"} (either order, quoted keys or not)
  const entry = new RegExp(`\\{[^{}]*["']?url["']?\\s*:\\s*["']/?${escaped}["'][^{}]*\\}`).exec(source)?.[0];
  if (!entry) return null;
  const revision = /["']?revision["']?\s*:\s*["']([^"']+)["']/.exec(entry)?.[1];
  if (revision) absolute.searchParams.set('__WB_REVISION__', revision);
  return absolute.href;
}

/**
 * A fresh copy from the origin: an unknown query parameter keeps the service worker's precache route from
 * answering with the (damaged) stored copy, and `no-store` keeps the HTTP cache out of it.
 */
export const fetchFromOrigin: FetchFresh = (url) => fetch(`${url}?passage-repair=${Date.now()}`, { cache: 'no-store' });
