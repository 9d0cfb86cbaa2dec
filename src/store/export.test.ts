import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportLibrary, importLibrary } from './export.ts';
import { indexedLibrary, named, NOTHING, snapshot, storedCounts, TEXT_A } from './export.test-support.ts';
import { addText, countingEmbedder, freshDbName, MODEL, openFresh } from './fixtures.test-support.ts';
import { indexPending } from '../app/indexer.ts';
import { exportLibraryFile, importLibraryFile, type ImportProgress } from './library-file/database.ts';
import { LibraryFileError } from './library-file/format.ts';
import { Library } from './library.ts';

describe('export and import', () => {
  it('round-trips the library through export → clear → import (format 2)', async () => {
    const library = await indexedLibrary();
    const before = await snapshot(library);
    const file = await exportLibrary(library);
    const lines = (await file.text()).trim().split('\n');
    assert.equal(lines.length, 1 + 2 + 4 + 1, 'header, 2 documents, 4 passages, end line');
    assert.deepEqual((JSON.parse(lines[0]!) as { counts: unknown }).counts, { documents: 2, passages: 4 });
    assert.ok(before.passages.some((p) => p.contextStart !== p.start), 'the round trip includes passage context');

    await library.clear();
    assert.deepEqual(await importLibrary(library, file), { documents: 2, passages: 4 });
    assert.deepEqual(await snapshot(library), before);
    assert.equal(await indexPending(library, countingEmbedder()), 0, 'imported vectors need no embedding');
    library.close();
  });

  it('round-trips a gzipped export into another library, unindexed passages included', async () => {
    const source = await indexedLibrary();
    await addText(source, 'C not indexed', 'Only a draft.\n\nNot embedded yet.');
    const before = await snapshot(source);
    const gz = await new Response(await exportLibraryFile(source, { gzip: true })).blob();
    source.close();
    assert.deepEqual([...new Uint8Array(await gz.slice(0, 2).arrayBuffer())], [0x1f, 0x8b]);

    const target = await openFresh();
    assert.deepEqual(await importLibraryFile(target, named(gz, 'lib.passage.gz')), { documents: 3, passages: 6 });
    assert.deepEqual(await snapshot(target), before);
    assert.equal(await indexPending(target, countingEmbedder()), 2, 'only the unindexed passages need embedding');
    target.close();
  });

  it('merges into another library, skipping documents it already has', async () => {
    const source = await indexedLibrary();
    const file = await exportLibrary(source);
    source.close();

    const target = await openFresh();
    await addText(target, 'A already here', TEXT_A, { withContext: true });
    assert.deepEqual(await importLibrary(target, file), { documents: 1, passages: 2 });
    assert.deepEqual((await target.listDocuments()).map((d) => [d.title, d.passageCount, d.indexedCount]).sort(), [
      ['A already here', 2, 2],
      ['B', 2, 2],
    ]);
    assert.equal(await indexPending(target, countingEmbedder()), 0, "the skipped document's passages got the file's vectors");
    assert.deepEqual(await importLibrary(target, file), { documents: 0, passages: 0 }, 'importing again adds nothing');
    target.close();
  });

  it("gives a waiting passage of another document the file's vector for the same text, so it needs no embedding", async () => {
    const source = await indexedLibrary();
    const file = await exportLibrary(source);
    source.close();

    const target = await openFresh();
    // Its second passage is B's second passage, word for word and without context: the same vector key.
    await addText(target, 'C waiting', 'Something else entirely.\n\nRivers carry water to the sea.');
    assert.deepEqual(await importLibrary(target, file), { documents: 2, passages: 4 });
    const counts = new Map((await target.listDocuments()).map((d) => [d.title, [d.passageCount, d.indexedCount]]));
    assert.deepEqual(counts.get('C waiting'), [2, 1], 'the shared passage got a search row from the imported vector');
    const embedder = countingEmbedder();
    assert.equal(await indexPending(target, embedder), 1, 'only the passage no file vector fits is embedded');
    target.close();
  });

  it('refuses a file from another model or dimension count, changing nothing', async () => {
    const source = await indexedLibrary();
    const file = named(await exportLibrary(source));
    source.close();

    const otherModel = await Library.open({ id: 'other-model', dimensions: 4 }, { name: freshDbName() });
    await assert.rejects(
      importLibrary(otherModel, file),
      /import refused: “lib\.passage”, line 1: .*"test-model".*"other-model".*Nothing was changed/s,
    );
    assert.deepEqual(await storedCounts(otherModel), NOTHING);
    otherModel.close();

    const otherDims = await Library.open({ id: MODEL.id, dimensions: 8 }, { name: freshDbName() });
    await assert.rejects(importLibrary(otherDims, file), /4 dimensions.*8 dimensions/);
    assert.deepEqual(await storedCounts(otherDims), NOTHING);
    otherDims.close();
  });

  it('refuses damaged files naming the file and line, storing nothing — even when the damage is on the last line', async () => {
    const source = await indexedLibrary();
    const text = await (await exportLibrary(source)).text();
    source.close();
    const lines = text.trim().split('\n');
    const edit = (n: number, change: (v: { p: unknown[] }) => void) => {
      const copy = [...lines];
      const value = JSON.parse(copy[n - 1]!) as { p: unknown[] };
      change(value);
      copy[n - 1] = JSON.stringify(value);
      return copy.join('\n');
    };
    // A and B are often added in the same millisecond: either may be exported second (its passages on line 7).
    const cases: [string, string, RegExp][] = [
      ['truncated', lines.slice(0, -1).join('\n'), /line 7: the file ends after 2 documents and 4 passages without its end line/],
      ['a bad line', [...lines.slice(0, 6), '{"p":', ...lines.slice(6)].join('\n'), /line 7: is not valid JSON/],
      ['a tampered hash', edit(7, (v) => (v.p[4] = '0'.repeat(64))), /line 7: passage 1 of "[AB]" does not match its hash/],
      ['tampered base64', edit(7, (v) => (v.p[6] = 'AAAA')), /line 7: .*not base64 of exactly 4 bytes/],
      ['out-of-order ordinals', edit(7, (v) => (v.p[0] = 0)), /line 7: passage 0 of "[AB]" is out of order/],
    ];
    for (const [what, damaged, reason] of cases) {
      const target = await openFresh();
      await assert.rejects(importLibraryFile(target, named(new Blob([damaged]))), (error: unknown) => {
        assert.ok(error instanceof LibraryFileError, what);
        assert.match(error.message, /^Passage: cannot import “lib\.passage”, line \d+: .*Nothing was changed\.$/s);
        assert.match(error.message, reason, what);
        return true;
      });
      assert.deepEqual(await storedCounts(target), NOTHING, `${what}: nothing stored`);
      target.close();
    }
  });

  it('reports progress in one pass that checks and stores, counting what it stored', async () => {
    const library = await indexedLibrary();
    const file = named(await exportLibrary(library));
    await library.clear();
    const seen: ImportProgress[] = [];
    await importLibraryFile(library, file, { onProgress: (p) => seen.push({ ...p }) });
    assert.ok(seen.length > 0 && seen.every((p) => p.phase === 'storing'));
    assert.ok(seen.every((p, i) => i === 0 || p.bytesRead >= seen[i - 1]!.bytesRead), 'bytes read only grow');
    assert.equal(seen.at(-1)!.bytesRead, file.size);
    assert.equal(seen.at(-1)!.totalBytes, file.size);
    library.close();
  });

  it('an abort while storing removes what the import had stored, and leaves documents that were there', async () => {
    const source = await openFresh();
    // Enough text for several read chunks, so the abort lands between documents being stored.
    for (let i = 0; i < 40; i++) {
      const text = `Document ${i} opens here.\n\n${'Some words about rivers and seas. '.repeat(60)}\n\nIt ends ${i}.`;
      await addText(source, `D${i}`, text, { withContext: true });
    }
    await indexPending(source, countingEmbedder());
    const bytes = new Uint8Array(await (await exportLibrary(source)).arrayBuffer());
    source.close();
    // Node streams a Blob one part at a time (Chromium in ~64 KB chunks): parts of 16 KB make many chunks.
    const parts: Uint8Array<ArrayBuffer>[] = [];
    for (let at = 0; at < bytes.length; at += 16_384) parts.push(bytes.slice(at, at + 16_384));
    const file = new File(parts, 'lib.passage');
    assert.ok(parts.length > 4, `the file spans several chunks (${file.size} bytes)`);

    const target = await openFresh();
    await addText(target, 'Mine', TEXT_A);
    const mine = await storedCounts(target);
    const controller = new AbortController();
    let storedBeforeAbort = 0;
    const importing = importLibraryFile(target, file, {
      signal: controller.signal,
      batchPassages: 1, // one document per transaction
      onProgress: (p) => {
        if (p.phase === 'storing' && p.documents > 0 && !controller.signal.aborted) {
          storedBeforeAbort = p.documents;
          controller.abort();
        }
      },
    });
    await assert.rejects(importing, { name: 'AbortError' });
    assert.ok(storedBeforeAbort > 0 && storedBeforeAbort < 40, `the abort came after ${storedBeforeAbort} of 40 documents were stored`);
    assert.deepEqual(await storedCounts(target), mine);
    assert.deepEqual((await target.listDocuments()).map((d) => d.title), ['Mine']);
    target.close();
  });

  it('a text whose vector an earlier transaction of the same import stored is stored once, its row shared by both passages', async () => {
    const library = await indexedLibrary();
    const before = await snapshot(library);
    const file = named(await exportLibrary(library));
    await library.clear();
    // One document per transaction: B's second passage has A's first passage's vector key, written by the first.
    assert.deepEqual(await importLibraryFile(library, file, { batchPassages: 1 }), { documents: 2, passages: 4 });
    assert.deepEqual(await snapshot(library), before);
    library.close();
  });

  it("an import overtaken by another writer's vector mid-file asks the store again and keeps that writer's sentence codes", async () => {
    const library = await indexedLibrary();
    const file = named(await exportLibrary(library));
    // The content hash of B's first passage ("A second document."): only the second transaction stores it.
    const lines = (await file.text()).trim().split('\n').map((l) => JSON.parse(l) as { document?: { title: string }; p?: unknown[] });
    const hashOfB0 = lines[lines.findIndex((l) => l.document?.title === 'B') + 1]!.p![4] as string;
    await library.clear();
    let wrote = false;
    const outcome = await importLibraryFile(library, file, {
      batchPassages: 1,
      onProgress: (p) => {
        if (p.documents === 1 && !wrote) {
          wrote = true; // as another tab's indexing would, between the import's first and second transaction
          void library.db.put('vectors', { sentences: new Uint8Array([9]) }, [MODEL.id, hashOfB0]);
        }
      },
    });
    assert.ok(wrote);
    assert.deepEqual(outcome, { documents: 2, passages: 4 });
    assert.deepEqual(await library.db.get('vectors', [MODEL.id, hashOfB0]), { sentences: new Uint8Array([9]) }, 'not overwritten');
    assert.deepEqual((await library.listDocuments()).map((d) => [d.title, d.passageCount, d.indexedCount]).sort(), [
      ['A', 2, 2],
      ['B', 2, 2],
    ]);
    assert.equal(await indexPending(library, countingEmbedder()), 0);
    library.close();
  });

  it('an abort while checking stores nothing', async () => {
    const library = await indexedLibrary();
    const file = named(await exportLibrary(library));
    await library.clear();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(importLibraryFile(library, file, { signal: controller.signal }), { name: 'AbortError' });
    assert.deepEqual(await storedCounts(library), NOTHING);
    library.close();
  });
});

