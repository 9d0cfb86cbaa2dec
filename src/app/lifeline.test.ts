import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { watchWorker } from './lifeline.ts';

/** A LockManager stand-in: a request is granted when the holder (the worker) lets go. */
function fakeLocks() {
  const waiting = new Map<string, () => void>();
  const locks = {
    request: (name: string, options: { signal?: AbortSignal }, callback: () => unknown) =>
      new Promise((resolve, reject) => {
        options.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        waiting.set(name, () => resolve(callback()));
      }),
  } as unknown as LockManager;
  return { locks, release: (name: string) => waiting.get(name)?.() };
}

const settled = async (promise: Promise<unknown>) => {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((resolve) => setTimeout(resolve, 5));
  return done;
};

describe('watchWorker', () => {
  it('declares the worker dead when its lifeline lock is released (it closed itself)', async () => {
    const worker = new EventTarget();
    const { locks, release } = fakeLocks();
    const { died } = watchWorker(worker, 'the test worker', locks);
    worker.dispatchEvent(new MessageEvent('message', { data: { passageLifeline: 'passage-lifeline:w#1' } }));
    assert.equal(await settled(died), false, 'alive while it holds the lock');
    release('passage-lifeline:w#1');
    const error = await died;
    assert.equal(error.name, 'WorkerDiedError');
    assert.match(error.message, /the test worker stopped/);
  });

  it('an error event counts as a death', async () => {
    const worker = new EventTarget();
    const { died } = watchWorker(worker, 'the test worker', fakeLocks().locks);
    worker.dispatchEvent(Object.assign(new Event('error'), { message: 'boom' }));
    assert.match((await died).message, /crashed: boom/);
  });

  it('a worker that never says it started is dead after the deadline; a released watch declares nothing', async () => {
    const silent = watchWorker(new EventTarget(), 'the test worker', fakeLocks().locks, 10);
    assert.match((await silent.died).message, /did not start/);
    const released = watchWorker(new EventTarget(), 'the test worker', fakeLocks().locks, 10);
    released.release();
    assert.equal(await settled(released.died), false);
  });
});
