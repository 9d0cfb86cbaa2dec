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
