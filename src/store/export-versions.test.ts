import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportLibrary, importLibrary } from './export.ts';
import { named, NOTHING, snapshot, storedCounts, TEXT_A, TEXT_B } from './export.test-support.ts';
import { addText, countingEmbedder, freshDbName, MODEL } from './fixtures.test-support.ts';
import { indexPending } from '../app/indexer.ts';
import { LIBRARY_FORMAT_VERSION } from './library-file/format.ts';
import { Library, type LibraryModel } from './library.ts';

const BUILD_A: LibraryModel = { ...MODEL, build: 'a'.repeat(64) };
const BUILD_B: LibraryModel = { ...MODEL, build: 'b'.repeat(64) };

async function indexedWith(model: LibraryModel): Promise<Library> {
  const library = await Library.open(model, { name: freshDbName() });
  await addText(library, 'A', TEXT_A, { withContext: true });
  await addText(library, 'B', TEXT_B);
  await indexPending(library, countingEmbedder());
  return library;
}

async function exportedFrom(model: LibraryModel): Promise<{ file: File; header: Record<string, unknown> }> {
  const source = await indexedWith(model);
  const file = named(await exportLibrary(source));
  source.close();
  const header = JSON.parse((await file.text()).split('\n')[0]!) as Record<string, unknown>;
  return { file, header };
}

/** The file with its header line changed by `edit`. */
async function withHeader(file: Blob, edit: (header: Record<string, unknown>) => void): Promise<File> {
  const lines = (await file.text()).split('\n');
  const header = JSON.parse(lines[0]!) as Record<string, unknown>;
  edit(header);
  return named(new Blob([[JSON.stringify(header), ...lines.slice(1)].join('\n')]));
}

describe('library file versions', () => {
  it("carries its own format version, not the database's, and refuses a newer one as made by a newer Passage", async () => {
    const { file, header } = await exportedFrom(MODEL);
    assert.equal(header['formatVersion'], LIBRARY_FORMAT_VERSION);
    assert.equal('schemaVersion' in header, false);
    const target = await Library.open(MODEL, { name: freshDbName() });
    const newer = await withHeader(file, (h) => (h['formatVersion'] = LIBRARY_FORMAT_VERSION + 1));
    const readable =
      `Passage: import refused: “lib.passage”, line 1: it was made by a newer Passage (library file format ${LIBRARY_FORMAT_VERSION + 1}; ` +
      `this Passage reads formats 1 to ${LIBRARY_FORMAT_VERSION}): reload Passage to update it, then import the file again. Nothing was changed.`;
    await assert.rejects(importLibrary(target, newer), { name: 'LibraryFileError', message: readable });
    await assert.rejects(importLibrary(target, await withHeader(file, (h) => (h['formatVersion'] = 0))), /format version 0 is not one Passage ever wrote/);
    await assert.rejects(importLibrary(target, await withHeader(file, (h) => (h['modelBuild'] = 7))), /line 1: the header's model build is not a hash/);
    assert.deepEqual(await storedCounts(target), NOTHING);
    target.close();
  });

  it("names the model build that made the vectors, and leaves it out when the library does not know it", async () => {
    assert.equal((await exportedFrom(BUILD_A)).header['modelBuild'], BUILD_A.build);
    assert.equal('modelBuild' in (await exportedFrom(MODEL)).header, false);
  });

  it('imports the vectors of a file from the same build: nothing to embed', async () => {
    const source = await indexedWith(BUILD_A);
    const before = await snapshot(source);
    const file = named(await exportLibrary(source));
    source.close();
    const target = await Library.open(BUILD_A, { name: freshDbName() });
    assert.deepEqual(await importLibrary(target, file), { documents: 2, passages: 4 });
    assert.deepEqual(await snapshot(target), before);
    assert.equal(await indexPending(target, countingEmbedder()), 0);
    target.close();
  });

  it('imports the texts of a file from another build of the model without its vectors, and embeds them again', async () => {
    const { file } = await exportedFrom(BUILD_A);
    const target = await Library.open(BUILD_B, { name: freshDbName() });
    assert.deepEqual(await importLibrary(target, file), { documents: 2, passages: 4, reembedding: true });
    assert.equal(await target.db.count('vectors'), 0);
    assert.equal(await target.db.count('vectorBlocks'), 0);
    assert.deepEqual((await target.listDocuments()).map((d) => [d.title, d.passageCount, d.indexedCount]).sort(), [
      ['A', 2, 0],
      ['B', 2, 0],
    ]);
    const embedder = countingEmbedder();
    assert.equal(await indexPending(target, embedder), 3, 'every distinct text is embedded by this build');
    assert.equal(await target.pendingCount(), 0);
    target.close();
  });

  it('takes the vectors when either side predates build stamps (they were made by the one build Passage shipped)', async () => {
    const legacyFile = (await exportedFrom(MODEL)).file;
    const stamped = await Library.open(BUILD_B, { name: freshDbName() });
    assert.deepEqual(await importLibrary(stamped, legacyFile), { documents: 2, passages: 4 });
    assert.equal(await stamped.pendingCount(), 0);
    stamped.close();

    const stampedFile = (await exportedFrom(BUILD_A)).file;
    const unknown = await Library.open(MODEL, { name: freshDbName() });
    assert.deepEqual(await importLibrary(unknown, stampedFile), { documents: 2, passages: 4 });
    assert.equal(await unknown.pendingCount(), 0);
    unknown.close();
  });
});
