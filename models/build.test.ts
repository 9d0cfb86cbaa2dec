// The npm build: reproducible bytes, stamp checks (--if-stale), atomic replacement.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { buildNpmModel, ensureNpmModel, staleReason } from './convert/npm-build.ts';
import { STAMP_FILE, writeModelDir } from './convert/write-model-dir.ts';
import { MODELS_DIR, type ModelSpec } from './manifest.ts';
import { defaultSpec, REPO_ROOT } from './testing/helpers.ts';

let tmp: string;
let spec: ModelSpec;

before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'passage-build-'));
  spec = await defaultSpec();
});
after(() => rm(tmp, { recursive: true, force: true }));

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

test('building twice gives identical bytes', async () => {
  const a = path.join(tmp, 'a', spec.id);
  const b = path.join(tmp, 'b', spec.id);
  const started = performance.now();
  await buildNpmModel(spec, { outDir: a, resolveFrom: MODELS_DIR });
  console.log(`conversion took ${((performance.now() - started) / 1000).toFixed(2)} s`);
  await buildNpmModel(spec, { outDir: b, resolveFrom: MODELS_DIR });
  const files = await listFiles(a);
  assert.deepEqual(files, [
    'config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx', STAMP_FILE, 'tokenizer.json', 'tokenizer_config.json',
  ]);
  assert.deepEqual(await listFiles(b), files);
  for (const file of files) {
    assert.ok((await readFile(path.join(a, file))).equals(await readFile(path.join(b, file))), `${file} differs`);
  }
  // Nothing but the model directory is left beside it (no temp or old directories).
  assert.deepEqual(await readdir(path.join(tmp, 'a')), [spec.id]);
});

test('the stamp detects changed files and ensure rebuilds them', async () => {
  const dir = path.join(tmp, 'stamp', spec.id);
  await buildNpmModel(spec, { outDir: dir, resolveFrom: MODELS_DIR });
  assert.equal(await staleReason(spec, dir, MODELS_DIR), undefined);
  assert.deepEqual(await ensureNpmModel(spec, { outDir: dir, resolveFrom: MODELS_DIR }), { built: false });

  const original = await readFile(path.join(dir, 'tokenizer_config.json'));
  await appendFile(path.join(dir, 'tokenizer_config.json'), ' ');
  assert.match((await staleReason(spec, dir, MODELS_DIR)) ?? '', /tokenizer_config\.json/);
  const result = await ensureNpmModel(spec, { outDir: dir, resolveFrom: MODELS_DIR });
  assert.equal(result.built, true);
  assert.ok((await readFile(path.join(dir, 'tokenizer_config.json'))).equals(original));

  const other = { ...spec, source: { ...spec.source, version: '9.9.9' } } as ModelSpec;
  assert.match((await staleReason(other, dir, MODELS_DIR)) ?? '', /built from .*@0\.1\.0/);
  await assert.rejects(buildNpmModel(other, { outDir: path.join(tmp, 'x'), resolveFrom: MODELS_DIR }), /wants 9\.9\.9/);
});

test('a failed write leaves the previous directory untouched and no temp directories', async () => {
  const parent = path.join(tmp, 'atomic');
  const dir = path.join(parent, 'm');
  await writeModelDir(dir, [{ path: 'a.txt', bytes: 'old' }], { source: {}, converter: { name: 't', version: '0' } });
  await assert.rejects(
    writeModelDir(dir, [{ path: 'a.txt', bytes: 'new' }, { path: 'b.bin', fromFile: path.join(tmp, 'does-not-exist') }],
      { source: {}, converter: { name: 't', version: '0' } }),
    /ENOENT/,
  );
  assert.equal(await readFile(path.join(dir, 'a.txt'), 'utf8'), 'old');
  assert.deepEqual(await readdir(parent), ['m']);
  await assert.rejects(writeModelDir(path.join(parent, 'n'), [{ path: '../escape', bytes: '' }],
    { source: {}, converter: { name: 't', version: '0' } }), /unsafe file path/);
  assert.deepEqual(await readdir(parent), ['m']);
});

test('npm run models:ensure prints one line and does nothing when up to date', async () => {
  const run = promisify(execFile);
  const cli = ['--import', 'tsx', path.join(MODELS_DIR, 'build.ts'), '--if-stale', '--out', path.join(tmp, 'cli')];
  await run(process.execPath, cli, { cwd: REPO_ROOT });
  const stampBefore = await readFile(path.join(tmp, 'cli', STAMP_FILE));
  await writeFile(path.join(tmp, 'cli', 'marker'), ''); // would vanish if the directory were rebuilt
  const { stdout } = await run(process.execPath, cli, { cwd: REPO_ROOT });
  assert.equal(stdout.trim().split('\n').length, 1);
  assert.match(stdout, /up to date/);
  assert.deepEqual(await readFile(path.join(tmp, 'cli', STAMP_FILE)), stampBefore);
  assert.deepEqual((await readdir(path.join(tmp, 'cli'))).includes('marker'), true);
});
