import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gitBlobSha1Hex } from './hash.ts';
import { checkRepoId, checkRevision, hubFileUrl, hubTreeUrl, planHubDownload } from './hub-files.ts';
import {
  activeModel,
  catalogue,
  describeModelFiles,
  ModelFilesError,
  modelRelativePaths,
  parseStoredSpec,
  userModelId,
  type ModelChoices,
} from './model-catalogue.ts';
import type { ModelManifest, ModelSpec } from './model-spec.ts';

const BUILT_IN: ModelSpec = {
  id: 'all-MiniLM-L6-v2', name: 'all-MiniLM-L6-v2', dimensions: 384, pooling: 'mean', normalize: true, maxTokens: 256,
  queryPrefix: '', passagePrefix: '', dtype: 'q8', license: 'Apache-2.0', source: { kind: 'npm' },
};
const MANIFEST: ModelManifest = { default: BUILT_IN.id, models: [BUILT_IN] };
const CHOICES: ModelChoices = { name: 'Tiny BERT', pooling: 'mean', normalize: true, queryPrefix: 'query: ', passagePrefix: 'passage: ' };

function folder(overrides: Record<string, string | null> = {}, onnx: Record<string, number> = { 'onnx/model_quantized.onnx': 4096 }) {
  const texts = new Map<string, string>(
    Object.entries({
      'config.json': JSON.stringify({ model_type: 'bert', hidden_size: 32, max_position_embeddings: 512 }),
      'tokenizer.json': JSON.stringify({ model: { type: 'WordPiece' } }),
      'tokenizer_config.json': JSON.stringify({ model_max_length: 128 }),
      ...overrides,
    }).filter((e): e is [string, string] => e[1] !== null),
  );
  const sizes = new Map<string, number>([...[...texts].map(([k, v]) => [k, v.length] as [string, number]), ...Object.entries(onnx)]);
  return { texts, sizes };
}

describe('Model catalogue', () => {
  it('lists built-in models first, then user models by name, and never lets a user entry shadow a built-in', () => {
    const b = { ...BUILT_IN, id: 'user/b', name: 'B' };
    const a = { ...BUILT_IN, id: 'user/a', name: 'A' };
    const impostor = { ...BUILT_IN, name: 'impostor' };
    assert.deepEqual(catalogue(MANIFEST, [b, impostor, a]).map((m) => m.id), ['all-MiniLM-L6-v2', 'user/a', 'user/b']);
  });

  it('falls back to the default model when the active one is gone', () => {
    const models = catalogue(MANIFEST, [{ ...BUILT_IN, id: 'user/a', name: 'A' }]);
    assert.equal(activeModel(models, MANIFEST, 'user/a').id, 'user/a');
    assert.equal(activeModel(models, MANIFEST, 'user/removed').id, BUILT_IN.id);
    assert.equal(activeModel(models, MANIFEST, null).id, BUILT_IN.id);
  });

  it('makes user/ ids from names and refuses a name without letters or digits', () => {
    assert.equal(userModelId('Xenova/bge-small-en-v1.5'), 'user/xenova-bge-small-en-v1.5');
    assert.throws(() => userModelId(' --- '), ModelFilesError);
  });

  it('describes a model folder: dimensions from config.json, word pieces from the smallest limit, dtype from the ONNX file', () => {
    const spec = describeModelFiles(folder(), CHOICES, { kind: 'folder' });
    assert.deepEqual(
      { id: spec.id, dimensions: spec.dimensions, maxTokens: spec.maxTokens, dtype: spec.dtype, queryPrefix: spec.queryPrefix },
      { id: 'user/tiny-bert', dimensions: 32, maxTokens: 128, dtype: 'q8', queryPrefix: 'query: ' },
    );
    const fp32 = describeModelFiles(folder({}, { 'onnx/model.onnx': 9000 }), CHOICES, { kind: 'zip' });
    assert.equal(fp32.dtype, 'fp32');
  });

  const refusals: [string, ReturnType<typeof folder>, Partial<ModelChoices>, RegExp][] = [
    ['a missing tokenizer', folder({ 'tokenizer.json': null }), {}, /^tokenizer\.json: missing/],
    ['no ONNX file', folder({}, {}), {}, /^onnx\/: no onnx\/model_quantized\.onnx/],
    ['an empty ONNX file', folder({}, { 'onnx/model_quantized.onnx': 0 }), {}, /^onnx\/model_quantized\.onnx: is empty/],
    ['config.json that is not JSON', folder({ 'config.json': '{ hidden_size: 32' }), {}, /^config\.json: is not valid JSON/],
    ['config.json without hidden_size', folder({ 'config.json': '{}' }), {}, /^config\.json: says no hidden_size/],
    ['dimensions that disagree with config.json', folder(), { dimensions: 384 }, /^config\.json: gives 32 dimensions, not the 384 you entered/],
    ['more word pieces than the model reads', folder(), { maxTokens: 512 }, /^config\.json: reads at most 128 word pieces/],
    ['a tokenizer.json without a model', folder({ 'tokenizer.json': '{}' }), {}, /^tokenizer\.json: has no "model" section/],
  ];
  for (const [what, files, choices, message] of refusals) {
    it(`refuses a model folder with ${what}, naming the file`, () => {
      assert.throws(() => describeModelFiles(files, { ...CHOICES, ...choices }, { kind: 'folder' }), { name: 'ModelFilesError', message });
    });
  }

  it('reads paths relative to the model folder, drops hidden files and refuses unsafe paths', () => {
    const paths = modelRelativePaths(['tiny/config.json', 'tiny/onnx/model_quantized.onnx', 'tiny/.DS_Store']);
    assert.deepEqual([...paths.keys()], ['config.json', 'onnx/model_quantized.onnx']);
    assert.deepEqual([...modelRelativePaths(['config.json', 'onnx/model.onnx']).keys()], ['config.json', 'onnx/model.onnx']);
    assert.throws(() => modelRelativePaths(['tiny/../../etc/passwd']), /unsafe path/);
  });

  it('maps each relative path to its own picked name when entries before it are skipped', () => {
    const paths = modelRelativePaths(['tiny/', 'tiny\\config.json', './tiny/onnx/model.onnx']);
    assert.deepEqual([...paths], [
      ['config.json', 'tiny\\config.json'],
      ['onnx/model.onnx', './tiny/onnx/model.onnx'],
    ]);
  });

  it('reads back only well-formed user specs from storage', () => {
    const spec = describeModelFiles(folder(), CHOICES, { kind: 'folder' });
    assert.deepEqual(parseStoredSpec(JSON.parse(JSON.stringify(spec))), spec);
    assert.equal(parseStoredSpec({ ...spec, id: 'all-MiniLM-L6-v2' }), null);
    assert.equal(parseStoredSpec({ ...spec, pooling: 'max' }), null);
    assert.equal(parseStoredSpec('nonsense'), null);
  });
});

