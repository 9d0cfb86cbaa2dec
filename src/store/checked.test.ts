import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { itemAt, lastOf, valueOf } from './checked.ts';

describe('checked reads', () => {
  it('return what is there, falsy values included', () => {
    assert.equal(itemAt([0, 1], 0), 0);
    assert.equal(itemAt(new Float32Array([0.5, 2]), 1), 2);
    assert.equal(lastOf(['a', '']), '');
    assert.equal(valueOf(new Map([['k', 0]]), 'k'), 0);
  });

  it('throw an Error naming what is missing rather than passing undefined on', () => {
    assert.throws(() => itemAt(['a'], 1, 'hash'), { message: 'Passage: hash 1 is missing (1 in all).' });
    assert.throws(() => lastOf([], 'row'), { message: 'Passage: row -1 is missing (0 in all).' });
    assert.throws(() => valueOf(new Map<string, string>(), 'p1', 'text'), { message: 'Passage: no text for p1.' });
  });
});
