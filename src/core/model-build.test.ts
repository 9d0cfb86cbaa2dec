import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelBuildHash, type BuildRecord } from './model-build.ts';
import type { ModelSpec } from './model-spec.ts';

const SPEC: ModelSpec = {
  id: 'all-MiniLM-L6-v2',
  name: 'MiniLM',
  dimensions: 384,
  pooling: 'mean',
  normalize: true,
  maxTokens: 256,
  queryPrefix: '',
  passagePrefix: '',
  dtype: 'q8',
  license: 'Apache-2.0',
  source: { kind: 'npm', package: 'p', version: '1' },
};

const file = (sha: string) => ({ size: 1, sha256: sha.repeat(64) });
const BUILD: BuildRecord = {
  files: {
    'config.json': file('1'),
    'tokenizer.json': file('2'),
    'tokenizer_config.json': file('3'),
    'onnx/model_quantized.onnx': file('4'),
    'onnx/model.onnx': file('5'),
  },
};

const withFile = (name: string, sha: string): BuildRecord => ({ files: { ...BUILD.files, [name]: file(sha) } });

describe('model build hash', () => {
  it('is a sha-256, the same for the same build whatever order its record lists the files in', async () => {
    const hash = await modelBuildHash(SPEC, BUILD);
    assert.match(hash, /^[0-9a-f]{64}$/);
    const reversed = { files: Object.fromEntries(Object.entries(BUILD.files).reverse()) };
    assert.equal(await modelBuildHash(SPEC, reversed), hash);
  });

  it('changes with the bytes of every file the browser loads, and with the spec fields that change a passage vector', async () => {
    const hash = await modelBuildHash(SPEC, BUILD);
    const changed = [
      modelBuildHash(SPEC, withFile('onnx/model_quantized.onnx', 'a')), // another quantisation
      modelBuildHash(SPEC, withFile('tokenizer.json', 'a')),
      modelBuildHash(SPEC, withFile('tokenizer_config.json', 'a')),
      modelBuildHash(SPEC, withFile('config.json', 'a')),
      modelBuildHash({ ...SPEC, dtype: 'fp32' }, BUILD),
      modelBuildHash({ ...SPEC, pooling: 'cls' }, BUILD),
      modelBuildHash({ ...SPEC, normalize: false }, BUILD),
      modelBuildHash({ ...SPEC, passagePrefix: 'passage: ' }, BUILD),
      modelBuildHash({ ...SPEC, maxTokens: 128 }, BUILD),
    ];
    const hashes = await Promise.all(changed);
    for (const [i, other] of hashes.entries()) assert.notEqual(other, hash, `change ${i}`);
    assert.equal(new Set(hashes).size, hashes.length);
  });

  it('ignores what does not change stored vectors: the query prefix, labels, and files the browser does not load', async () => {
    const hash = await modelBuildHash(SPEC, BUILD);
    const relabelled: ModelSpec = { ...SPEC, queryPrefix: 'query: ', name: 'Renamed', license: 'MIT' };
    assert.equal(await modelBuildHash(relabelled, BUILD), hash);
    assert.equal(await modelBuildHash(SPEC, withFile('onnx/model.onnx', 'a')), hash, 'the fp32 file of a q8 model');
    assert.equal(await modelBuildHash(SPEC, withFile('README.md', 'a')), hash);
  });
});
