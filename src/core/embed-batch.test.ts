import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchRanges, EMBED_BATCH, textsPerModelCall } from './embed-batch.ts';

describe('batchRanges', () => {
  it('cuts texts into EMBED_BATCH-sized ranges by default, the last one shorter', () => {
    const ranges = batchRanges(2 * EMBED_BATCH + 3);
    assert.deepEqual(ranges, [
      [0, EMBED_BATCH],
      [EMBED_BATCH, 2 * EMBED_BATCH],
      [2 * EMBED_BATCH, 2 * EMBED_BATCH + 3],
    ]);
  });

  it('covers every text once, in order, whatever the size', () => {
    for (const size of [1, 2, 3, 7, Infinity]) {
      const covered = batchRanges(10, size).flatMap(([start, end]) => [...Array(end - start).keys()].map((i) => start + i));
      assert.deepEqual(covered, [...Array(10).keys()], `size ${size}`);
    }
  });

  it('takes at least one text per batch, Infinity as one batch, and nothing for no texts', () => {
    assert.deepEqual(batchRanges(3, 0), [[0, 1], [1, 2], [2, 3]]);
    assert.deepEqual(batchRanges(5, Infinity), [[0, 5]]);
    assert.deepEqual(batchRanges(0), []);
  });
});

describe('textsPerModelCall', () => {
  it('gives q8 one text per model call, so a vector depends only on its text; float models one call per batch', () => {
    assert.equal(textsPerModelCall('q8'), 1);
    assert.equal(textsPerModelCall('fp32'), Infinity);
    assert.equal(textsPerModelCall('fp16'), Infinity);
  });
});
