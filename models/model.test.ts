// The built model, end to end: through Transformers.js (as the app uses it), against the model
// card, int8 against fp32, and the fp32 graph against an independent float64 forward pass.
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { findPackageDir } from './convert/npm-build.ts';
import { MODELS_DIR, type ModelSpec, type NpmSource } from './manifest.ts';
import { ReferenceBert } from './testing/reference-bert.ts';
import { cosine, embedWithTransformers, ensureDefaultModel, sotuPassages, summarize } from './testing/helpers.ts';

let spec: ModelSpec;
let dir: string;

before(async () => {
  ({ spec, dir } = await ensureDefaultModel());
});

test('Transformers.js fp32 gives the model card values for "This is an example sentence"', async () => {
  const [vec] = await embedWithTransformers(MODELS_DIR, spec.id, 'fp32', ['This is an example sentence']);
  const expected = [0.0677, 0.0636, 0.0487, 0.0794, 0.0374];
  assert.equal(vec!.length, 384);
  expected.forEach((value, i) => {
    assert.ok(Math.abs(vec![i]! - value) <= 0.002, `dim ${i}: ${vec![i]} vs ${value}`);
  });
});

test('int8 (q8) stays close to fp32 over 42 passages of three State of the Union addresses (1790, 1862, 2016)', async () => {
  const paragraphs = sotuPassages();
  assert.equal(paragraphs.length, 42);
  const fp32 = await embedWithTransformers(MODELS_DIR, spec.id, 'fp32', paragraphs);
  const int8 = await embedWithTransformers(MODELS_DIR, spec.id, 'q8', paragraphs);
  const { mean, min } = summarize(fp32.map((v, i) => cosine(v, int8[i]!)));
  console.log(`fp32 vs int8 over ${paragraphs.length} paragraphs: mean cosine ${mean.toFixed(4)}, min ${min.toFixed(4)}`);
  // Measured on these passages (models/measure-quantization.ts, 2026-12): per-column int8 (shipped) mean 0.9886,
  // min 0.9781; per-tensor int8 mean 0.9493, min 0.8915. The bounds pass the first and fail the second clearly.
  assert.ok(mean >= 0.985, `mean cosine ${mean}`);
  assert.ok(min >= 0.97, `min cosine ${min}`);
});

test('inputs longer than maxTokens are truncated, not fed past the position table', async () => {
  const long = Array.from({ length: 700 }, (_, i) => `word${i % 50}`).join(' ');
  const [vec] = await embedWithTransformers(MODELS_DIR, spec.id, 'q8', [long]);
  assert.ok(vec!.every(Number.isFinite));
  const { AutoTokenizer } = await import('@huggingface/transformers');
  const tokenizer = await AutoTokenizer.from_pretrained(spec.id);
  const { input_ids } = tokenizer(long, { truncation: true });
  assert.equal(input_ids.dims[1], spec.maxTokens);
});

test('model sizes: int8 ≤ 25 MB, fp32 ≤ 95 MB', async () => {
  const int8 = (await stat(path.join(dir, 'onnx/model_quantized.onnx'))).size;
  const fp32 = (await stat(path.join(dir, 'onnx/model.onnx'))).size;
  console.log(`sizes: int8 ${(int8 / 1e6).toFixed(2)} MB, fp32 ${(fp32 / 1e6).toFixed(2)} MB`);
  assert.ok(int8 <= 25e6, `int8 model is ${int8} bytes`);
  assert.ok(fp32 <= 95e6, `fp32 model is ${fp32} bytes`);
  assert.ok(int8 < fp32 / 3, 'int8 model should be about a quarter of fp32');
});

test('fp32 ONNX last_hidden_state matches an independent float64 forward pass (padded batch)', async () => {
  const sentences = [
    'This is an example sentence',
    'Each sentence is converted',
    'The foreign minister flew to Beijing for talks on North Korea.',
    'Short.',
    'Ünïcode, punctuation — and numbers like 3.14159 survive the tokenizer!',
  ];
  const { AutoTokenizer } = await import('@huggingface/transformers');
  const tokenizer = await AutoTokenizer.from_pretrained(spec.id);
  // One padded batch: checks the attention mask as well as the layers.
  const enc = tokenizer(sentences, { padding: true, truncation: true });
  const [batch, seq] = enc.input_ids.dims as [number, number];
  assert.ok(enc.token_type_ids, 'the BERT tokenizer should return token_type_ids');
  const feeds = {
    input_ids: new ort.Tensor('int64', enc.input_ids.data as BigInt64Array, [batch, seq]),
    attention_mask: new ort.Tensor('int64', enc.attention_mask.data as BigInt64Array, [batch, seq]),
    token_type_ids: new ort.Tensor('int64', enc.token_type_ids.data as BigInt64Array, [batch, seq]),
  };
  const session = await ort.InferenceSession.create(path.join(dir, 'onnx/model.onnx'));
  const out = (await session.run(feeds)).last_hidden_state!;
  assert.deepEqual(out.dims, [batch, seq, 384]);
  const hidden = out.data as Float32Array;
  await session.release();

  const source = spec.source as NpmSource;
  const weights = path.join(findPackageDir(source.package, MODELS_DIR), 'model/model.fp16.safetensors');
  const reference = new ReferenceBert(weights, {
    hidden_size: 384, num_hidden_layers: 6, num_attention_heads: 12, intermediate_size: 1536, layer_norm_eps: 1e-12,
  });
  const ids = enc.input_ids.data as BigInt64Array;
  const mask = enc.attention_mask.data as BigInt64Array;
  let maxDiff = 0;
  for (let b = 0; b < batch; b++) {
    const tokens: number[] = [];
    for (let s = 0; s < seq; s++) if (mask[b * seq + s] === 1n) tokens.push(Number(ids[b * seq + s]));
    const expected = reference.forward(tokens);
    tokens.forEach((_, s) => {
      for (let h = 0; h < 384; h++) {
        maxDiff = Math.max(maxDiff, Math.abs(hidden[(b * seq + s) * 384 + h]! - expected[s]![h]!));
      }
    });
  }
  console.log(`max |ONNX fp32 - float64 reference| over ${batch} sentences: ${maxDiff.toExponential(2)}`);
  assert.ok(maxDiff <= 1e-4, `max abs diff ${maxDiff}`);
});
