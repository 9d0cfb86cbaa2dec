import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blocksPerRead } from './index-loading.ts';

describe('blocksPerRead', () => {
  it('reads about 16 MB of vector blocks at a time whatever the blocks\' size, within bounds', () => {
    // 1M passages in 20k documents: ~50-row blocks of ~19.6 KB → ~850 blocks a read.
    const small = blocksPerRead(1_000_000, 20_000, 384);
    assert.ok(small > 600 && small < 1000, String(small));
    // Full 1024-row blocks (~400 KB): few blocks a read, never fewer than 16.
    assert.equal(blocksPerRead(1_000_000, 100, 384), 41);
    assert.equal(blocksPerRead(10_000_000, 100, 4096), 16);
    // An empty library or one-row documents: at most 4096 blocks a read.
    assert.equal(blocksPerRead(0, 0, 384), 4096);
  });
});
