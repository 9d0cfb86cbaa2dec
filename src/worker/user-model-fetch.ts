/**
 * Where the embedding worker finds a user model's files (models added in Settings): in the Cache Storage cache
 * `passage-user-models`, under the same URLs Transformers.js asks for (`/models/user/<name>/<file>`). Answered
 * before the network — nothing of a user model is on the server, and it must load offline.
 */
import { USER_MODEL_CACHE, USER_MODEL_PREFIX } from '../core/model-catalogue.ts';
import type { Fetch } from './shared-fetch.ts';

export interface CacheReader {
  match(request: string): Promise<Response | undefined>;
}

export function withUserModels(base: Fetch, openCache: () => Promise<CacheReader>, root = '/models/'): Fetch {
  return async (input, init) => {
    // Node (the unit tests) has no location.
    const url = new URL(String(input), typeof location === 'undefined' ? 'http://localhost/' : location.href);
    if (!url.pathname.startsWith(root + USER_MODEL_PREFIX) || (init?.method ?? 'GET').toUpperCase() !== 'GET') return base(input, init);
    const stored = await (await openCache()).match(url.origin + url.pathname);
    // Transformers.js treats a 404 as "this optional file does not exist" (special_tokens_map.json, say).
    return stored ?? new Response('not stored with this model', { status: 404, statusText: 'Not Found' });
  };
}

export function userModelCache(): Promise<CacheReader> {
  return caches.open(USER_MODEL_CACHE);
}
