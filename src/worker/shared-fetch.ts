/**
 * A fetch that answers repeated GETs of the same URL from one network request, for the duration of a model load.
 *
 * Why: when given a progress callback, Transformers.js v4 first GETs every model file to read its size
 * (never reading the body) and then GETs it again to load it, concurrently. Two concurrent requests for the
 * same 23 MB file make Chromium's HTTP cache fail one of them with net::ERR_CACHE_WRITE_FAILURE, and the load
 * fails with "network error" (seen here without any service worker, 1 load in 3). Sharing one request removes
 * the race. Every caller gets a clone; the original is never read, so each clone receives the whole body.
 */
export type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface SharedFetch {
  fetch: Fetch;
  /** Drops the shared responses (and the bodies they buffer); call when the load is over. */
  forget(): void;
}

export function createSharedFetch(base: Fetch): SharedFetch {
  const responses = new Map<string, Promise<Response>>();
  return {
    async fetch(input, init) {
      if (!isPlainGet(init)) return base(input, init);
      const url = String(input);
      let shared = responses.get(url);
      if (!shared) {
        shared = base(input, init);
        responses.set(url, shared);
        shared.catch(() => responses.delete(url)); // a failed request may be retried
      }
      return (await shared).clone();
    },
    forget() {
      responses.clear();
    },
  };
}

/** Only whole-resource GETs can be shared; a Range or HEAD request asks for something else. */
function isPlainGet(init?: RequestInit): boolean {
  if ((init?.method ?? 'GET').toUpperCase() !== 'GET') return false;
  return !new Headers(init?.headers).has('range');
}
