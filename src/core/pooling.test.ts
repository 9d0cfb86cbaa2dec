import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { poolPassageTokens } from './pooling.ts';

// 5 tokens × 2 dims: [CLS], two context pieces, one passage piece, [SEP].
const hidden = Float32Array.from([
  1, 0, // [CLS]
  100, 100, // context
  -50, 7, // context
  3, 4, // passage
  2, 2, // [SEP]
]);

describe('poolPassageTokens', () => {
  it("averages [CLS], the passage's pieces and [SEP], leaving out the context's pieces", () => {
    assert.deepEqual([...poolPassageTokens(hidden, 5, 2, 2, false)], [2, 2]);
  });

  it('normalises when asked', () => {
    const v = poolPassageTokens(hidden, 5, 2, 2, true);
    assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-6);
    assert.ok(Math.abs(v[0]! - v[1]!) < 1e-6);
  });

  it('is plain mean pooling without context', () => {
    assert.deepEqual([...poolPassageTokens(hidden, 5, 2, 0, false)], [Math.fround(56 / 5), Math.fround(113 / 5)]);
  });

  it('refuses a context that leaves no room for [CLS] and [SEP] or a mis-sized state', () => {
    assert.throws(() => poolPassageTokens(hidden, 5, 2, 4, false), /cannot pool/);
    assert.throws(() => poolPassageTokens(hidden, 4, 2, 0, false), /cannot pool/);
  });
});
