import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { residualAt, residualCode, residualDot, residualStride } from './residual-codes.ts';
import { VectorIndex } from './vector-index.ts';
import { quantize, quantizeRefined } from './quantize.ts';
import { randomUnitVector, seededRandom } from './random.test-support.ts';

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function normalise(v: Float32Array): Float32Array {
  const norm = Math.sqrt(dot(v, v));
  return v.map((x) => x / norm);
}

describe('residual codes', () => {
  it('take four components a byte, rounded up', () => {
    assert.equal(residualStride(384), 96);
    assert.equal(residualStride(5), 2);
  });

  it('decode every component to within an eighth of the int8 step (int8 alone: half a step)', () => {
    for (const dims of [384, 7]) {
      const vec = randomUnitVector(seededRandom(dims), dims);
      const { q, scale } = quantize(vec);
      const s = Math.fround(scale);
      const code = residualCode(vec, q, scale);
      let worstInt8 = 0;
      for (let d = 0; d < dims; d++) {
        const refined = (q[d]! + residualAt(code, 0, d)) * s;
        assert.ok(Math.abs(refined - vec[d]!) <= s / 8 + 1e-7, `component ${d} of ${dims}`);
        worstInt8 = Math.max(worstInt8, Math.abs(q[d]! * s - vec[d]!));
      }
      // The test is not vacuous: int8 alone is off by more than an eighth of a step somewhere.
      assert.ok(worstInt8 > s / 8);
    }
  });

  it('residualDot is the query dotted with the decoded residuals', () => {
    const random = seededRandom(11);
    const vec = randomUnitVector(random, 384);
    const query = randomUnitVector(random, 384);
    const { q, scale, residual } = quantizeRefined(vec);
    let expected = 0;
    for (let d = 0; d < 384; d++) expected += query[d]! * residualAt(residual, 0, d);
    assert.ok(Math.abs(residualDot(query, residual, 0) - expected) < 1e-9);
    // And int8 score + scale × residualDot is closer to the float score than the int8 score.
    const int8Score = Array.from(q).reduce((sum, c, d) => sum + c * query[d]!, 0) * Math.fround(scale);
    const refinedScore = int8Score + residualDot(query, residual, 0) * Math.fround(scale);
    assert.ok(Math.abs(refinedScore - dot(vec, query)) < Math.abs(int8Score - dot(vec, query)));
  });

  it('leave a zero vector all zero', () => {
    const vec = new Float32Array(8);
    const { q, scale } = quantize(vec);
    assert.deepEqual(Array.from(residualCode(vec, q, scale)), [0, 0]);
  });
});

/**
 * Two rows with the same int8 codes and scale whose floats differ below the int8 step: int8 scores tie them
 * (lower row first); only the residual codes can tell that the higher row is nearer the query.
 */
function twins(): { lower: Float32Array; higher: Float32Array; query: Float32Array } {
  const base = [1, 64 / 127, -0.25, 0.1, 0.3, -0.6, 0.2, 0.05]; // component 1 sits on code 64
  const step = 1 / 127;
  const lower = new Float32Array(base.map((x, d) => (d === 1 ? x - 0.3 * step : x)));
  const higher = new Float32Array(base.map((x, d) => (d === 1 ? x + 0.3 * step : x)));
  const query = new Float32Array([0, 1, 0, 0, 0, 0, 0, 0]);
  return { lower, higher, query };
}

