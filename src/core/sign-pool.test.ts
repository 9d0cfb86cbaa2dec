import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packSigns, scanSigns, signStride, signTables } from './sign-codes.ts';
import { createPoolScratch, signPool } from './sign-pool.ts';
import { randomUnitVector, seededRandom } from './random.test-support.ts';
import { quantize } from './quantize.ts';
import { TopK } from './top-k.ts';

/** Sign codes of `count` random rows, with every `dupEvery`-th row a copy of an earlier one (equal scores). */
function signsOf(random: () => number, count: number, dims: number, dupEvery: number): Uint8Array {
  const stride = signStride(dims);
  const signs = new Uint8Array(count * stride);
  for (let row = 0; row < count; row++) {
    if (row > 0 && row % dupEvery === 0) {
      const from = Math.floor(random() * row);
      signs.copyWithin(row * stride, from * stride, (from + 1) * stride);
    } else {
      packSigns(quantize(randomUnitVector(random, dims)).q, 0, dims, signs, row * stride);
    }
  }
  return signs;
}

/** What the heap over scanSigns keeps: the reference. */
function heapPool(signs: Uint8Array, stride: number, alive: Uint8Array, rows: number, tables: Int16Array, pool: number): number[] {
  const top = new TopK(pool);
  scanSigns(signs, stride, alive, rows, tables, top);
  return top.sorted().map((h) => h.row).sort((a, b) => a - b);
}

test('signPool keeps exactly the rows the heap over scanSigns keeps, equal scores and removed rows included', () => {
  const random = seededRandom(7);
  for (const dims of [384, 100]) {
    const rows = 5000;
    const stride = signStride(dims);
    const signs = signsOf(random, rows, dims, 3);
    const alive = new Uint8Array(rows).map(() => (random() < 0.9 ? 1 : 0));
    const scratch = createPoolScratch();
    for (const pool of [1, 10, 1000, 4499]) {
      for (let q = 0; q < 5; q++) {
        const tables = signTables(randomUnitVector(random, dims), stride);
        const got = [...signPool(signs, stride, alive, rows, tables, pool, scratch)];
        assert.deepEqual(got, heapPool(signs, stride, alive, rows, tables, pool), `dims ${dims}, pool ${pool}`);
        // Sign bytes not aligned to 32-bit words are read a byte at a time, with the same outcome.
        const unaligned = new Uint8Array(signs.length + 1).subarray(1);
        unaligned.set(signs);
        assert.deepEqual([...signPool(unaligned, stride, alive, rows, tables, pool, scratch)], got);
      }
    }
  }
});

test('signPool returns every live row when there are no more than the pool, and reads only [0, rows)', () => {
  const random = seededRandom(8);
  const dims = 64;
  const stride = signStride(dims);
  const signs = signsOf(random, 20, dims, 100);
  const alive = new Uint8Array(20).fill(1);
  alive[3] = 0;
  const tables = signTables(randomUnitVector(random, dims), stride);
  assert.deepEqual([...signPool(signs, stride, alive, 10, tables, 50, createPoolScratch())], [0, 1, 2, 4, 5, 6, 7, 8, 9]);
  // A query of zeros scores every row 0: the pool is the lowest rows.
  assert.deepEqual([...signPool(signs, stride, alive, 20, signTables(new Float32Array(dims), stride), 4, createPoolScratch())], [0, 1, 2, 4]);
});
