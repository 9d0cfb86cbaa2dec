import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256Hex } from '../core/hash.ts';
import { modelBuildHash } from '../core/model-build.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { browserFiles, checkModelFiles, libraryModel, repairModelFiles, type BuildRecord, type ModelFileStore } from './model-files.ts';

const spec = { id: 'tiny', dtype: 'q8' as const };
const base = '/models/tiny/';
const good: Record<string, Uint8Array> = {
  'config.json': new TextEncoder().encode('{"hidden_size":4}'),
  'tokenizer.json': new TextEncoder().encode('{"model":{}}'),
  'onnx/model_quantized.onnx': new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
  'onnx/model.onnx': new Uint8Array([9, 9, 9]),
};

async function buildRecord(): Promise<BuildRecord> {
  const files: BuildRecord['files'] = {};
  for (const [file, bytes] of Object.entries(good)) files[file] = { size: bytes.byteLength, sha256: await sha256Hex(bytes) };
  return { files };
}

/** Cache Storage stand-in: what the service worker would serve, by URL. */
async function setup(edit: (stored: Map<string, Uint8Array>) => void = () => undefined) {
  const stored = new Map<string, Uint8Array>();
  stored.set(`${base}passage-build.json`, new TextEncoder().encode(JSON.stringify(await buildRecord())));
  for (const [file, bytes] of Object.entries(good)) if (file !== 'onnx/model.onnx') stored.set(base + file, bytes);
  edit(stored);
  const store: ModelFileStore = {
    read: async (url) => stored.get(url) ?? null,
    write: async (url, response) => void stored.set(url, new Uint8Array(await response.arrayBuffer())),
  };
  const fetched: string[] = [];
  const origin = async (url: string) => {
    fetched.push(url);
    const file = url.slice(base.length);
    if (file === 'passage-build.json') return new Response(JSON.stringify(await buildRecord()));
    const bytes = good[file];
    return bytes ? new Response(new Uint8Array(bytes)) : new Response('not found', { status: 404 });
  };
  return { stored, store, origin, fetched };
}

describe('model files', () => {
  it('the browser needs the non-ONNX files and only the ONNX file of its dtype', async () => {
    assert.deepEqual(browserFiles(spec, await buildRecord()).sort(), ['config.json', 'onnx/model_quantized.onnx', 'tokenizer.json']);
  });

  it('finds nothing wrong with intact files (the fp32 file the browser never loads is not required)', async () => {
    const { store } = await setup();
    assert.deepEqual(await checkModelFiles(spec, store), { damaged: [], missing: [] });
  });

  it('detects a damaged file by its checksum and a missing one', async () => {
    const { store } = await setup((stored) => {
      stored.set(`${base}onnx/model_quantized.onnx`, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 0])); // same size, other bytes
      stored.delete(`${base}tokenizer.json`);
    });
    assert.deepEqual(await checkModelFiles(spec, store), { damaged: ['onnx/model_quantized.onnx'], missing: ['tokenizer.json'] });
  });

  it('repairs exactly the broken files from the origin, after which the check passes', async () => {
    const { store, origin, fetched } = await setup((stored) => {
      stored.set(`${base}onnx/model_quantized.onnx`, new Uint8Array(100).fill(7));
      stored.delete(`${base}tokenizer.json`);
    });
    const repaired = await repairModelFiles(spec, await checkModelFiles(spec, store), store, origin);
    assert.deepEqual(repaired, ['onnx/model_quantized.onnx', 'tokenizer.json']);
    assert.deepEqual(fetched, [`${base}onnx/model_quantized.onnx`, `${base}tokenizer.json`]);
    assert.deepEqual(await checkModelFiles(spec, store), { damaged: [], missing: [] });
  });

  it('repairs a damaged build record first, then the files it reveals', async () => {
    const { store, origin } = await setup((stored) => {
      stored.set(`${base}passage-build.json`, new TextEncoder().encode('<!doctype html>'));
      stored.set(`${base}config.json`, new TextEncoder().encode('{}'));
    });
    const check = await checkModelFiles(spec, store);
    assert.deepEqual(check, { damaged: ['passage-build.json'], missing: [] });
    assert.deepEqual(await repairModelFiles(spec, check, store, origin), ['passage-build.json', 'config.json']);
    assert.deepEqual(await checkModelFiles(spec, store), { damaged: [], missing: [] });
  });

  it('stores nothing when the fresh copy does not match either, and says why in words', async () => {
    const { store, stored } = await setup((s) => s.set(`${base}config.json`, new TextEncoder().encode('{"x":1}')));
    const before = stored.get(`${base}config.json`);
    const badOrigin = async () => new Response('{"also":"wrong"}');
    await assert.rejects(repairModelFiles(spec, await checkModelFiles(spec, store), store, badOrigin), {
      name: 'RepairError',
      message: /config\.json the server sent does not match/,
    });
    assert.equal(stored.get(`${base}config.json`), before);
  });

  it('a network failure during repair is a readable RepairError', async () => {
    const { store } = await setup((s) => s.delete(`${base}config.json`));
    const offline = async (): Promise<Response> => {
      throw new TypeError('Failed to fetch');
    };
    await assert.rejects(repairModelFiles(spec, await checkModelFiles(spec, store), store, offline), {
      name: 'RepairError',
      message: /could not be downloaded; check the connection/,
    });
  });

  it('opens the library with the build hash of the stored build record, or without one when it cannot be read', async () => {
    const { store, stored } = await setup();
    const full = { ...spec, name: 'Tiny', dimensions: 4, pooling: 'mean', normalize: true, maxTokens: 64, queryPrefix: '', passagePrefix: '', license: 'MIT', source: { kind: 'npm' } } satisfies ModelSpec;
    const model = await libraryModel(full, (url) => store.read(url));
    assert.deepEqual(model, { id: 'tiny', dimensions: 4, build: await modelBuildHash(full, await buildRecord()) });
    stored.set(`${base}passage-build.json`, new TextEncoder().encode('{ damaged'));
    assert.deepEqual(await libraryModel(full, (url) => store.read(url)), { id: 'tiny', dimensions: 4 });
    assert.deepEqual(await libraryModel(full, () => Promise.reject(new Error('offline'))), { id: 'tiny', dimensions: 4 });
  });
});
