import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dequantizeMatrix, quantizeMatrix, quantizeRows } from './quantize.ts';

function random(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
}

test('per-column: each column uses its own range, error ≤ half a step', () => {
  const rows = 16;
  const cols = 3;
  const next = random(1);
  // Column 1 is 100× larger than column 0; column 2 is all zero.
  const w = Float32Array.from({ length: rows * cols }, (_, i) => (i % cols === 2 ? 0 : next() * (i % cols === 1 ? 100 : 1)));
  const q = quantizeMatrix(w, rows, cols, 'per-column');
  assert.equal(q.scales.length, cols);
  const back = dequantizeMatrix(q, rows, cols);
  for (let i = 0; i < w.length; i++) {
    const scale = q.scales[i % cols]!;
    assert.ok(Math.abs(back[i]! - w[i]!) <= scale / 2 + 1e-7, `element ${i}`);
    assert.ok(Math.abs(q.values[i]!) <= 127);
  }
  assert.ok(q.scales[1]! > 50 * q.scales[0]!);
  assert.ok(q.values.filter((_, i) => i % cols === 2).every((v) => v === 0));
  // The largest magnitude of each non-zero column maps to ±127.
  for (const c of [0, 1]) assert.equal(Math.max(...q.values.filter((_, i) => i % cols === c).map(Math.abs)), 127);
});

test('per-tensor: one scale for the whole matrix', () => {
  const w = new Float32Array([0.5, -1, 0.25, 2]);
  const q = quantizeMatrix(w, 2, 2, 'per-tensor');
  assert.deepEqual(Array.from(q.scales), [Math.fround(2 / 127)]);
  assert.deepEqual(Array.from(q.values), [32, -64, 16, 127]);
});

test('quantizeRows: one scale per row (embedding tables)', () => {
  const table = new Float32Array([1, -0.5, 0.01, 0.02]);
  const q = quantizeRows(table, 2, 2);
  assert.deepEqual(Array.from(q.values), [127, -64, 64, 127]);
  const back = dequantizeMatrix(q, 2, 2, true);
  table.forEach((v, i) => assert.ok(Math.abs(back[i]! - v) <= q.scales[Math.floor(i / 2)]! / 2 + 1e-9));
});
