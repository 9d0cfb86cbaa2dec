import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTEXT_TOKEN_WEIGHT, poolPassageTokens } from './pooling.ts';

// 5 tokens × 2 dims: [CLS], two context pieces, one passage piece, [SEP].
const hidden = Float32Array.from([
  1, 0, // [CLS]
  100, 100, // context
  -50, 7, // context
  3, 4, // passage
  2, 2, // [SEP]
]);

describe('poolPassageTokens', () => {
  it("averages [CLS], the passage's pieces and [SEP], with the context's pieces at the given weight", () => {
    assert.deepEqual([...poolPassageTokens(hidden, 5, 2, 2, false, 0)], [2, 2]);
    const half = poolPassageTokens(hidden, 5, 2, 2, false, 0.5);
    assert.deepEqual([...half], [Math.fround((1 + 3 + 2 + 0.5 * (100 - 50)) / 4), Math.fround((0 + 4 + 2 + 0.5 * 107) / 4)]);
  });

  it('weighs context tokens by CONTEXT_TOKEN_WEIGHT by default', () => {
    assert.ok(CONTEXT_TOKEN_WEIGHT >= 0 && CONTEXT_TOKEN_WEIGHT < 1);
    assert.deepEqual(poolPassageTokens(hidden, 5, 2, 2, false), poolPassageTokens(hidden, 5, 2, 2, false, CONTEXT_TOKEN_WEIGHT));
  });

  it('normalises when asked', () => {
    const v = poolPassageTokens(hidden, 5, 2, 2, true, 0);
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
