/**
 * An in-memory stand-in for the Web Locks API (`navigator.locks.request`), for Node tests: exclusive locks by
 * name, granted in request order, `ifAvailable` (the callback gets null when held) and `signal` (a queued
 * request is dropped and rejects with the signal's reason). Several "tabs" share one instance.
 */
type Callback = (lock: { name: string; mode: LockMode } | null) => unknown;
interface Options {
  ifAvailable?: boolean;
  signal?: AbortSignal;
}

export class FakeLocks {
  private readonly _held = new Set<string>();
  private readonly _queues = new Map<string, (() => void)[]>();

  isHeld(name: string): boolean {
    return this._held.has(name);
  }

  request(name: string, options: Options, callback: Callback): Promise<unknown>;
  request(name: string, callback: Callback): Promise<unknown>;
  async request(name: string, optionsOrCallback: Options | Callback, maybeCallback?: Callback): Promise<unknown> {
    const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback;
    const callback = typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback!;
    options.signal?.throwIfAborted();
    if (this._held.has(name)) {
      if (options.ifAvailable) return callback(null);
      await new Promise<void>((resolve, reject) => {
        const queue = this._queues.get(name) ?? [];
        const grant = () => {
          options.signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          queue.splice(queue.indexOf(grant), 1);
          reject(options.signal!.reason);
        };
        options.signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(grant);
        this._queues.set(name, queue);
      });
    }
    this._held.add(name); // granted: either free, or handed over by the previous holder
    try {
      return await callback({ name, mode: 'exclusive' });
    } finally {
      const next = this._queues.get(name)?.shift();
      if (next) next();
      else this._held.delete(name);
    }
  }
}
