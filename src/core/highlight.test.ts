import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bestSentence } from './highlight.ts';

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
