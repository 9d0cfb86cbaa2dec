import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from './random.test-support.ts';
import { poolTokenRanges, sentenceTokenRanges } from './sentence-pooling.ts';
import { splitSentences } from './sentences.ts';

/** A WordPiece-like count: whitespace words, punctuation split off, long words in pieces of 6, plus [CLS] [SEP]. */
const countTokens = (text: string) =>
  (text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu) ?? []).reduce((sum, w) => sum + Math.ceil(w.length / 6), 0) + 2;

describe('sentenceTokenRanges', () => {
  const passage = 'The pact expires at midnight. Seoul wants it extended!  Tokyo declined, citing export controls.';
  const sentences = splitSentences(passage);

  it('locates each sentence after [CLS] and the context, and the ranges cover the passage exactly', () => {
    const contextPieces = 7;
    const passagePieces = countTokens(passage) - 2;
    const ranges = sentenceTokenRanges(passage, sentences, countTokens, 1 + contextPieces, passagePieces)!;
    assert.equal(ranges.length, 3);
    assert.equal(ranges[0]!.start, 1 + contextPieces);
    for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]!.start, ranges[i - 1]!.end, 'no gap or overlap');
    assert.equal(ranges.at(-1)!.end, 1 + contextPieces + passagePieces);
    ranges.forEach((r, i) => {
      const s = sentences[i]!;
      assert.equal(r.end - r.start, countTokens(passage.slice(s.start, s.end)) - 2);
    });
  });

  it('returns null when the sentences do not add up to the passage the model read', () => {
    const passagePieces = countTokens(passage) - 2;
    assert.equal(sentenceTokenRanges(passage, sentences, countTokens, 1, passagePieces + 1), null);
    assert.equal(sentenceTokenRanges(passage, sentences, countTokens, 1, passagePieces - 1), null);
  });
});

describe('poolTokenRanges', () => {
  const dims = 3;
  const tokens = 9;
  const random = seededRandom(7);
  const hidden = Float32Array.from({ length: tokens * dims }, () => random() * 2 - 1);
  const manualMean = (start: number, end: number) =>
    Array.from({ length: dims }, (_, d) => {
      let sum = 0;
      for (let t = start; t < end; t++) sum += hidden[t * dims + d]!;
      return sum / (end - start);
    });

  it('is the mean of each range of token rows', () => {
    const ranges = [
      { start: 1, end: 4 },
      { start: 4, end: 5 },
      { start: 5, end: 8 },
    ];
    const pooled = poolTokenRanges(hidden, tokens, dims, ranges, false);
    assert.equal(pooled.length, ranges.length * dims);
    ranges.forEach((r, i) => {
      const expected = manualMean(r.start, r.end);
      for (let d = 0; d < dims; d++) assert.ok(Math.abs(pooled[i * dims + d]! - expected[d]!) < 1e-6);
    });
  });

  it('normalises each row when asked, and gives a zero row for an empty range', () => {
    const pooled = poolTokenRanges(hidden, tokens, dims, [{ start: 2, end: 6 }, { start: 6, end: 6 }], true);
    const expected = manualMean(2, 6);
    const norm = Math.hypot(...expected);
    for (let d = 0; d < dims; d++) assert.ok(Math.abs(pooled[d]! - expected[d]! / norm) < 1e-6);
    assert.deepEqual([...pooled.subarray(dims)], [0, 0, 0]);
  });

  it('rejects ranges outside the tokens and hidden states of the wrong size', () => {
    assert.throws(() => poolTokenRanges(hidden, tokens, dims, [{ start: 5, end: 10 }], false), /outside 9 tokens/);
    assert.throws(() => poolTokenRanges(hidden.subarray(1), tokens, dims, [], false), /not 9 tokens/);
  });
});
