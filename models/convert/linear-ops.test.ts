// The int8 Linear pattern and the float one, run on a tiny graph by onnxruntime-web's wasm backend — the runtime
// the browser runs. Not onnxruntime-node: on x86 CPUs with AVX2 but no AVX-VNNI (this VM) its u8×s8 MatMulInteger
// kernel multiplies with vpmaddubsw, whose int16 sums of two u8·s8 products saturate at 32767 when activations use
// the full u8 range and weights the full ±127 (255·127·2 = 64770): per-column error 0.57 there against 0.027 in wasm.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-web';
import { float32Ops, int8Ops, type WeightOps } from './linear-ops.ts';
import { DataType, GraphBuilder } from './onnx-graph.ts';

const K = 24;
const N = 8;
const V = 5;

function random(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
}
const next = random(7);
ort.env.wasm.numThreads = 1; // Node has no wasm threads here; one is all a 24×8 graph needs.
const weight = Float32Array.from({ length: K * N }, () => next());
const bias = Float32Array.from({ length: N }, () => next());
const table = Float32Array.from({ length: V * K }, () => next());

async function run(makeOps: (g: GraphBuilder) => WeightOps, x: Float32Array, ids: BigInt64Array) {
  const g = new GraphBuilder('test');
  const ops = makeOps(g);
  const xIn = g.input('x', DataType.FLOAT, ['rows', K]);
  const idsIn = g.input('ids', DataType.INT64, ['n']);
  g.output(ops.linear(xIn, weight, K, N, bias, 'lin'), DataType.FLOAT, ['rows', N]);
  g.output(ops.embedding(idsIn, table, V, K, 'emb'), DataType.FLOAT, ['n', K]);
  const session = await ort.InferenceSession.create(g.toBytes('test'));
  const out = await session.run({ x: new ort.Tensor('float32', x, [x.length / K, K]), ids: new ort.Tensor('int64', ids, [ids.length]) });
  await session.release();
  return { linear: out['lin/out']!.data as Float32Array, embedding: out['emb/out']!.data as Float32Array };
}

test('float32 ops compute x·W + b and row lookups exactly', async () => {
  const x = Float32Array.from({ length: 3 * K }, () => next());
  const ids = new BigInt64Array([4n, 0n, 2n]);
  const { linear, embedding } = await run(float32Ops, x, ids);
  for (let r = 0; r < 3; r++) {
    for (let n = 0; n < N; n++) {
      let sum = bias[n]!;
      for (let k = 0; k < K; k++) sum += x[r * K + k]! * weight[k * N + n]!;
      assert.ok(Math.abs(linear[r * N + n]! - sum) < 1e-5);
    }
  }
  assert.deepEqual(embedding.slice(0, K), table.slice(4 * K, 5 * K));
});

test('int8 ops stay within quantization error of float32', async () => {
  const x = Float32Array.from({ length: 4 * K }, () => next());
  const ids = new BigInt64Array([1n, 3n]);
  const exact = await run(float32Ops, x, ids);
  for (const granularity of ['per-tensor', 'per-column'] as const) {
    const q = await run((g) => int8Ops(g, granularity), x, ids);
    const linErr = Math.max(...q.linear.map((v, i) => Math.abs(v - exact.linear[i]!)));
    const embErr = Math.max(...q.embedding.map((v, i) => Math.abs(v - exact.embedding[i]!)));
    // Steps are ~1/127 of the ranges (|w|, |x| ≤ 1); K = 24 products add up to a few steps.
    assert.ok(linErr < 0.1, `${granularity} linear error ${linErr}`);
    assert.ok(linErr > 0, 'int8 path should not be bit-exact (is it really quantized?)');
    assert.ok(embErr <= 1 / 127, `embedding error ${embErr}`);
  }
});
