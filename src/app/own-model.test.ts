import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import JSZip from 'jszip';
import { startLocalHub, type LocalHub } from '../../models/testing/hub-server.ts';
import { tinyModelFiles } from '../../models/testing/tiny-model.ts';
import type { ModelChoices } from '../core/model-catalogue.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { downloadFromHub, type HubProgress } from './hub-download.ts';
import { ModelManager, startupModel } from './model-manager.ts';
import { pickedFromZip } from './model-import.ts';
import { UserModels, type CacheLike } from './user-models.ts';

const CHOICES: ModelChoices = { name: 'Tiny BERT', pooling: 'mean', normalize: true, queryPrefix: '', passagePrefix: '' };
const REPO = 'passage-tests/tiny-bert';
let files: Map<string, Uint8Array>;
let hub: LocalHub;

/** Cache Storage's part the store uses, in memory. */
function memoryCache(): CacheLike & { entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return {
    entries,
    async match(url) {
      const bytes = entries.get(url);
      return bytes ? new Response(bytes as Uint8Array<ArrayBuffer>) : undefined;
    },
    async put(url, response) {
      entries.set(url, new Uint8Array(await response.arrayBuffer()));
    },
    async delete(url) {
      return entries.delete(url);
    },
    async keys() {
      return [...entries.keys()].map((url) => ({ url }));
    },
  };
}

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const items = new Map<string, string>();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) };
}

function manager(probe: (spec: ModelSpec) => Promise<number> = async (spec) => spec.dimensions) {
  const cache = memoryCache();
  const storage = memoryStorage();
  let restarts = 0;
  const models = new ModelManager({
    store: new UserModels(async () => cache, 'http://app.test/models/'),
    storage,
    probe,
    restart: () => void restarts++,
  });
  return { models, cache, storage, restarts: () => restarts };
}

async function zipOf(entries: Map<string, Uint8Array>, folder = 'tiny-bert'): Promise<File> {
  const zip = new JSZip();
  for (const [path, bytes] of entries) zip.file(`${folder}/${path}`, bytes);
  return new File([await zip.generateAsync({ type: 'uint8array' }) as Uint8Array<ArrayBuffer>], 'tiny-bert.zip');
}

before(async () => {
  files = await tinyModelFiles();
  hub = await startLocalHub({ [REPO]: files });
});
after(() => hub.close());

