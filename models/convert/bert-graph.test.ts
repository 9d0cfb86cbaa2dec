// The contrib-op graph (com.microsoft MultiHeadAttention + SkipLayerNormalization) computes what the plain ONNX
// graph computes, padding mask included, on onnxruntime-web's wasm backend (what the browser runs). A tiny random
// BERT keeps it fast.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import { buildBertGraph, type BertConfig, type BertGraphOptions } from './bert-graph.ts';
import { float32Ops, int8Ops, type WeightOps } from './linear-ops.ts';
import type { GraphBuilder } from './onnx-graph.ts';

ort.env.wasm.numThreads = 1;
const config: BertConfig = {
  hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 64, layer_norm_eps: 1e-12,
  vocab_size: 50, max_position_embeddings: 64, type_vocab_size: 2, hidden_act: 'gelu',
};

function random(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
}

/** Random weights of every tensor the graph asks for (LayerNorm weights near 1), the same for every build. */
function weights(name: string) {
  const H = config.hidden_size, I = config.intermediate_size;
  const shape = name.startsWith('embeddings.word_embeddings') ? [config.vocab_size, H]
    : name.startsWith('embeddings.position_embeddings') ? [config.max_position_embeddings, H]
      : name.startsWith('embeddings.token_type_embeddings') ? [config.type_vocab_size, H]
        : name.includes('intermediate.dense.weight') ? [I, H]
          : name.includes('intermediate.dense.bias') ? [I]
            : /layer\.\d+\.output\.dense\.weight/.test(name) ? [H, I]
              : name.endsWith('.weight') && !name.includes('LayerNorm') ? [H, H] : [H];
  const next = random([...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 2 ** 31, 1));
  const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (name.endsWith('LayerNorm.weight') ? 1 + 0.1 * next() : 0.3 * next()));
  return { shape, data };
}

// Two rows, the second padded after 5 tokens: the mask must keep the padding out of the real tokens' states.
const ids = [[2, 7, 11, 3, 19, 23, 5, 8], [2, 31, 4, 17, 9, 0, 0, 0]];
const lengths = [8, 5];

async function hiddenStates(makeOps: (g: GraphBuilder) => WeightOps, options: BertGraphOptions, rows = ids, rowLengths = lengths) {
  const bytes = buildBertGraph(config, weights, makeOps, 'test', options);
  const session = await ort.InferenceSession.create(bytes);
  const tensor = (rows: number[][]) => new ort.Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0]!.length]);
  const out = await session.run({
    input_ids: tensor(rows),
    attention_mask: tensor(rows.map((row, r) => row.map((_, t) => (t < rowLengths[r]! ? 1 : 0)))),
    token_type_ids: tensor(rows.map((row) => row.map(() => 0))),
  });
  await session.release();
  return { bytes, states: out.last_hidden_state!.data as Float32Array };
}

function opTypes(bytes: Uint8Array): string[] {
  return onnxProto.onnx.ModelProto.decode(bytes).graph!.node!.map((n) => `${n.domain ? `${n.domain}:` : ''}${n.opType}`);
}

/** Largest difference over real (unpadded) tokens. */
function maxDifference(a: Float32Array, b: Float32Array): number {
  const H = config.hidden_size, S = ids[0]!.length;
  let max = 0;
  for (let r = 0; r < ids.length; r++) {
    for (let t = 0; t < lengths[r]!; t++) {
      for (let d = 0; d < H; d++) max = Math.max(max, Math.abs(a[(r * S + t) * H + d]! - b[(r * S + t) * H + d]!));
    }
  }
  return max;
}

const contrib: BertGraphOptions = { contribOps: { attention: true, skipLayerNorm: true } };

test('contrib-op BERT graph (MultiHeadAttention, SkipLayerNormalization) gives the plain graph\'s hidden states, padding masked', async () => {
  const plain = await hiddenStates(float32Ops, {});
  const fused = await hiddenStates(float32Ops, contrib);
  const ops = opTypes(fused.bytes);
  assert.equal(ops.filter((op) => op === 'com.microsoft:MultiHeadAttention').length, config.num_hidden_layers);
  assert.equal(ops.filter((op) => op === 'com.microsoft:SkipLayerNormalization').length, 2 * config.num_hidden_layers);
  assert.ok(!ops.includes('Softmax') && !ops.includes('Transpose'), 'attention is not written twice');
  assert.ok(!opTypes(plain.bytes).some((op) => op.startsWith('com.microsoft:')), 'the default graph stays plain ONNX');
  const diff = maxDifference(plain.states, fused.states);
  assert.ok(diff < 1e-4, `fp32 max difference ${diff}`);
  // The padded row's real tokens come out as the same text run alone only if the mask keeps the padding out.
  const alone = await hiddenStates(float32Ops, contrib, [ids[1]!.slice(0, lengths[1])], [lengths[1]!]);
  const H = config.hidden_size, S = ids[0]!.length;
  const padded = fused.states.slice(S * H, (S + lengths[1]!) * H);
  const maskDiff = Math.max(...padded.map((v, i) => Math.abs(v - alone.states[i]!)));
  assert.ok(maskDiff < 1e-4, `padded row vs alone: ${maskDiff}`);
});

test('contrib-op BERT graph with int8 weights stays at the plain int8 graph\'s output', async () => {
  const plain = await hiddenStates((g) => int8Ops(g, 'per-column'), {});
  const fused = await hiddenStates((g) => int8Ops(g, 'per-column'), contrib);
  const diff = maxDifference(plain.states, fused.states);
  assert.ok(diff < 1e-3, `int8 max difference ${diff}`);
});
