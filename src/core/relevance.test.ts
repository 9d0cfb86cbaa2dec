import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Bm25Index } from './bm25.ts';
import { searchPassages } from './rank.ts';
import {
  CLOSE_MATCH_THRESHOLD,
  COSINE_CLOSE,
  COSINE_UNRELATED,
  COVERAGE_CLOSE,
  MEANING_SHARE,
  THRESHOLD_MEASURED_AT,
  THRESHOLD_RISE_PER_DECADE,
  calibrateHits,
  closeMatchThreshold,
  calibratedScore,
  hasCloseMatch,
  meaningScore,
  wordScore,
} from './relevance.ts';
import { SearchIndex } from './search-index.ts';
import { quantize } from './quantize.ts';
import { randomUnitVector, seededRandom } from './random.test-support.ts';

const close = (actual: number, expected: number, tolerance = 1e-6) =>
  assert.ok(Math.abs(actual - expected) < tolerance, `${actual} is not ${expected}`);

describe('meaningScore', () => {
  it('maps the unrelated cosine to 0 and the close cosine to 1, linearly between, clamped outside', () => {
    close(meaningScore(COSINE_UNRELATED), 0);
    close(meaningScore(COSINE_CLOSE), 1);
    close(meaningScore((COSINE_UNRELATED + COSINE_CLOSE) / 2), 0.5);
    assert.equal(meaningScore(-0.3), 0);
    assert.equal(meaningScore(0.99), 1);
  });
});

describe('wordScore', () => {
  it('is the share of the query ceiling, full at COVERAGE_CLOSE, and 0 without a ceiling', () => {
    close(wordScore(COVERAGE_CLOSE * 8, 8), 1);
    close(wordScore((COVERAGE_CLOSE / 2) * 8, 8), 0.5);
    assert.equal(wordScore(7.9, 8), 1);
    assert.equal(wordScore(0, 8), 0);
    assert.equal(wordScore(3, 0), 0);
  });
});

describe('calibratedScore', () => {
  it('weights meaning and words, and uses the one signal there is when the other is missing', () => {
    const raw = { dense: COSINE_CLOSE, lexical: 0 };
    close(calibratedScore(raw, 10), MEANING_SHARE);
    close(calibratedScore({ dense: COSINE_UNRELATED, lexical: 5 }, 10), 1 - MEANING_SHARE);
    close(calibratedScore({ dense: COSINE_CLOSE, lexical: null }, 10), 1, 1e-6); // word index still loading
    close(calibratedScore({ dense: null, lexical: 5 }, 10), 1); // no model: words alone
    assert.equal(calibratedScore({ dense: null, lexical: null }, 10), 0);
  });

  it('scores a hit by itself: the same hit scores the same whatever else the query found', () => {
    const weak = { dense: 0.15, lexical: 0 };
    const alone = calibrateHits({ queryCeiling: () => 10 }, 'q', [weak]);
    const withBetter = calibrateHits({ queryCeiling: () => 10 }, 'q', [{ dense: 0.8, lexical: 6 }, weak]);
    assert.equal(alone[0], withBetter[1]);
    assert.ok(alone[0]! < CLOSE_MATCH_THRESHOLD);
  });
});

describe('closeMatchThreshold', () => {
  it('is CLOSE_MATCH_THRESHOLD up to the measured library size and rises by a step per tenfold growth', () => {
    assert.equal(closeMatchThreshold(0), CLOSE_MATCH_THRESHOLD);
    assert.equal(closeMatchThreshold(THRESHOLD_MEASURED_AT), CLOSE_MATCH_THRESHOLD);
    close(closeMatchThreshold(THRESHOLD_MEASURED_AT * 10), CLOSE_MATCH_THRESHOLD + THRESHOLD_RISE_PER_DECADE);
    close(closeMatchThreshold(10_473), 0.3972, 1e-3);
    assert.ok(closeMatchThreshold(300_000) > closeMatchThreshold(10_000));
  });
});

