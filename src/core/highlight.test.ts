import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bestSentence, bestSentenceByCodes, bestSentenceByScores } from './highlight.ts';
import { randomUnitVector, seededRandom } from './random.test-support.ts';
import { encodeSentenceVectors } from './sentence-codes.ts';

const passage = 'The talks stalled in February. Workers must go home by Dec. 22. Seoul and Tokyo met again.';
const pick = (span: { start: number; end: number }) => passage.slice(span.start, span.end);

describe('bestSentence', () => {
  it('picks the sentence with the closest vector', () => {
    // Three sentences, 2-d vectors: the query points at the third.
    const vectors = new Float32Array([1, 0, 0.7, 0.7, 0, 1]);
    const span = bestSentence(passage, vectors, new Float32Array([0.1, 1]), 'who met');
    assert.equal(pick(span), 'Seoul and Tokyo met again.');
  });

  it('lets query words break a near-tie between vectors', () => {
    const vectors = new Float32Array([1, 0, 1, 0.001, 0, 1]);
    const span = bestSentence(passage, vectors, new Float32Array([1, 0]), 'when must workers go home');
    assert.equal(pick(span), 'Workers must go home by Dec. 22.');
  });

  it('falls back to query words without vectors', () => {
    assert.equal(pick(bestSentence(passage, null, null, 'when did the talks stall')), 'The talks stalled in February.');
    assert.equal(pick(bestSentence(passage, null, null, 'Tokyo')), 'Seoul and Tokyo met again.');
  });

  it('returns the first sentence when nothing matches and the whole text when there are no sentences', () => {
    assert.equal(pick(bestSentence(passage, null, null, 'zebra')), 'The talks stalled in February.');
    assert.deepEqual(bestSentence('   ', null, null, 'x'), { start: 0, end: 3 });
  });

  it('rejects vectors that do not match the sentences', () => {
    assert.throws(() => bestSentence(passage, new Float32Array(4), new Float32Array(2), 'x'), /expected 3 sentence vectors/);
  });
});

describe('bestSentenceByCodes', () => {
  const dims = 64;
  const random = seededRandom(11);
  // Three sentence vectors around a shared passage direction, as late chunking gives.
  const shared = randomUnitVector(random, dims);
  const vectors = new Float32Array(3 * dims);
  for (let i = 0; i < 3; i++) {
    const own = randomUnitVector(random, dims);
    const row = shared.map((x, d) => 0.7 * x + 0.7 * own[d]!);
    const norm = Math.hypot(...row);
    vectors.set(row.map((x) => x / norm), i * dims);
  }
  const codes = encodeSentenceVectors(vectors, dims);

  it('picks the sentence float vectors pick when the query is clearly about it', () => {
    for (let target = 0; target < 3; target++) {
      const query = vectors.slice(target * dims, (target + 1) * dims);
      const float = bestSentence(passage, vectors, query, 'zebra');
      assert.equal(pick(float), passage.slice(...spanOf(target)));
      assert.deepEqual(bestSentenceByCodes(passage, codes, query, 'zebra'), float);
    }
  });

  it('keeps the word-overlap tie-break', () => {
    // Equal scores: the sentence that says the query's words wins.
    assert.equal(pick(bestSentenceByScores(passage, [0.2, 0.2, 0.2], 'Tokyo')), 'Seoul and Tokyo met again.');
    assert.equal(pick(bestSentenceByScores(passage, [0.2, 0.3, 0.2], 'Tokyo')), 'Workers must go home by Dec. 22.');
  });

  it('falls back to words when the codes do not fit the passage or are missing', () => {
    const twoSentences = encodeSentenceVectors(vectors.slice(0, 2 * dims), dims);
    const query = vectors.slice(0, dims);
    assert.equal(pick(bestSentenceByCodes(passage, twoSentences, query, 'Tokyo')), 'Seoul and Tokyo met again.');
    assert.equal(pick(bestSentenceByCodes(passage, codes, new Float32Array(dims * 2), 'Tokyo')), 'Seoul and Tokyo met again.');
    assert.equal(pick(bestSentenceByCodes(passage, null, query, 'Tokyo')), 'Seoul and Tokyo met again.');
    assert.equal(pick(bestSentenceByCodes(passage, codes, null, 'Tokyo')), 'Seoul and Tokyo met again.');
  });
});

function spanOf(sentence: number): [number, number] {
  const starts = [0, passage.indexOf('Workers'), passage.indexOf('Seoul')];
  const ends = [passage.indexOf(' Workers'), passage.indexOf(' Seoul'), passage.length];
  return [starts[sentence]!, ends[sentence]!];
}
