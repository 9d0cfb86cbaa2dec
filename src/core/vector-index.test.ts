import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { VectorIndex } from './vector-index.ts';
import { quantize } from './quantize.ts';
import { TopK, type Hit } from './top-k.ts';
import { packSigns, scanSigns, signStride, signTables } from './sign-codes.ts';
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

/**
 * Draws vectors shaped like sentence embeddings: a strong shared direction (MiniLM passages lie ~0.5 of their
 * length along their mean), topics around it, and passages around their topic, all unit length.
 */
function embeddingSpace(random: () => number, dims: number, topics = 40): (count: number) => Float32Array[] {
  const common = randomUnitVector(random, dims);
  const centres = Array.from({ length: topics }, () => near(random, common, 1.2));
  return (count) => Array.from({ length: count }, () => near(random, centres[Math.floor(random() * topics)]!, 0.9));
}

function rowsOf(hits: readonly Hit[]): number[] {
  return hits.map((h) => h.row);
}

describe('VectorIndex sign-code search', () => {
  const random = seededRandom(2718);
  const draw = embeddingSpace(random, DIMS);
  const vectors = draw(4000);
  // Questions close to a passage, and new passages of the same topics.
  const queries = [...Array.from({ length: 15 }, () => near(random, vectors[Math.floor(random() * vectors.length)]!, 0.8)), ...draw(15)];

  it('returns the exact top 10 from a pool far smaller than the index', () => {
    const index = new VectorIndex(DIMS);
    for (const v of vectors) index.addVector(v);
    for (const query of queries) {
      const exact = index.searchExact(query, 10);
      assert.deepEqual(index.search(query, 10), exact); // default pool
      assert.deepEqual(rowsOf(index.search(query, 10, 200)), rowsOf(exact)); // 5% of the rows
    }
  });

  it('agrees with float brute force over the unquantised vectors on the top 10', () => {
    const index = new VectorIndex(DIMS);
    for (const v of vectors) index.addVector(v);
    let found = 0;
    for (const query of queries) {
      const expected = new Set(rowsOf(floatTopK(vectors, query, 10)));
      found += index.search(query, 10).filter((h) => expected.has(h.row)).length;
    }
    assert.ok(found / (queries.length * 10) >= 0.97, `recall@10 ${found / (queries.length * 10)}`);
  });

  it('the coarse pass alone is not the answer: a pool of k misses part of the exact top 10', () => {
    // Guards the two tests above from passing because the pool is trivially large: the sign codes rank only
    // approximately, and the re-scoring is what makes the result exact.
    const index = new VectorIndex(DIMS);
    for (const v of vectors) index.addVector(v);
    let same = 0;
    for (const query of queries) {
      const exact = new Set(rowsOf(index.searchExact(query, 10)));
      same += index.search(query, 10, 10).filter((h) => exact.has(h.row)).length;
    }
    assert.ok(same < queries.length * 10, 'a pool of 10 found every exact hit');
    // Chance would find 10 / 4000 of them.
    assert.ok(same > queries.length * 2.5, `a pool of 10 found only ${same} of ${queries.length * 10}`);
  });

  it('never returns removed rows and stays exact through removal and compaction', () => {
    const index = new VectorIndex(DIMS, 16);
    for (const v of vectors) index.addVector(v);
    const removed = new Set<number>();
    for (const query of queries.slice(0, 10)) for (const hit of index.searchExact(query, 3)) removed.add(hit.row);
    for (let row = 0; row < vectors.length; row += 3) removed.add(row);
    for (const row of removed) index.remove(row);
    for (const query of queries) {
      const hits = index.search(query, 10, 200);
      assert.ok(hits.every((h) => !removed.has(h.row)));
      assert.deepEqual(rowsOf(hits), rowsOf(index.searchExact(query, 10)));
    }
    const before = queries.map((query) => index.search(query, 10, 200));
    const remap = index.compact();
    assert.equal(index.rowCount, vectors.length - removed.size);
    queries.forEach((query, i) => {
      const after = index.search(query, 10, 200);
      assert.deepEqual(rowsOf(after), before[i]!.map((h) => remap[h.row]!));
      assert.deepEqual(after.map((h) => h.score), before[i]!.map((h) => h.score));
    });
    // Rows added after compaction get sign codes at the right place too.
    const row = index.addVector(vectors[0]!);
    assert.equal(index.search(vectors[0]!, 1, 200)[0]!.row, row);
  });
});

