/** An in-memory CacheStorage for Node tests: enough of open/put/match/keys/delete for the share inbox. */
import type { CacheLike, CacheStorageLike } from './share-inbox.ts';

export class MemoryCache implements CacheLike {
  readonly entries = new Map<string, Response>();

  async put(url: string | Request, response: Response): Promise<void> {
    // A real cache reads the body when it is put: buffer it so later reads see the bytes.
    const body = await response.arrayBuffer();
    this.entries.set(String(typeof url === 'string' ? url : url.url), new Response(body, { headers: response.headers }));
  }

  async match(url: string): Promise<Response | undefined> {
    return this.entries.get(url)?.clone();
  }

  async keys(): Promise<{ url: string }[]> {
    return [...this.entries.keys()].map((url) => ({ url }));
  }

  async delete(url: string): Promise<boolean> {
    return this.entries.delete(url);
  }
}

export class MemoryCacheStorage implements CacheStorageLike {
  readonly caches = new Map<string, MemoryCache>();

  async open(name: string): Promise<MemoryCache> {
    let cache = this.caches.get(name);
    if (!cache) this.caches.set(name, (cache = new MemoryCache()));
    return cache;
  }
}
