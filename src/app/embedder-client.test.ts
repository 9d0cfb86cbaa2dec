import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EmbedderClient } from './embedder-client.ts';
import { createFakeEngine, fakeEnvironment, fakeVector, FakeWorker, FAKE_SPEC } from '../worker/fake-engine.test-support.ts';
import type { WorkerProgress, WorkerReply, WorkerRequest } from '../shared/embed-protocol.ts';
import { fromOffsets } from '../core/split.ts';

function setup() {
  const engine = createFakeEngine();
  const worker = new FakeWorker(fakeEnvironment(engine));
  return { engine, worker, client: new EmbedderClient(worker) };
}

describe('EmbedderClient', () => {
  it('loads, then embeds in batches with progress and returns rows in input order', async () => {
    const { engine, client } = setup();
    const loaded = await client.load(FAKE_SPEC, 'auto');
    assert.deepEqual(loaded, { modelId: 'fake-model', dims: 4, device: 'wasm', threads: 1 });

    const texts = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];
    const progress: WorkerProgress[] = [];
    const vectors = await client.embed(texts, 'passage', { batchSize: 2, onProgress: (p) => progress.push(p) });

    assert.equal(vectors.length, texts.length * 4);
    assert.deepEqual(vectors.slice(12, 16), fakeVector('delta'));
    assert.deepEqual(engine.embedCalls, [['alpha', 'beta'], ['gamma', 'delta'], ['epsilon']]);
    assert.deepEqual(
      progress.map((p) => (p.stage === 'embedding' ? [p.done, p.total] : p.stage)),
      [[2, 5], [4, 5], [5, 5]],
    );
  });

  it('splits with the model token counter and budget', async () => {
    const { client } = setup();
    await client.load(FAKE_SPEC, 'wasm');
    const text = 'The first paragraph is long enough to stand alone here.\n\nAnd a second paragraph that also stands alone.';
    const spans = fromOffsets(text, await client.split(text));
    assert.equal(spans.length, 2);
    for (const span of spans) assert.equal(span.text, text.slice(span.start, span.end));
  });

  it('rejects with the worker error message when a request fails', async () => {
    const { client } = setup();
    await assert.rejects(client.split('text before any model'), /model is not loaded/);
  });

  it('abort sends cancel, rejects with AbortError and stops embedding between batches', async () => {
    const { engine, worker, client } = setup();
    await client.load(FAKE_SPEC, 'wasm');
    let release!: () => void;
    engine.gate = new Promise((resolve) => (release = resolve));
    const controller = new AbortController();
    const call = client.embed(['a', 'b', 'c', 'd', 'e', 'f'], 'passage', {
      batchSize: 2,
      signal: controller.signal,
      onProgress: () => controller.abort(), // abort as soon as the first batch is done
    });
    await new Promise((resolve) => setTimeout(resolve, 5)); // let the first batch start
    release();
    engine.gate = null;

    await assert.rejects(call, (error: unknown) => error instanceof DOMException && error.name === 'AbortError');
    const cancel = worker.received.find((r) => r.type === 'cancel');
    assert.ok(cancel, 'a cancel request was sent');
    await client.status(); // the worker has processed everything sent before this
    assert.ok(engine.embedCalls.length < 3, `embedded ${engine.embedCalls.length} of 3 batches`);
  });

  it('sends any request type of the protocol map through its generic call', async () => {
    const { worker, client } = setup();
    await client.call('load', { spec: FAKE_SPEC, device: 'wasm' });
    const text = 'The first paragraph is long enough to stand alone here.\n\nAnd a second paragraph that also stands alone.';
    const offsets = await client.call('split', { text });
    assert.deepEqual(offsets, await client.split(text));
    assert.equal(offsets.starts.length, 2);
    assert.deepEqual(worker.received[1], { type: 'split', text, id: 2 });
  });

  it('refuses a result tagged for another request type instead of resolving with it', async () => {
    const worker = Object.assign(new EventTarget(), {
      terminate() {},
      postMessage(request: WorkerRequest) {
        const status = { loaded: null, crossOriginIsolated: false, webGpuAvailable: false };
        const reply: WorkerReply = { id: request.id, type: 'result', request: 'status', result: status };
        setTimeout(() => worker.dispatchEvent(new MessageEvent('message', { data: reply })), 0);
      },
    });
    const client = new EmbedderClient(worker);
    await assert.rejects(client.split('text'), /answered a split request with a status result/);
    assert.equal((await client.status()).loaded, null);
  });

  it('rejects at once, without sending anything, when the signal is already aborted', async () => {
    const { worker, client } = setup();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(client.status({ signal: controller.signal }), { name: 'AbortError' });
    assert.equal(worker.received.length, 0);
  });

  it('a crashed worker rejects every pending call and every later one', async () => {
    const { engine, worker, client } = setup();
    await client.load(FAKE_SPEC, 'wasm');
    engine.gate = new Promise(() => {}); // never answers
    const pending = [client.embed(['x'], 'query'), client.embed(['y'], 'query')];
    worker.crash('out of memory');
    for (const call of pending) await assert.rejects(call, /worker crashed: out of memory/);
    await assert.rejects(client.status(), /worker crashed/);
  });
});
