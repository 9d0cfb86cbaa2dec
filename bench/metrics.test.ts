import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { firstMatchRank, normaliseForMatch, summarise } from './metrics.ts';

const passages = (...texts: string[]) => texts.map((text, i) => ({ doc: i === 2 ? 'other.txt' : 'a.txt', text }));

describe('eval metrics', () => {
  it('normalises case, whitespace, quotes and compatibility forms', () => {
    assert.equal(normaliseForMatch('  “Hello”\r\n  World’s ﬁne '), '"hello" world\'s fine');
  });

  it('ranks the first passage that contains any expected substring', () => {
    const ranked = passages('nothing here', 'the Swedish\nembassy helps', 'swedish embassy again');
    assert.equal(firstMatchRank(ranked, ['Swedish Embassy']), 2);
    assert.equal(firstMatchRank(ranked, ['absent', 'NOTHING']), 1);
    assert.equal(firstMatchRank(ranked, ['absent']), null);
  });

  it('only counts passages of the named document', () => {
    const ranked = passages('x', 'y', 'the answer');
    assert.equal(firstMatchRank(ranked, ['the answer'], 'a.txt'), null);
    assert.equal(firstMatchRank(ranked, ['the answer'], 'other.txt'), 3);
  });

  it('summarises hits and MRR with misses as zero', () => {
    assert.deepEqual(summarise([1, 2, null, 4, 11]), {
      hitAt1: 1,
      hitAt3: 2,
      hitAt10: 3,
      mrr: (1 + 0.5 + 0.25 + 1 / 11) / 5,
      queries: 5,
    });
  });
});
