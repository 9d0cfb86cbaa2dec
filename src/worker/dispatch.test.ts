import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDispatcher, transferablesOf } from './dispatch.ts';
import type { Handlers } from './handlers.ts';
import { FAKE_SPEC } from './fake-engine.test-support.ts';
import type { WorkerReply, WorkerRequest } from '../shared/embed-protocol.ts';

const LOADED = { modelId: FAKE_SPEC.id, dims: 4, device: 'wasm', threads: 1 };
const STATUS = { loaded: LOADED, crossOriginIsolated: false, webGpuAvailable: false };

/** Handlers that answer at once (embed waits for its abort when asked to `hang`) and record what they got. */
function fakeHandlers(seen: WorkerRequest[] = []): Handlers {
  return {
    load: async (request) => (seen.push({ ...request, id: 0 }), LOADED),
    split: async () => ({ starts: Uint32Array.of(0), ends: Uint32Array.of(5), contextStarts: Uint32Array.of(0) }),
    embed: async (request, { emit, signal }) => {
      if (request.texts[0] === 'hang') {
        await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
      }
      if (request.texts[0] === 'fail') throw new RangeError('no such text');
      emit({ stage: 'embedding', done: 1, total: 1, perSecond: 1, etaSeconds: 0 });
      return { vectors: new Float32Array(4), dims: 4, sentenceCodes: [Uint8Array.of(1), new Uint8Array(0)] };
    },
    status: async () => STATUS,
    dispose: async () => {},
  };
}

function recorder(handlers = fakeHandlers()) {
  const replies: { reply: WorkerReply; transfer: Transferable[] }[] = [];
  const dispatch = createDispatcher(handlers, (reply, transfer) => replies.push({ reply, transfer }));
  return { dispatch, replies };
}

describe('createDispatcher', () => {
  it('routes each request to the handler of its type and tags the result with that type', async () => {
    const seen: WorkerRequest[] = [];
    const { dispatch, replies } = recorder(fakeHandlers(seen));
    await dispatch({ id: 1, type: 'load', spec: FAKE_SPEC, device: 'auto' });
    await dispatch({ id: 2, type: 'status' });
    assert.deepEqual(seen, [{ id: 0, type: 'load', spec: FAKE_SPEC, device: 'auto' }]);
    assert.deepEqual(
      replies.map(({ reply }) => reply),
      [
        { id: 1, type: 'result', request: 'load', result: LOADED },
        { id: 2, type: 'result', request: 'status', result: STATUS },
      ],
    );
  });

  it("forwards a handler's progress under its request's id, then transfers the result's typed arrays", async () => {
    const { dispatch, replies } = recorder();
    await dispatch({ id: 7, type: 'embed', texts: ['a'], kind: 'passage', sentences: true });
    const [progress, result] = replies;
    const embedding = { stage: 'embedding', done: 1, total: 1, perSecond: 1, etaSeconds: 0 };
    assert.deepEqual(progress?.reply, { id: 7, type: 'progress', progress: embedding });
    assert.equal(result?.reply.type === 'result' && result.reply.request, 'embed');
    assert.equal(result?.transfer.length, 3, 'the vectors and both sentence codes');
    await dispatch({ id: 8, type: 'split', text: 'Hello' });
    assert.equal(replies.at(-1)?.transfer.length, 3, 'starts, ends and context starts');
  });

  it('answers cancel itself: the target stops with an AbortError, an unknown target is no error', async () => {
    const { dispatch, replies } = recorder();
    const running = dispatch({ id: 1, type: 'embed', texts: ['hang'], kind: 'query' });
    await dispatch({ id: 2, type: 'cancel', target: 1 });
    await running;
    await dispatch({ id: 3, type: 'cancel', target: 1 });
    const [cancelled, stopped, unknown] = replies.map(({ reply }) => reply);
    assert.deepEqual(cancelled, { id: 2, type: 'result', request: 'cancel', result: { cancelled: true } });
    assert.equal(stopped?.type === 'error' && stopped.id === 1 && stopped.error.name, 'AbortError');
    assert.deepEqual(unknown, { id: 3, type: 'result', request: 'cancel', result: { cancelled: false } });
  });

  it("serialises a handler's error with its name and message", async () => {
    const { dispatch, replies } = recorder();
    await dispatch({ id: 4, type: 'embed', texts: ['fail'], kind: 'query' });
    const error = { name: 'RangeError', message: 'no such text' };
    assert.deepEqual(replies[0]?.reply, { id: 4, type: 'error', error });
  });
});

describe('transferablesOf', () => {
  it('takes the buffers of typed arrays at the top level and in top-level arrays, each once', () => {
    const shared = new Float32Array(8);
    const own = Uint8Array.of(1);
    const result = { a: shared.subarray(0, 4), b: [shared.subarray(4), own], n: 3, nested: { c: new Int8Array(2) } };
    assert.deepEqual(transferablesOf(result), [shared.buffer, own.buffer]);
  });

  it('leaves shared memory alone, which cannot be transferred', () => {
    assert.deepEqual(transferablesOf({ codes: new Uint8Array(new SharedArrayBuffer(4)) }), []);
  });
});
