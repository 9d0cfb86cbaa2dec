import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { quantize, VectorIndex } from './vector-index.ts';
import { TopK, type Hit } from './top-k.ts';
import { randomUnitVector, seededRandom } from './random.test-support.ts';

const DIMS = 384;

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function floatTopK(vectors: Float32Array[], query: Float32Array, k: number): Hit[] {
  return vectors
    .map((v, row) => ({ row, score: dot(v, query) }))
    .sort((a, b) => b.score - a.score || a.row - b.row)
    .slice(0, k);
}

/** A unit vector near `base`: the kind of query whose answer is clear. */
function near(random: () => number, base: Float32Array, noise: number): Float32Array {
  const jitter = randomUnitVector(random, base.length);
  const out = base.map((x, i) => x + noise * jitter[i]!);
  const norm = Math.sqrt(dot(out, out));
  return out.map((x) => x / norm);
}

describe('quantize', () => {
  it('maps the largest magnitude to ±127 with scale = maxabs / 127', () => {
    const { q, scale } = quantize(new Float32Array([0.5, -1, 0.25, 0]));
    assert.equal(scale, 1 / 127);
    assert.deepEqual(Array.from(q), [64, -127, 32, 0]);
  });

  it('keeps a zero vector at zero', () => {
    const { q, scale } = quantize(new Float32Array(4));
    assert.equal(scale, 0);
    assert.deepEqual(Array.from(q), [0, 0, 0, 0]);
  });

  it('round-trips within half a step per component', () => {
    const vec = randomUnitVector(seededRandom(7), DIMS);
    const { q, scale } = quantize(vec);
    for (let i = 0; i < DIMS; i++) assert.ok(Math.abs(q[i]! * scale - vec[i]!) <= scale / 2 + 1e-7);
  });
});

describe('TopK', () => {
  it('returns the same best k as a full sort, ties by lower row', () => {
    const random = seededRandom(3);
    const scores = Array.from({ length: 500 }, () => Math.round(random() * 100) / 10);
    const top = new TopK(17);
    scores.forEach((score, row) => top.push(row, score));
    const expected = scores
      .map((score, row) => ({ row, score }))
      .sort((a, b) => b.score - a.score || a.row - b.row)
      .slice(0, 17);
    assert.deepEqual(top.sorted(), expected);
  });
});

describe('VectorIndex', () => {
  it('finds the same top k as float brute force when the answers are well separated', () => {
    const random = seededRandom(42);
    const vectors = Array.from({ length: 2000 }, () => randomUnitVector(random, DIMS));
    const index = new VectorIndex(DIMS, 16); // small capacity: exercises growth
    for (const v of vectors) index.addVector(v);
    for (let trial = 0; trial < 50; trial++) {
      const target = Math.floor(random() * vectors.length);
      const query = near(random, vectors[target]!, 0.5);
      const expected = floatTopK(vectors, query, 1);
      const got = index.search(query, 1);
      assert.equal(got[0]!.row, expected[0]!.row);
      assert.equal(got[0]!.row, target);
      assert.ok(Math.abs(got[0]!.score - expected[0]!.score) < 0.01);
    }
  });

  it('keeps recall@10 against float brute force on random (tightly bunched) vectors', () => {
    const random = seededRandom(1234);
    const vectors = Array.from({ length: 3000 }, () => randomUnitVector(random, DIMS));
    const index = new VectorIndex(DIMS);
    for (const v of vectors) index.addVector(v);
    let found = 0;
    const queries = 40;
    for (let i = 0; i < queries; i++) {
      const query = randomUnitVector(random, DIMS);
      const expected = new Set(floatTopK(vectors, query, 10).map((h) => h.row));
      found += index.search(query, 10).filter((h) => expected.has(h.row)).length;
    }
    // Random 384-d vectors score within ~0.05 of each other, the hardest case for int8; real embeddings are
    // checked at ≥ 0.99 in bench/int8-recall.test.ts.
    assert.ok(found / (queries * 10) >= 0.9, `recall@10 ${found / (queries * 10)}`);
  });

  it('re-scoring makes the int8 search equal to the exact search over the stored vectors', () => {
    const random = seededRandom(99);
    const index = new VectorIndex(DIMS);
    for (let i = 0; i < 1000; i++) index.addVector(randomUnitVector(random, DIMS));
    for (let i = 0; i < 20; i++) {
      const query = randomUnitVector(random, DIMS);
      const exact = index.searchExact(query, 10).map((h) => h.row);
      const fast = index.search(query, 10).map((h) => h.row);
      const overlap = fast.filter((row) => exact.includes(row)).length;
      assert.ok(overlap >= 9, `only ${overlap}/10 of the exact top 10`);
    }
  });

  it('returns hits sorted best first and at most k', () => {
    const random = seededRandom(5);
    const index = new VectorIndex(8);
    for (let i = 0; i < 30; i++) index.addVector(randomUnitVector(random, 8));
    const hits = index.search(randomUnitVector(random, 8), 7);
    assert.equal(hits.length, 7);
    for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.score >= hits[i]!.score);
    assert.equal(index.search(randomUnitVector(random, 8), 100).length, 30);
    assert.deepEqual(index.search(randomUnitVector(random, 8), 0), []);
  });

  it('skips removed rows and renumbers them away on compaction', () => {
    const random = seededRandom(11);
    const vectors = Array.from({ length: 100 }, () => randomUnitVector(random, DIMS));
    const index = new VectorIndex(DIMS);
    for (const v of vectors) index.addVector(v);
    index.remove(10);
    index.remove(10); // removing twice is harmless
    assert.equal(index.size, 99);
    assert.notEqual(index.search(vectors[10]!, 1)[0]!.row, 10);
    assert.equal(index.search(vectors[50]!, 1)[0]!.row, 50);

    for (let row = 0; row < 100; row += 2) index.remove(row);
    const remap = index.compact();
    assert.equal(index.size, 50);
    assert.equal(index.rowCount, 50);
    assert.equal(remap[10], -1);
    assert.equal(remap[51], 25);
    assert.equal(index.search(vectors[51]!, 1)[0]!.row, 25);
    assert.equal(index.search(vectors[99]!, 1)[0]!.row, 49);
    const added = index.addVector(vectors[0]!);
    assert.equal(added, 50);
    assert.equal(index.search(vectors[0]!, 1)[0]!.row, 50);
  });

  it('scores a given candidate set exactly, removed rows as −Infinity', () => {
    const index = new VectorIndex(2);
    index.addVector(new Float32Array([1, 0]));
    index.addVector(new Float32Array([0, 1]));
    index.addVector(new Float32Array([0.6, 0.8]));
    index.remove(1);
    const scores = index.scoreRows(new Float32Array([1, 0]), [2, 1, 0]);
    assert.ok(Math.abs(scores[0]! - 0.6) < 0.01);
    assert.equal(scores[1], -Infinity);
    assert.ok(Math.abs(scores[2]! - 1) < 1e-6);
  });

  it('rejects vectors and queries of the wrong size', () => {
    const index = new VectorIndex(4);
    assert.throws(() => index.add(new Int8Array(3), 1), /3 dimensions, index has 4/);
    assert.throws(() => index.search(new Float32Array(5), 1), /query has 5 dimensions/);
  });
});
