import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeInt8, encodeInt8 } from './export-format.ts';
import { exportLibrary, importLibrary } from './export.ts';
import { addText, countingEmbedder, freshDbName, MODEL, openFresh } from './fixtures.test-support.ts';
import { indexPending } from './indexer.ts';
import { Library } from './library.ts';

const TEXT_A = 'Rivers carry water to the sea.\n\nMountains are tall.';
const TEXT_B = 'A second document.\n\nRivers carry water to the sea.';

async function indexedLibrary(): Promise<Library> {
  const library = await openFresh();
  await addText(library, 'A', TEXT_A, { withContext: true });
  await addText(library, 'B', TEXT_B);
  await indexPending(library, countingEmbedder());
  return library;
}

async function snapshot(library: Library) {
  const documents = (await library.db.getAll('documents')).sort((a, b) => a.title.localeCompare(b.title));
  const passages = (await library.db.getAll('passages')).sort((a, b) => a.id.localeCompare(b.id));
  const vectors = (await library.db.getAll('vectors')).sort((a, b) => a.contentHash.localeCompare(b.contentHash));
  const texts = (await library.db.getAll('texts')).sort((a, b) => a.text.localeCompare(b.text));
  return { documents, passages, vectors, texts };
}

async function fileJson(blob: Blob): Promise<Record<string, unknown>> {
  return JSON.parse(await blob.text()) as Record<string, unknown>;
}

describe('export and import', () => {
  it('round-trips the library through export → clear → import', async () => {
    const library = await indexedLibrary();
    const before = await snapshot(library);
    const file = await exportLibrary(library);
    const header = await fileJson(file);
    assert.equal(header['format'], 'passage-library');
    assert.deepEqual(header['counts'], { documents: 2, passages: 4, vectors: 3 });
    assert.ok(before.passages.some((p) => p.context !== ''), 'the round trip includes passage context');

    await library.clear();
    assert.deepEqual(await importLibrary(library, file), { documents: 2, passages: 4 });
    assert.deepEqual(await snapshot(library), before);
    assert.equal(await indexPending(library, countingEmbedder()), 0, 'imported vectors need no embedding');
    library.close();
  });

  it('merges into another library, skipping documents it already has', async () => {
    const source = await indexedLibrary();
    const file = await exportLibrary(source);
    source.close();

    const target = await openFresh();
    await addText(target, 'A already here', TEXT_A);
    assert.deepEqual(await importLibrary(target, file), { documents: 1, passages: 2 });
    assert.deepEqual((await target.listDocuments()).map((d) => [d.title, d.passageCount]).sort(), [
      ['A already here', 2],
      ['B', 2],
    ]);
    assert.deepEqual(await importLibrary(target, file), { documents: 0, passages: 0 }, 'importing again adds nothing');
    target.close();
  });

  it('refuses a file from another model or dimension count, changing nothing', async () => {
    const source = await indexedLibrary();
    const file = await exportLibrary(source);
    source.close();

    const otherModel = await Library.open({ id: 'other-model', dimensions: 4 }, { name: freshDbName() });
    await assert.rejects(importLibrary(otherModel, file), /import refused.*"test-model".*"other-model".*Nothing was changed/s);
    assert.equal(await otherModel.db.count('documents'), 0);
    otherModel.close();

    const otherDims = await Library.open({ id: MODEL.id, dimensions: 8 }, { name: freshDbName() });
    await assert.rejects(importLibrary(otherDims, file), /4 dimensions.*8 dimensions/);
    otherDims.close();
  });

  it('refuses another schema version and files that are not library exports', async () => {
    const library = await openFresh();
    const exported = await fileJson(await exportLibrary(library));
    const asBlob = (value: unknown) => new Blob([JSON.stringify(value)]);
    await assert.rejects(importLibrary(library, asBlob({ ...exported, schemaVersion: 1 })), /schema version 1/);
    await assert.rejects(importLibrary(library, asBlob({ ...exported, schemaVersion: 99 })), /schema version 99/);
    await assert.rejects(importLibrary(library, new Blob(['not json'])), /not JSON/);
    await assert.rejects(importLibrary(library, asBlob({ hello: 'world' })), /not a Passage library export/);
    library.close();
  });

  it('is all-or-nothing: a corrupt passage late in the file leaves the library untouched', async () => {
    const source = await indexedLibrary();
    const exported = await fileJson(await exportLibrary(source));
    source.close();
    const passages = exported['passages'] as { contentHash: string }[];
    passages[passages.length - 1]!.contentHash = '0'.repeat(64);

    const target = await openFresh();
    await assert.rejects(importLibrary(target, new Blob([JSON.stringify(exported)])), /does not match its hash/);
    assert.equal(await target.db.count('documents'), 0);
    assert.equal(await target.db.count('passages'), 0);
    target.close();
  });

  it('imports a schema 2 file, which has no passage context, as passages without context', async () => {
    const source = await openFresh();
    await addText(source, 'B', TEXT_B);
    await indexPending(source, countingEmbedder());
    const exported = await fileJson(await exportLibrary(source));
    source.close();
    const passages = exported['passages'] as Record<string, unknown>[];
    for (const p of passages) delete p['contextStart'];

    const target = await openFresh();
    const v2File = new Blob([JSON.stringify({ ...exported, schemaVersion: 2 })]);
    assert.deepEqual(await importLibrary(target, v2File), { documents: 1, passages: 2 });
    assert.deepEqual((await target.db.getAll('passages')).map((p) => p.context), ['', '']);
    assert.equal(await indexPending(target, countingEmbedder()), 0, 'its vectors still match');
    target.close();
  });

  it('refuses a passage whose context would start after it', async () => {
    const source = await indexedLibrary();
    const exported = await fileJson(await exportLibrary(source));
    source.close();
    const passages = exported['passages'] as { start: number; contextStart: number }[];
    passages[0]!.contextStart = passages[0]!.start + 1;
    const target = await openFresh();
    await assert.rejects(importLibrary(target, new Blob([JSON.stringify(exported)])), /out of range/);
    target.close();
  });

  it('encodes int8 vectors losslessly in base64', () => {
    const q = new Int8Array([-128, -1, 0, 1, 127, 42]);
    assert.deepEqual(decodeInt8(encodeInt8(q)), q);
  });
});
