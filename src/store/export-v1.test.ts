import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { importLibrary } from './export.ts';
import { indexedLibrary, NOTHING, snapshot, storedCounts, TEXT_B } from './export.test-support.ts';
import { addText, countingEmbedder, openFresh } from './fixtures.test-support.ts';
import { indexPending } from '../app/indexer.ts';
import { encodeInt8 } from './library-file/base64.ts';
import type { Library } from './library.ts';

/** What the app exported before format 2 (schema 4): one JSON document. */
async function formatOneFile(library: Library): Promise<Record<string, unknown>> {
  const [documents, passages, vectorKeys] = await Promise.all([
    library.db.getAll('documents'),
    library.db.getAll('passages'),
    library.db.getAllKeys('vectors'),
  ]);
  const textOf = new Map(await Promise.all(documents.map(async (d) => [d.id, (await library.getText(d.id)) ?? ''] as const)));
  // Schema 6 keeps each row only in its document's block: a vector's row is that of a passage with its text.
  const rows = await library.blockRows(passages.map((p) => p.id));
  const rowOf = new Map(passages.flatMap((p) => (rows.has(p.id) ? [[p.contentHash, rows.get(p.id)!] as const] : [])));
  return {
    format: 'passage-library',
    schemaVersion: 4,
    modelId: library.model.id,
    dims: library.model.dimensions,
    exported: new Date().toISOString(),
    counts: { documents: documents.length, passages: passages.length, vectors: vectorKeys.length },
    documents: documents.map(({ passageCount: _, ...d }) => ({ ...d, text: textOf.get(d.id) ?? '' })),
    passages: passages.map(({ docId, ordinal, start, end, contextStart, contentHash }) => ({
      docId,
      ordinal,
      start,
      end,
      contextStart,
      contentHash,
    })),
    vectors: vectorKeys.map(([, hash]) => ({ contentHash: hash, scale: rowOf.get(hash)!.scale, q: encodeInt8(rowOf.get(hash)!.q) })),
  };
}

describe('format 1 files (one JSON document) still import', () => {
  it('round-trips a format 1 file as the app wrote it before', async () => {
    const library = await indexedLibrary();
    const before = await snapshot(library);
    const json = await formatOneFile(library);
    await library.clear();
    assert.deepEqual(await importLibrary(library, new Blob([JSON.stringify(json)])), { documents: 2, passages: 4 });
    assert.deepEqual(await snapshot(library), before);
    library.close();
  });

  it('refuses another schema version and files that are not library exports', async () => {
    const library = await openFresh();
    const exported = await formatOneFile(library);
    const asBlob = (value: unknown) => new Blob([JSON.stringify(value)]);
    await assert.rejects(importLibrary(library, asBlob({ ...exported, schemaVersion: 1 })), /schema version 1/);
    await assert.rejects(importLibrary(library, asBlob({ ...exported, schemaVersion: 99 })), /schema version 99/);
    await assert.rejects(importLibrary(library, new Blob(['not json'])), /not JSON/);
    await assert.rejects(importLibrary(library, asBlob({ hello: 'world' })), /not a Passage library export/);
    library.close();
  });

  it('is all-or-nothing: a corrupt passage late in the file leaves the library untouched', async () => {
    const source = await indexedLibrary();
    const exported = await formatOneFile(source);
    source.close();
    const passages = exported['passages'] as { contentHash: string }[];
    passages[passages.length - 1]!.contentHash = '0'.repeat(64);

    const target = await openFresh();
    await assert.rejects(importLibrary(target, new Blob([JSON.stringify(exported)])), /does not match its hash/);
    assert.deepEqual(await storedCounts(target), NOTHING);
    target.close();
  });

  it('imports a schema 2 file, which has no passage context, as passages without context', async () => {
    const source = await openFresh();
    await addText(source, 'B', TEXT_B);
    await indexPending(source, countingEmbedder());
    const exported = await formatOneFile(source);
    source.close();
    const passages = exported['passages'] as Record<string, unknown>[];
    for (const p of passages) delete p['contextStart'];

    const target = await openFresh();
    const v2File = new Blob([JSON.stringify({ ...exported, schemaVersion: 2 })]);
    assert.deepEqual(await importLibrary(target, v2File), { documents: 1, passages: 2 });
    assert.deepEqual((await target.db.getAll('passages')).map((p) => p.start - p.contextStart), [0, 0]);
    assert.equal(await indexPending(target, countingEmbedder()), 0, 'its vectors still match');
    target.close();
  });

  it('refuses a passage whose context would start after it', async () => {
    const source = await indexedLibrary();
    const exported = await formatOneFile(source);
    source.close();
    const passages = exported['passages'] as { start: number; contextStart: number }[];
    passages[0]!.contextStart = passages[0]!.start + 1;
    const target = await openFresh();
    await assert.rejects(importLibrary(target, new Blob([JSON.stringify(exported)])), /out of range/);
    target.close();
  });
});
