import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatMatch, searchAdvice, type LibraryFacts } from './answer-state.ts';

const ready: LibraryFacts = { loaded: true, documents: 3, indexed: 120, pending: 0, model: 'ready' };

describe('formatMatch', () => {
  test('shows the calibrated relevance as a whole percentage, clamped', () => {
    assert.equal(formatMatch(0.624), 'match 62%');
    assert.equal(formatMatch(1), 'match 100%');
    assert.equal(formatMatch(0), 'match 0%');
    assert.equal(formatMatch(1.3), 'match 100%');
    assert.equal(formatMatch(Number.NaN), 'match 0%');
  });
});

describe('searchAdvice', () => {
  test('an empty library: says to add documents or try the samples', () => {
    const advice = searchAdvice('what is this?', { ...ready, documents: 0, indexed: 0 });
    assert.equal(advice?.kind, 'empty-library');
    assert.match(advice!.message, /library is empty/);
    assert.match(advice!.message, /sample documents/);
  });

  test('the empty library wins over a model still loading (nothing to wait for)', () => {
    assert.equal(searchAdvice('q', { ...ready, documents: 0, indexed: 0, model: 'loading' })?.kind, 'empty-library');
  });

  test('a model still loading: says the question is answered once it is ready', () => {
    const advice = searchAdvice('q', { ...ready, model: 'loading' });
    assert.equal(advice?.kind, 'model-loading');
    assert.match(advice!.message, /still loading/);
  });

  test('documents not indexed yet: says results come as indexing proceeds', () => {
    assert.equal(searchAdvice('q', { ...ready, indexed: 0, pending: 40 })?.kind, 'not-indexed');
  });

  test('nothing to say when the search can run, when no question is asked, or before the library is read', () => {
    assert.equal(searchAdvice('q', ready), null);
    assert.equal(searchAdvice('q', { ...ready, indexed: 5, pending: 40 }), null);
    assert.equal(searchAdvice('  ', { ...ready, documents: 0 }), null);
    assert.equal(searchAdvice('q', { ...ready, loaded: false, documents: 0, indexed: 0 }), null);
  });
});
