import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toOffsets } from '../core/split.ts';
import { doc, freshDbName, MODEL, paragraphs } from './fixtures.test-support.ts';
import { LibraryService } from './library-service.ts';

describe('LibraryService.findByText', () => {
  it('finds the stored document with the same text (hashed in the service), and nothing for other text', async () => {
    const service = new LibraryService(MODEL, { dbName: freshDbName() });
    try {
      const text = 'Rivers carry water to the sea.\n\nThe sea is salty.';
      const added = await service.addDocument(doc('Rivers', text), toOffsets(paragraphs(text)));
      assert.deepEqual(await service.findByText(text), { documentId: added.documentId, duplicate: true, passageCount: 2 });
      assert.equal(await service.findByText(`${text} And deep.`), null);
    } finally {
      await service.close();
    }
  });
});

describe('LibraryService.search within documents', () => {
  it('ranks only the chosen documents and still returns k hits from them', async () => {
    const service = new LibraryService(MODEL, { dbName: freshDbName() });
    try {
      // Every passage mentions "river"; the query vector points at the "near" document's vectors.
      const near = Array.from({ length: 12 }, (_, i) => `The river near the mill, part ${i}.`).join('\n\n');
      const far = Array.from({ length: 12 }, (_, i) => `A river far in the hills, part ${i}.`).join('\n\n');
      const nearId = (await service.addDocument(doc('Near', near), toOffsets(paragraphs(near)))).documentId;
      const farId = (await service.addDocument(doc('Far', far), toOffsets(paragraphs(far)))).documentId;
      const pending = await service.pendingTexts(100);
      const vector = (sign: number) => ({ q: Int8Array.from([sign * 127, 0, 0, 0]), scale: 1 / 127 });
      await service.storeVectors(
        MODEL.id,
        pending.map((p) => ({ contentHash: p.contentHash, ...vector(p.text.includes('near') ? 1 : -1) })),
      );
      const queryVector = Float32Array.from([1, 0, 0, 0]);
      const ask = (documentIds?: string[]) =>
        service.search({ queryVector, text: 'river', k: 5, hybrid: false, ...(documentIds ? { documentIds } : {}) });

      const all = await ask();
      assert.ok(all.hits.every((h) => h.documentId === nearId), 'unfiltered, the near document fills the top 5');
      const within = await ask([farId]);
      assert.equal(within.hits.length, 5);
      assert.ok(within.hits.every((h) => h.documentId === farId && h.documentTitle === 'Far'));
      const both = await ask([farId, nearId]);
      assert.deepEqual(both.hits.map((h) => h.passageId), all.hits.map((h) => h.passageId));
      assert.deepEqual((await ask([])).hits.map((h) => h.passageId), all.hits.map((h) => h.passageId), 'an empty filter is no filter');

      await service.deleteDocument(farId);
      assert.deepEqual((await ask([farId])).hits, [], 'a deleted document has nothing left to find');
    } finally {
      await service.close();
    }
  });
});