describe('VectorIndex.addBlock', () => {
  const random = seededRandom(31);
  const vectors = embeddingSpace(random, DIMS)(2500);
  const quantised = vectors.map(quantize);

  function block(from: number, to: number): { codes: Int8Array; scales: Float32Array } {
    const codes = new Int8Array((to - from) * DIMS);
    const scales = new Float32Array(to - from);
    for (let i = from; i < to; i++) {
      codes.set(quantised[i]!.q, (i - from) * DIMS);
      scales[i - from] = quantised[i]!.scale;
    }
    return { codes, scales };
  }

  it('equals adding the rows one by one, across growth and with a reservation', () => {
    const oneByOne = new VectorIndex(DIMS, 16);
    for (const { q, scale } of quantised) oneByOne.add(q, scale);
    const grown = new VectorIndex(DIMS, 16);
    const reserved = new VectorIndex(DIMS, 16);
    reserved.reserve(vectors.length);
    assert.equal(reserved.capacity, vectors.length);
    const firsts: number[] = [];
    for (let from = 0; from < vectors.length; from += 1024) {
      const { codes, scales } = block(from, Math.min(from + 1024, vectors.length));
      firsts.push(grown.addBlock(codes, scales));
      reserved.addBlock(codes, scales);
    }
    assert.deepEqual(firsts, [0, 1024, 2048]);
    assert.equal(reserved.capacity, vectors.length); // no growth after reserve
    for (const index of [grown, reserved]) {
      assert.equal(index.size, vectors.length);
      assert.deepEqual(index.vector(2047), oneByOne.vector(2047));
      for (const query of vectors.slice(0, 10).map((v) => near(random, v, 0.8))) {
        assert.deepEqual(index.search(query, 10, 100), oneByOne.search(query, 10, 100));
        assert.deepEqual(index.searchInt8Scan(query, 10), oneByOne.searchInt8Scan(query, 10));
      }
    }
  });

  it('mixes with single adds and rejects a block whose codes do not match its scales', () => {
    const index = new VectorIndex(DIMS, 4);
    index.add(quantised[0]!.q, quantised[0]!.scale);
    const { codes, scales } = block(1, 6);
    assert.equal(index.addBlock(codes, scales), 1);
    assert.equal(index.add(quantised[6]!.q, quantised[6]!.scale), 6);
    assert.equal(index.search(vectors[3]!, 1)[0]!.row, 3);
    assert.equal(index.addBlock(new Int8Array(0), new Float32Array(0)), 7);
    assert.throws(() => index.addBlock(new Int8Array(DIMS), new Float32Array(2)), /2 rows needs 768 codes, got 384/);
  });
});

describe('sign codes', () => {
  it('score a row as the sum of the query components where the row is positive (any dims)', () => {
    const random = seededRandom(8);
    for (const dims of [8, 13, 32, 70, 384]) {
      const stride = signStride(dims);
      assert.equal(stride % 4, 0);
      assert.ok(stride * 8 >= dims);
      const query = randomUnitVector(random, dims);
      const tables = signTables(query, stride);
      let maxAbs = 0;
      for (const x of query) maxAbs = Math.max(maxAbs, Math.abs(x));
      for (let trial = 0; trial < 20; trial++) {
        const { q } = quantize(randomUnitVector(random, dims));
        const signs = new Uint8Array(stride);
        packSigns(q, 0, dims, signs, 0);
        let tableScore = 0;
        for (let j = 0; j < stride; j++) tableScore += tables[j * 256 + signs[j]!]!;
        let expected = 0;
        for (let d = 0; d < dims; d++) if (q[d]! > 0) expected += query[d]!;
        // Table entries are rounded to 1/4095 of the largest component: at most half a unit per component.
        assert.ok(Math.abs((tableScore * maxAbs) / 4095 - expected) <= (dims * 0.5 * maxAbs) / 4095 + 1e-9);
      }
    }
  });

  it('scanSigns skips removed rows and keeps the best scores', () => {
    const dims = 16;
    const stride = signStride(dims);
    const codes = new Int8Array([...Array(16).fill(1), ...Array(16).fill(-1), ...Array(8).fill(1), ...Array(8).fill(-1)]);
    const signs = new Uint8Array(3 * stride);
    for (let row = 0; row < 3; row++) packSigns(codes, row * dims, dims, signs, row * stride);
    assert.deepEqual(Array.from(signs.subarray(0, 2)), [255, 255]);
    assert.deepEqual(Array.from(signs.subarray(stride, stride + 2)), [0, 0]);
    const tables = signTables(new Float32Array(dims).fill(0.25), stride);
    const top = new TopK(2);
    scanSigns(signs, stride, new Uint8Array([0, 1, 1]), 3, tables, top);
    assert.deepEqual(rowsOf(top.sorted()), [2, 1]); // row 0 (the best) is removed
  });
});