describe('Your own model', () => {
  it('downloads a model from a local server speaking the hub URL scheme, with progress up to the whole size', async () => {
    const progress: HubProgress[] = [];
    const download = await downloadFromHub({ repo: REPO, host: hub.url, onProgress: (p) => progress.push(p) });
    assert.deepEqual([...download.files.keys()].sort(), [...files.keys()].sort());
    for (const [path, bytes] of files) assert.ok(Buffer.from(bytes).equals(download.files.get(path)!), path);
    const total = [...files.values()].reduce((s, b) => s + b.byteLength, 0);
    assert.equal(progress.at(-1)?.loaded, total);
    assert.ok(progress.some((p) => p.loaded > 0 && p.loaded < total), 'progress between the start and the end');
    assert.ok(hub.seen.includes(`/${REPO}/resolve/main/onnx/model_quantized.onnx`));
  });

  it('refuses a hub download whose bytes do not match the hub checksum, naming the file', async () => {
    hub.corrupt = 'onnx/model_quantized.onnx';
    try {
      await assert.rejects(downloadFromHub({ repo: REPO, host: hub.url }), { message: /^onnx\/model_quantized\.onnx: the download does not match the hub’s sha-256/ });
      hub.corrupt = 'tokenizer.json';
      await assert.rejects(downloadFromHub({ repo: REPO, host: hub.url }), { message: /^tokenizer\.json: the download does not match the hub’s checksum/ });
    } finally {
      hub.corrupt = null;
    }
  });

  it('says which repository was not found, and stops when cancelled', async () => {
    await assert.rejects(downloadFromHub({ repo: 'nobody/nothing', host: hub.url }), { message: /^nobody\/nothing: not found on 127\.0\.0\.1/ });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(downloadFromHub({ repo: REPO, host: hub.url, signal: controller.signal }), { name: 'AbortError' });
  });

  it('adds a model from the hub: stored with its build record, listed after the built-in model, not yet in use', async () => {
    const { models, cache } = manager();
    const spec = await models.addFromHub({ repo: REPO, host: hub.url }, CHOICES);
    assert.match(spec.id, /^user\/tiny-bert-[0-9a-f]{8}$/);
    assert.deepEqual({ dimensions: spec.dimensions, dtype: spec.dtype, source: spec.source.kind }, { dimensions: 32, dtype: 'q8', source: 'hub' });
    const listed = await models.list();
    assert.deepEqual(listed.models.map((m) => m.id), ['all-MiniLM-L6-v2', spec.id]);
    assert.equal(listed.active.id, 'all-MiniLM-L6-v2');
    const build = JSON.parse(new TextDecoder().decode(cache.entries.get(`http://app.test/models/${spec.id}/passage-build.json`))) as { files: Record<string, { size: number }> };
    assert.equal(build.files['onnx/model_quantized.onnx']?.size, files.get('onnx/model_quantized.onnx')?.byteLength);
  });

  it('adds a model from a zip with a top folder, and switching to it restarts with it and survives a reload', async () => {
    const { models, storage, restarts } = manager();
    const spec = await models.addFromZip(await zipOf(files), { ...CHOICES, name: 'Zipped tiny', queryPrefix: 'query: ' });
    await models.use(spec.id);
    assert.equal(restarts(), 1);
    assert.match(spec.id, /^user\/zipped-tiny-[0-9a-f]{8}$/);
    assert.equal((await models.active()).id, spec.id);
    const started = startupModel(storage);
    assert.deepEqual({ id: started.id, queryPrefix: started.queryPrefix }, { id: spec.id, queryPrefix: 'query: ' });
    await models.use('all-MiniLM-L6-v2');
    assert.equal(startupModel(storage).id, 'all-MiniLM-L6-v2');
    await models.remove(spec.id);
    assert.deepEqual((await models.list()).models.map((m) => m.id), ['all-MiniLM-L6-v2']);
  });

  it('removing a model not in use deletes its files, then its vectors through the library, at once', async () => {
    const { models, cache, restarts } = manager();
    const deleted: string[] = [];
    await models.attachLibrary(async (id) => void deleted.push(id));
    const spec = await models.addFromZip(await zipOf(files), CHOICES);
    assert.deepEqual(await models.remove(spec.id), { restarting: false, vectorsDeleted: true });
    assert.deepEqual(deleted, [spec.id]);
    assert.equal([...cache.entries.keys()].some((url) => url.includes(spec.id)), false);
    assert.equal(restarts(), 0);
    await assert.rejects(models.remove('all-MiniLM-L6-v2'), /Built-in models cannot be removed/);
  });

  it('removing the model in use switches back to the default and restarts; the restarted app deletes its vectors', async () => {
    const { models, storage, restarts } = manager();
    const spec = await models.addFromZip(await zipOf(files), CHOICES);
    await models.use(spec.id);
    const refused: string[] = [];
    // This page's library has the model in use until the restart: it would refuse to delete its vectors.
    await models.attachLibrary(async (id) => {
      refused.push(id);
      throw new Error('in use');
    });
    assert.deepEqual(await models.remove(spec.id), { restarting: true, vectorsDeleted: false });
    assert.equal(restarts(), 2);
    assert.equal(startupModel(storage).id, 'all-MiniLM-L6-v2');
    assert.deepEqual(refused, [], 'nothing is deleted before the restart');

    // The restarted page (same storage): its manager deletes the vectors once the library is attached.
    const restarted = new ModelManager({ store: new UserModels(async () => memoryCache(), 'http://app.test/models/'), storage, probe: async () => 0, restart: () => undefined });
    const failing = restarted.attachLibrary(async () => {
      throw new Error('the library worker died');
    });
    await assert.rejects(failing, /died/);
    const deleted: string[] = [];
    await restarted.attachLibrary(async (id) => void deleted.push(id));
    assert.deepEqual(deleted, [spec.id], 'a failed deletion is tried again');
    await restarted.purgeRemoved();
    assert.deepEqual(deleted, [spec.id], 'and once done, forgotten');
  });

  it('a removed model added again before its vectors were deleted keeps them', async () => {
    const { models } = manager();
    const spec = await models.addFromZip(await zipOf(files), CHOICES);
    await models.attachLibrary(async () => {
      throw new Error('busy');
    });
    assert.deepEqual(await models.remove(spec.id), { restarting: false, vectorsDeleted: false });
    assert.equal((await models.addFromZip(await zipOf(files), CHOICES)).id, spec.id);
    const deleted: string[] = [];
    await models.attachLibrary(async (id) => void deleted.push(id));
    assert.deepEqual(deleted, []);
  });

  it('gives the same model the same id again, another model under a taken name none, and other settings a new id', async () => {
    const { models } = manager();
    const first = await models.addFromZip(await zipOf(files), CHOICES);
    assert.equal((await models.addFromZip(await zipOf(files), CHOICES)).id, first.id, 'the same model finds its vectors again');
    const cls = await models.addFromZip(await zipOf(files), { ...CHOICES, name: 'Tiny CLS', pooling: 'cls' });
    assert.notEqual(cls.id.slice(-8), first.id.slice(-8), 'other pooling, other vectors, other id');
    const other = new Map(files);
    other.set('onnx/model_quantized.onnx', Uint8Array.from(files.get('onnx/model_quantized.onnx')!, (b, i) => (i === 100 ? b ^ 1 : b)));
    await assert.rejects(models.addFromZip(await zipOf(other), CHOICES), /A model named “Tiny BERT” is already added/);
  });

  it('refuses a zip without a tokenizer, naming the file, and stores nothing', async () => {
    const { models, cache } = manager();
    const partial = new Map(files);
    partial.delete('tokenizer.json');
    await assert.rejects(models.addFromZip(await zipOf(partial), CHOICES), { message: /^tokenizer\.json: missing/ });
    await assert.rejects(pickedFromZip(new Blob(['not a zip']), 'notes.zip'), { message: /^notes\.zip: is not a zip file/ });
    assert.equal(cache.entries.size, 0);
  });

  it('refuses a model whose probe embedding has other dimensions than config.json says, and keeps none of its files', async () => {
    const { models, cache } = manager(async () => 384);
    await assert.rejects(models.addFromZip(await zipOf(files), CHOICES), { message: /^onnx\/model_quantized\.onnx gives vectors of 384 dimensions, not the 32 its config\.json says/ });
    assert.equal(cache.entries.size, 0);
    assert.equal((await models.list()).models.length, 1);
  });

  it('falls back to the default model when the stored choice is unreadable', () => {
    const storage = memoryStorage();
    storage.setItem('passage:model', 'user/gone');
    storage.setItem('passage:model-spec', '{not json');
    assert.equal(startupModel(storage).id, 'all-MiniLM-L6-v2');
  });
});