describe('VectorIndex with residual codes', () => {
  it('chooses between rows that int8 rounding makes equal by their residual codes, and reports int8 scores', () => {
    const { lower, higher, query } = twins();
    assert.deepEqual(Array.from(quantize(lower).q), Array.from(quantize(higher).q));
    const index = new VectorIndex(8);
    index.addVector(lower);
    index.addVector(higher);
    assert.ok(index.isRefined(0) && index.isRefined(1));
    assert.deepEqual(index.search(query, 1).map((h) => h.row), [1]);
    assert.deepEqual(index.searchExact(query, 1).map((h) => h.row), [1]);
    // The hits returned keep their int8 scores and order: the codes decide only which rows make the cut.
    const scores = index.scoreRows(query, [0, 1]);
    assert.equal(scores[0], scores[1]);
    assert.deepEqual(index.search(query, 2), [
      { row: 0, score: scores[0] },
      { row: 1, score: scores[1] },
    ]);
    assert.deepEqual(index.search(query, 1)[0]!.score, scores[1]);
    // The same rows without residual codes tie, and the tie goes to the lower row.
    const plain = new VectorIndex(8);
    for (const v of [lower, higher]) plain.add(quantize(v).q, quantize(v).scale);
    assert.equal(plain.isRefined(0), false);
    assert.deepEqual(plain.search(query, 1).map((h) => h.row), [0]);
    assert.deepEqual(index.searchInt8(query, 1).map((h) => h.row), [0]);
  });

  it('ranks a row stored without a residual code by its int8 code alone, next to refined rows', () => {
    const { lower, higher, query } = twins();
    const index = new VectorIndex(8);
    const old = quantize(higher);
    index.add(old.q, old.scale); // stored before residual codes existed
    index.addVector(lower);
    assert.equal(index.isRefined(0), false);
    assert.equal(index.isRefined(1), true);
    // lower's refined score sits below the shared int8 score, which the unrefined row keeps.
    assert.deepEqual(index.search(query, 1).map((h) => h.row), [0]);
    index.addVector(higher); // refined: above the shared int8 score
    assert.deepEqual(index.search(query, 1).map((h) => h.row), [2]);
  });

  it('keeps each row\'s residual code through growth, blocks and compaction', () => {
    const { lower, higher, query } = twins();
    const index = new VectorIndex(8, 1);
    const filler = randomUnitVector(seededRandom(5), 8).map((x) => -Math.abs(x)); // far from the query
    index.addVector(filler);
    const rows = [higher, lower].map(quantizeRefined);
    const codes = new Int8Array(16);
    rows.forEach((r, i) => codes.set(r.q, i * 8));
    const residuals = new Uint8Array(4);
    rows.forEach((r, i) => residuals.set(r.residual, i * 2));
    index.addBlock(codes, Float32Array.from(rows, (r) => r.scale), residuals); // rows 1 (higher), 2 (lower)
    index.addBlock(codes.slice(0, 8), Float32Array.of(rows[0]!.scale)); // row 3: higher's codes, no residual
    assert.deepEqual([0, 1, 2, 3].map((row) => index.isRefined(row)), [true, true, true, false]);
    index.remove(0);
    index.remove(1);
    index.compact(); // lower → row 0, the unrefined copy → row 1
    assert.deepEqual([0, 1].map((row) => index.isRefined(row)), [true, false]);
    // The unrefined copy ranks at the int8 value, above lower's refined score.
    assert.deepEqual(index.search(query, 1).map((h) => h.row), [1]);
    assert.throws(() => index.addBlock(codes, Float32Array.from(rows, (r) => r.scale), new Uint8Array(3)), /residual bytes/);
  });

  it('agrees with float search more often than int8 re-scoring does, on tightly bunched rows past the pool size', () => {
    const random = seededRandom(2026);
    const dims = 32;
    const centre = randomUnitVector(random, dims);
    const jitter = (spread: number): Float32Array => {
      const g = randomUnitVector(random, dims);
      return normalise(centre.map((x, d) => x + spread * g[d]!));
    };
    const vectors = Array.from({ length: 3000 }, () => jitter(0.2));
    const index = new VectorIndex(dims);
    for (const v of vectors) index.addVector(v);
    let refinedFound = 0;
    let int8Found = 0;
    for (let i = 0; i < 30; i++) {
      const query = jitter(0.3);
      const truth = new Set(
        vectors
          .map((v, row) => ({ row, score: dot(v, query) }))
          .sort((a, b) => b.score - a.score)
          .slice(0, 10)
          .map((h) => h.row),
      );
      // A pool of all rows but one: the re-scoring path runs, and the sign codes (alike for such rows) cannot
      // drop a true hit (the one row dropped is counted against both paths alike).
      refinedFound += index.search(query, 10, vectors.length - 1).filter((h) => truth.has(h.row)).length;
      int8Found += index.searchInt8(query, 10, vectors.length - 1).filter((h) => truth.has(h.row)).length;
    }
    assert.ok(int8Found < 300, `int8 re-scoring found ${int8Found}/300: the rows are not bunched tightly enough to test`);
    assert.ok(refinedFound > int8Found, `refined ${refinedFound} vs int8 ${int8Found}`);
    // Residual codes cut the error of a score ~4×: at least half of int8's misses go.
    assert.ok(300 - refinedFound <= (300 - int8Found) / 2, `refined ${refinedFound}/300, int8 ${int8Found}/300`);
  });
});