describe('Hub files', () => {
  it('builds the hub URL scheme', () => {
    assert.equal(hubFileUrl('http://127.0.0.1:9/', 'org/tiny', 'main', 'onnx/model_quantized.onnx'), 'http://127.0.0.1:9/org/tiny/resolve/main/onnx/model_quantized.onnx');
    assert.equal(hubTreeUrl('https://huggingface.co', 'org/tiny', 'v1.0'), 'https://huggingface.co/api/models/org/tiny/tree/v1.0?recursive=true');
  });

  it('refuses repository ids and revisions that could leave the hub path', () => {
    assert.equal(checkRepoId(' Xenova/bge-small-en-v1.5 '), 'Xenova/bge-small-en-v1.5');
    assert.throws(() => checkRepoId('../secrets'), /not a hub model id/);
    assert.throws(() => checkRepoId('a/b/c'), /not a hub model id/);
    assert.equal(checkRevision(''), 'main');
    assert.throws(() => checkRevision('main/../x'), /not a branch/);
  });

  it('plans the download from the hub listing: required files, the int8 ONNX file, and their checksums', () => {
    const sha = 'a'.repeat(64);
    const listing = [
      { type: 'file', path: 'config.json', size: 10, oid: '1'.repeat(40) },
      { type: 'file', path: 'tokenizer.json', size: 20, oid: '2'.repeat(40) },
      { type: 'file', path: 'tokenizer_config.json', size: 5, oid: '3'.repeat(40) },
      { type: 'file', path: 'README.md', size: 5, oid: '4'.repeat(40) },
      { type: 'directory', path: 'onnx' },
      { type: 'file', path: 'onnx/model.onnx', size: 100, oid: '5'.repeat(40), lfs: { oid: 'b'.repeat(64), size: 100 } },
      { type: 'file', path: 'onnx/model_quantized.onnx', size: 50, oid: '6'.repeat(40), lfs: { oid: sha, size: 50 } },
    ];
    const plan = planHubDownload(listing, 'org/tiny');
    assert.equal(plan.dtype, 'q8');
    assert.deepEqual(plan.files.map((f) => f.path), ['config.json', 'onnx/model_quantized.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    assert.deepEqual(plan.files[1], { path: 'onnx/model_quantized.onnx', size: 50, sha256: sha });
    assert.equal(plan.files[0]?.gitSha1, '1'.repeat(40));
    assert.throws(() => planHubDownload(listing.slice(0, 4), 'org/tiny'), /org\/tiny: has no onnx/);
    assert.throws(() => planHubDownload(listing.slice(1), 'org/tiny'), /org\/tiny\/config\.json: missing/);
  });

  it('computes the git blob id the hub lists for files kept in git', async () => {
    // `printf 'hello\n' | git hash-object --stdin`
    assert.equal(await gitBlobSha1Hex(new TextEncoder().encode('hello\n')), 'ce013625030ba8dba906f756967f9e9ca394464a');
  });
});
