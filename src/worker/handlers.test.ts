import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { env } from '@huggingface/transformers';
import manifest from '../../models/manifest.json' with { type: 'json' };
import { findModel, type ModelManifest } from '../core/model-spec.ts';
import { loadEngine } from './engine.ts';
import { createFakeEngine, fakeEnvironment, FAKE_SPEC } from './fake-engine.test-support.ts';
import { createHandlers, type HandlerContext } from './handlers.ts';
import type { WorkerProgress } from '../shared/embed-protocol.ts';
import { fromOffsets } from '../core/split.ts';

const spec = findModel(manifest as ModelManifest);
const modelsDir = fileURLToPath(new URL('../../models/', import.meta.url));
const modelPresent = existsSync(`${modelsDir}${spec.id}/tokenizer.json`);

// Node has no wasm device in Transformers.js; the same handlers run on onnxruntime-node's CPU backend here.
env.allowRemoteModels = false;
env.localModelPath = modelsDir;

/** What the dispatcher passes a handler, with progress to `emit` and an abort signal no one fires. */
function context(emit: HandlerContext['emit'] = () => {}, signal = new AbortController().signal): HandlerContext {
  return { emit, signal };
}

function realHandlers() {
  return createHandlers({
    loadEngine: (s, _device, onProgress) => loadEngine(s, { device: 'cpu', onProgress }),
    detectWebGpu: async () => false,
    crossOriginIsolated: false,
    threads: 1,
  });
}

describe('worker handlers with the real model', { skip: modelPresent ? false : `run \`npm run models\` first` }, () => {
  const handlers = realHandlers();

  it('loads the model once and reports it', async () => {
    const first = await handlers.load({ type: 'load', spec, device: 'auto' }, context());
    const again = await handlers.load({ type: 'load', spec, device: 'auto' }, context());
    assert.deepEqual(first, { modelId: spec.id, dims: spec.dimensions, device: 'cpu', threads: 1 });
    assert.deepEqual(again, first);
    assert.deepEqual((await handlers.status({ type: 'status' }, context())).loaded, first);
  });

  it('splits with the real tokenizer into passages within the token budget', async () => {
    const sentence = 'Offline semantic search keeps every document on this device and still finds paraphrases. ';
    const text = `${sentence.repeat(40)}\n\nA short closing paragraph that is long enough to stay alone.`;
    const spans = fromOffsets(text, await handlers.split({ type: 'split', text }, context()));
    assert.ok(spans.length >= 3, `expected the long paragraph to be cut, got ${spans.length} passages`);
    for (const span of spans) assert.equal(span.text, text.slice(span.start, span.end));
  });

  it('embeds in batches into L2-normalised rows that rank a paraphrase above an unrelated text', async () => {
    const texts = ['How do I bake bread at home?', 'A recipe for baking a loaf of bread.', 'Stock markets fell today.'];
    const progress: WorkerProgress[] = [];
    const { vectors, dims } = await handlers.embed(
      { type: 'embed', texts, kind: 'passage', batchSize: 2 },
      context((p) => progress.push(p)),
    );
    assert.equal(dims, spec.dimensions);
    assert.equal(vectors.length, texts.length * dims);
    const row = (i: number) => vectors.subarray(i * dims, (i + 1) * dims);
    for (let i = 0; i < texts.length; i++) assert.ok(Math.abs(Math.hypot(...row(i)) - 1) < 1e-3);
    const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
    assert.ok(dot(row(0), row(1)) > dot(row(0), row(2)));
    assert.equal(progress.length, 2);
  });

  it("hands each passage's context to the engine across batches, and refuses contexts that do not match the texts", async () => {
    const texts = ['It expires on Nov. 23.', 'It expires on Nov. 23.', 'Rivers flow to the sea.'];
    const contexts = ['Seoul and Tokyo share an intelligence pact. ', '', ''];
    const { vectors, dims } = await handlers.embed({ type: 'embed', texts, kind: 'passage', contexts, batchSize: 2 }, context());
    const row = (i: number) => [...vectors.subarray(i * dims, (i + 1) * dims)];
    assert.notDeepEqual(row(0), row(1), 'the first text was read after its context');
    const alone = await handlers.embed({ type: 'embed', texts: texts.slice(1), kind: 'passage' }, context());
    assert.deepEqual(row(1), [...alone.vectors.subarray(0, dims)], 'no context: the text alone');
    assert.deepEqual(row(2), [...alone.vectors.subarray(dims)], 'the second batch got its own contexts');
    await assert.rejects(
      handlers.embed({ type: 'embed', texts, kind: 'passage', contexts: [''] }, context()),
      /1 contexts for 3 texts/,
    );
  });

  it('stops before the next batch once aborted', async () => {
    const controller = new AbortController();
    const call = handlers.embed(
      { type: 'embed', texts: ['one', 'two', 'three', 'four'], kind: 'passage', batchSize: 1 },
      context(() => controller.abort(), controller.signal),
    );
    await assert.rejects(call, { name: 'AbortError' });
  });

  it('disposes the engine', async () => {
    await handlers.dispose();
    assert.equal((await handlers.status({ type: 'status' }, context())).loaded, null);
  });
});

describe('worker handlers before load', () => {
  it('refuse to split or embed with a readable error', async () => {
    const handlers = realHandlers();
    await assert.rejects(handlers.split({ type: 'split', text: 'x' }, context()), /model is not loaded/);
    await assert.rejects(
      handlers.embed({ type: 'embed', texts: ['x'], kind: 'query' }, context()),
      /model is not loaded/,
    );
  });
});

describe('model load progress', () => {
  it('reports file sizes from the build record when responses carry no Content-Length, and compile once', async () => {
    const engine = createFakeEngine();
    const handlers = createHandlers(
      fakeEnvironment(engine, {
        fileSizes: async () => ({ 'onnx/model_quantized.onnx': 1000 }),
        loadEngine: async (_spec, _device, onProgress) => {
          const file = 'onnx/model_quantized.onnx';
          // What Transformers.js reports for a compressed response: total grows with loaded.
          onProgress({ status: 'progress', name: 'm', file, progress: 100, loaded: 400, total: 400 });
          onProgress({ status: 'progress', name: 'm', file: 'config.json', progress: 100, loaded: 60, total: 60 });
          onProgress({ status: 'done', name: 'm', file });
          onProgress({ status: 'done', name: 'm', file });
          return engine;
        },
      }),
    );
    const progress: WorkerProgress[] = [];
    await handlers.load({ type: 'load', spec: FAKE_SPEC, device: 'auto' }, context((p) => progress.push(p)));
    assert.deepEqual(progress, [
      { stage: 'model-download', file: 'onnx/model_quantized.onnx', loaded: 400, total: 1000 },
      { stage: 'model-download', file: 'config.json', loaded: 60, total: 60 },
      { stage: 'model-compile' },
    ]);
  });
});
