import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EmbeddingCache } from './embedding-cache.ts';

describe('EmbeddingCache', () => {
  it('returns exactly the stored vectors after a reload and cuts off a torn last record so later appends stay aligned', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'passage-cache-'));
    try {
      const file = path.join(dir, 'sub', 'model.bin');
      const hashes = ['aa'.repeat(32), 'bb'.repeat(32)];
      const vectors = new Float32Array([0.1, -0.2, 0.3, 1e-8, 4, -5]);
      new EmbeddingCache(file, 3).putAll(hashes, vectors);
      appendFileSync(file, Buffer.alloc(10)); // an interrupted write

      const reloaded = new EmbeddingCache(file, 3);
      assert.equal(reloaded.size, 2);
      assert.deepEqual(reloaded.get(hashes[0]!), vectors.slice(0, 3));
      assert.deepEqual(reloaded.get(hashes[1]!), vectors.slice(3, 6));
      assert.equal(reloaded.get('cc'.repeat(32)), undefined);

      reloaded.putAll(['cc'.repeat(32)], new Float32Array([7, 8, 9]));
      const again = new EmbeddingCache(file, 3);
      assert.equal(again.size, 3);
      assert.deepEqual(again.get('cc'.repeat(32)), new Float32Array([7, 8, 9]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
