import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextFocusAfterRemoval } from './focus-after-removal.ts';

describe('nextFocusAfterRemoval', () => {
  test('stays on the item while it is still listed', () => {
    assert.deepEqual(nextFocusAfterRemoval(['a', 'b', 'c'], { id: 'b', index: 1 }), { kind: 'still-there', id: 'b' });
  });

  test('goes to the item that took its place, else the one before, else the heading', () => {
    assert.deepEqual(nextFocusAfterRemoval(['a', 'c'], { id: 'b', index: 1 }), { kind: 'item', id: 'c' });
    assert.deepEqual(nextFocusAfterRemoval(['a', 'b'], { id: 'c', index: 2 }), { kind: 'item', id: 'b' });
    assert.deepEqual(nextFocusAfterRemoval(['b'], { id: 'a', index: 0 }), { kind: 'item', id: 'b' });
    assert.deepEqual(nextFocusAfterRemoval([], { id: 'a', index: 0 }), { kind: 'heading' });
  });

  test('copes with an index it never knew (-1)', () => {
    assert.deepEqual(nextFocusAfterRemoval(['x', 'y'], { id: 'gone', index: -1 }), { kind: 'item', id: 'x' });
  });
});
