import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomUnitVector, seededRandom } from './random.test-support.ts';
import { encodeSentenceVectors, scoreSentenceCodes, sentenceCodeCount, sentenceCodesFit, SENTENCE_CODE_VERSION } from './sentence-codes.ts';

const dims = 384;

/** `n` unit sentence vectors sharing a strong passage direction, as a passage's sentences do. */
function passageRows(random: () => number, n: number): Float32Array {
  const shared = randomUnitVector(random, dims);
  const rows = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) {
    const own = randomUnitVector(random, dims);
    const row = shared.map((x, d) => 0.8 * x + 0.6 * own[d]!);
    const norm = Math.hypot(...row);
    rows.set(row.map((x) => x / norm), i * dims);
  }
  return rows;
}

const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
const argmax = (values: ArrayLike<number>) => Array.from(values).reduce((best, v, i, all) => (v > all[best]! ? i : best), 0);

describe('sentence codes', () => {
  it('have the documented layout and size', () => {
    const rows = passageRows(seededRandom(1), 5);
    const codes = encodeSentenceVectors(rows, dims);
    assert.equal(codes.length, 8 + 5 * (1 + dims / 8));
    assert.equal(codes[0], SENTENCE_CODE_VERSION);
    assert.equal(codes[1], dims / 8);
    assert.equal(codes[2]! | (codes[3]! << 8), 5);
    const maxScale = new DataView(codes.buffer).getFloat32(4, true);
    assert.ok(maxScale > 0);
    assert.ok(codes.subarray(8, 13).includes(255), 'the largest scale is stored as 255');
    // Bit d of sentence i is the sign of its difference from the mean sentence.
    const mean = new Float32Array(dims).map((_, d) => [0, 1, 2, 3, 4].reduce((s, i) => s + rows[i * dims + d]!, 0) / 5);
    for (const [i, d] of [[0, 0], [2, 9], [4, 383]] as const) {
      const bit = (codes[13 + i * (dims / 8) + (d >> 3)]! >> (d & 7)) & 1;
      assert.equal(bit, rows[i * dims + d]! - mean[d]! > 0 ? 1 : 0);
    }
  });

  it('need only a header for one sentence or none', () => {
    assert.deepEqual([...encodeSentenceVectors(new Float32Array(dims).fill(0.05), dims)], [SENTENCE_CODE_VERSION, 48, 1, 0]);
    assert.equal(sentenceCodeCount(encodeSentenceVectors(new Float32Array(0), dims)), 0);
    assert.deepEqual([...scoreSentenceCodes(encodeSentenceVectors(new Float32Array(dims).fill(0.05), dims), randomUnitVector(seededRandom(2), dims))], [0]);
  });

  it('pick the sentence float vectors pick when the query is about one sentence', () => {
    const random = seededRandom(3);
    for (let trial = 0; trial < 20; trial++) {
      const rows = passageRows(random, 6);
      const target = trial % 6;
      const noise = randomUnitVector(random, dims);
      const query = rows.subarray(target * dims, (target + 1) * dims).map((x, d) => x + 0.5 * noise[d]!);
      const floatScores = [0, 1, 2, 3, 4, 5].map((i) => dot(rows.subarray(i * dims, (i + 1) * dims), query));
      assert.equal(argmax(floatScores), target);
      assert.equal(argmax(scoreSentenceCodes(encodeSentenceVectors(rows, dims), query)), target, `trial ${trial}`);
    }
  });

  it('estimate cosine differences between sentences on the cosine scale', () => {
    // The word-overlap tie-break adds to these scores, so they must not be off by a large factor.
    const random = seededRandom(4);
    const rows = passageRows(random, 8);
    const query = randomUnitVector(random, dims).map((x, d) => x + rows[d]!);
    const cosines = [...Array(8).keys()].map((i) => dot(rows.subarray(i * dims, (i + 1) * dims), query) / Math.hypot(...query));
    const scores = scoreSentenceCodes(encodeSentenceVectors(rows, dims), query);
    const spread = (v: ArrayLike<number>) => Math.max(...Array.from(v)) - Math.min(...Array.from(v));
    const ratio = spread(scores) / spread(cosines);
    assert.ok(ratio > 0.6 && ratio < 1.6, `score spread ${spread(scores)} vs cosine spread ${spread(cosines)}`);
  });

  it('refuse bytes that are not codes, and tell when codes do not fit a passage', () => {
    const codes = encodeSentenceVectors(passageRows(seededRandom(5), 3), dims);
    assert.equal(sentenceCodeCount(codes.subarray(0, codes.length - 1)), null);
    assert.equal(sentenceCodeCount(Uint8Array.of(99, 48, 3, 0)), null);
    assert.throws(() => scoreSentenceCodes(Uint8Array.of(99, 48, 3, 0), new Float32Array(dims)), /not sentence codes/);
    assert.equal(sentenceCodesFit(codes, 3, dims), true);
    assert.equal(sentenceCodesFit(codes, 4, dims), false);
    assert.equal(sentenceCodesFit(codes, 3, 768), false);
  });
});