describe('hasCloseMatch', () => {
  it('needs one score at or above the threshold, in any position', () => {
    assert.equal(hasCloseMatch([]), false);
    assert.equal(hasCloseMatch([0.1, CLOSE_MATCH_THRESHOLD - 0.001]), false);
    assert.equal(hasCloseMatch([0.1, CLOSE_MATCH_THRESHOLD]), true);
    assert.equal(hasCloseMatch([0.9, 0.1], 0.95), false);
  });
});

describe('Bm25Index.queryCeiling', () => {
  const texts = ['apples grow on trees', 'bananas are yellow fruit', 'apples and cherries in a pie'];
  const index = Bm25Index.build(texts.map((t, row) => [row, t] as const));
  const idf = (df: number) => Math.log(1 + (texts.length - df + 0.5) / (df + 0.5));
  const k1PlusOne = index.params.k1 + 1;

  it('is the sum over distinct query words of idf × (k1 + 1), unseen words at df = 0', () => {
    close(index.queryCeiling('apples'), idf(2) * k1PlusOne, 1e-9);
    close(index.queryCeiling('apples apples bananas'), (idf(2) + idf(1)) * k1PlusOne, 1e-9);
    close(index.queryCeiling('zzxq'), idf(0) * k1PlusOne, 1e-9);
    assert.equal(index.queryCeiling('the and of'), 0); // stop words only
  });

  it('bounds every passage score, so score / ceiling is a share below 1', () => {
    for (const query of ['apples', 'apples pie cherries', 'yellow bananas', 'apples zzxq']) {
      const ceiling = index.queryCeiling(query);
      for (const score of index.scores(query)) assert.ok(score < ceiling, `${query}: ${score} < ${ceiling}`);
    }
  });
});

describe('calibrated scores through searchPassages', () => {
  // 60 passages with random 384-d vectors (cosines between them ~N(0, 0.05)); a question that is one of them,
  // and one that is none of them.
  const dims = 384;
  const random = seededRandom(12);
  const index = new SearchIndex<string>(dims);
  const vectors = Array.from({ length: 60 }, () => randomUnitVector(random, dims));
  vectors.forEach((vec, i) => {
    const { q, scale } = quantize(vec);
    index.add(`p${i}`, `passage number ${i} about topic${i} and the river delta`, q, scale);
  });

  it('gibberish (random vector, unknown words) has no close match, though min-max fusion gives its best hit full marks', () => {
    const query = randomUnitVector(random, dims);
    const text = 'asdkjh qwoeiu zzxq';
    const hits = searchPassages(index, query, text, { k: 8 });
    assert.equal(hits.length, 8);
    // Min-max fusion: the best of nothing gets the whole dense share (no word matches at all, so 0.8 is the top).
    close(hits[0]!.score, 0.8, 1e-6);
    const scores = calibrateHits(index.lexical, text, hits);
    assert.ok(Math.max(...scores) < CLOSE_MATCH_THRESHOLD, `best ${Math.max(...scores)}`);
    assert.equal(hasCloseMatch(scores), false);
  });

  it('a question that matches a passage has a close match, and that passage scores highest', () => {
    const text = 'topic17 river delta';
    const hits = searchPassages(index, vectors[17]!, text, { k: 8 });
    const scores = calibrateHits(index.lexical, text, hits);
    assert.equal(hasCloseMatch(scores), true);
    assert.equal(hits[scores.indexOf(Math.max(...scores))]!.id, 'p17');
    assert.ok(scores[0]! > 0.8);
  });

  it('dense-only hits (word index loading) are scored by meaning alone', () => {
    const hits = searchPassages(index, vectors[5]!, 'topic5', { k: 3, mode: 'dense' });
    const scores = calibrateHits(index.lexical, 'topic5', hits);
    close(scores[0]!, meaningScore(hits[0]!.dense!));
  });
});
