import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abortable, abortError, isAbortError } from './abort.ts';

describe('abort helpers', () => {
  it('recognises only the AbortError DOMException', () => {
    assert.equal(isAbortError(abortError()), true);
    assert.equal(isAbortError(new DOMException('x', 'AbortError')), true);
    assert.equal(isAbortError(new DOMException('x', 'QuotaExceededError')), false);
    assert.equal(isAbortError(Object.assign(new Error('x'), { name: 'AbortError' })), false);
    assert.equal(isAbortError('AbortError'), false);
    const controller = new AbortController();
    controller.abort();
    assert.equal(isAbortError(controller.signal.reason), true);
  });

  it('abortable passes the promise through without a signal, or until the signal aborts', async () => {
    assert.equal(await abortable(Promise.resolve(1)), 1);
    assert.equal(await abortable(Promise.resolve(2), new AbortController().signal), 2);
    await assert.rejects(abortable(Promise.reject(new Error('boom')), new AbortController().signal), /boom/);
  });

  it('abortable stops the waiting, not the shared promise', async () => {
    let resolve!: (value: string) => void;
    const shared = new Promise<string>((r) => (resolve = r));
    const controller = new AbortController();
    const waiting = abortable(shared, controller.signal);
    controller.abort();
    await assert.rejects(waiting, { name: 'AbortError' });
    resolve('still there');
    assert.equal(await shared, 'still there');
  });

  it('abortable rejects at once for a signal already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    await assert.rejects(async () => abortable(new Promise(() => undefined), controller.signal), /gone/);
  });
});
