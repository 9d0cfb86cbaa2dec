import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addText, countingEmbedder, doc, MODEL, openFresh, paragraphs } from './fixtures.test-support.ts';
import { sha256Hex } from '../core/hash.ts';
import { vectorKey } from '../core/split.ts';
import { indexPending } from '../app/indexer.ts';
import { TEXT_CHUNK_CHARS } from './db.ts';

const THREE_PARAGRAPHS = 'First paragraph about rivers.\n\nSecond paragraph about mountains.\n\nThird about the sea.';

describe('Library', () => {
  it('adds a document with its passages and lists it with counts', async () => {
    const library = await openFresh();
    const added = await addText(library, 'Geography', THREE_PARAGRAPHS);
    assert.equal(added.duplicate, false);
    assert.equal(added.passageCount, 3);

    const [summary, ...rest] = await library.listDocuments();
    assert.equal(rest.length, 0);
    assert.equal(summary?.id, added.documentId);
    assert.equal(summary?.title, 'Geography');
    assert.equal(summary?.passageCount, 3);
    assert.equal(summary?.indexedCount, 0);
    assert.equal('text' in (summary ?? {}), false, 'listing does not carry the full text');

    const passages = await library.getPassages(added.documentId);
    assert.deepEqual(passages.map((p) => p.text), ['First paragraph about rivers.', 'Second paragraph about mountains.', 'Third about the sea.']);
    for (const p of passages) assert.equal(THREE_PARAGRAPHS.slice(p.start, p.end), p.text);
    assert.equal(await library.getText(added.documentId), THREE_PARAGRAPHS);
    assert.equal('text' in ((await library.getDocument(added.documentId)) ?? {}), false, 'the text is stored apart');
    library.close();
  });

  it('refuses a duplicate by content and stores nothing for it', async () => {
    const library = await openFresh();
    const first = await addText(library, 'Original', THREE_PARAGRAPHS);
    const again = await addText(library, 'Same text, other name', THREE_PARAGRAPHS);
    assert.deepEqual(again, { documentId: first.documentId, duplicate: true, passageCount: 3, indexed: [] });
    assert.equal((await library.listDocuments()).length, 1);
    library.close();
  });

  it('adds atomically: when one passage cannot be written, neither the document nor any passage is stored', async () => {
    const library = await openFresh();
    const spans = paragraphs(THREE_PARAGRAPHS);
    spans[2] = { ...spans[2]!, ordinal: 0 }; // same key as the first passage → the add fails
    await assert.rejects(library.addDocument(doc('Broken', THREE_PARAGRAPHS), spans), { name: 'ConstraintError' });
    assert.deepEqual(await library.listDocuments(), []);
    assert.equal((await library.db.count('passages')), 0);
    assert.equal((await library.db.count('textChunks')), 0);
    library.close();
  });

  it('deletes a document with its passages and the vectors no other passage uses', async () => {
    const library = await openFresh();
    const keep = await addText(library, 'Keep', 'Shared paragraph.\n\nOnly in keep.');
    const drop = await addText(library, 'Drop', 'Shared paragraph.\n\nOnly in drop.');
    await indexPending(library, countingEmbedder());
    assert.equal(await library.db.count('vectors'), 3);

    const removed = await library.deleteDocument(drop.documentId);
    assert.deepEqual(removed.sort(), [`${drop.documentId}:0`, `${drop.documentId}:1`]);
    assert.deepEqual((await library.listDocuments()).map((d) => d.id), [keep.documentId]);
    assert.equal(await library.db.count('passages'), 2);
    assert.equal(await library.getText(drop.documentId), undefined);
    assert.equal(await library.db.count('textChunks'), 1);
    assert.equal(await library.db.count('vectors'), 2, 'the shared vector stays, the dropped one goes');
    const [summary] = await library.listDocuments();
    assert.equal(summary?.indexedCount, 2);
    library.close();
  });

  it('reports the new passages whose text already has a vector, with that vector, so no one waits for the indexer', async () => {
    const library = await openFresh();
    const first = await addText(library, 'First', 'Shared paragraph.\n\nOnly in first.');
    assert.deepEqual(first.indexed, []);
    await indexPending(library, countingEmbedder());
    // The row is stored once, in the first document's block; the second borrows it.
    const stored = (await library.blockRows([`${first.documentId}:0`])).get(`${first.documentId}:0`);
    assert.ok(stored);

    const second = await addText(library, 'Second', 'Only in second.\n\nShared paragraph.\n\nShared paragraph.');
    assert.deepEqual(
      second.indexed.map(({ passage, vector }) => [passage.id, passage.text, vector]),
      [
        [`${second.documentId}:1`, 'Shared paragraph.', stored],
        [`${second.documentId}:2`, 'Shared paragraph.', stored],
      ],
    );
    assert.deepEqual((await library.pendingTexts()).map((p) => p.text), ['Only in second.']);
    library.close();
  });

  it('returns the neighbours of a passage in reading order', async () => {
    const library = await openFresh();
    const text = ['p0', 'p1', 'p2', 'p3', 'p4'].map((p) => `Paragraph ${p}.`).join('\n\n');
    const { documentId } = await addText(library, 'Five', text);
    const around = await library.neighbours(`${documentId}:1`, 2);
    assert.deepEqual(
      around.map((n) => [n.passage.ordinal, n.isCentre]),
      [[0, false], [1, true], [2, false], [3, false]],
    );
    assert.deepEqual(await library.neighbours(`${documentId}:99`, 1), []);
    library.close();
  });

  it('re-indexes a document: new passages replace the old, and their vectors (also shared ones) are embedded again', async () => {
    const library = await openFresh();
    const textA = 'Shared paragraph.\n\nOnly in A.';
    const a = await addText(library, 'A', textA);
    const b = await addText(library, 'B', 'Shared paragraph.\n\nOnly in B.');
    await indexPending(library, countingEmbedder());
    assert.deepEqual(await library.pendingTexts(), []);

    const resplit = paragraphs(textA, { withContext: true });
    const removed = await library.replacePassages(a.documentId, resplit);
    assert.deepEqual(removed.sort(), [`${a.documentId}:0`, `${a.documentId}:1`, `${b.documentId}:0`].sort());
    const passages = await library.getPassages(a.documentId);
    assert.deepEqual(passages.map((p) => [p.text, p.context]), [
      ['Shared paragraph.', ''],
      ['Only in A.', 'Shared paragraph.\n\n'],
    ]);
    assert.deepEqual((await library.pendingTexts()).map((p) => [p.context, p.text]).sort(), [
      ['', 'Shared paragraph.'],
      ['Shared paragraph.\n\n', 'Only in A.'],
    ]);
    assert.equal((await library.listDocuments()).find((d) => d.id === a.documentId)?.passageCount, 2);
    assert.deepEqual(await library.replacePassages('deleted-meanwhile', resplit), []);
    library.close();
  });

  it('names the documents split by an older recipe, until they are split again', async () => {
    const library = await openFresh();
    const { documentId } = await addText(library, 'Old', THREE_PARAGRAPHS);
    assert.deepEqual(await library.staleDocumentIds(), []);
    const { splitRecipe: _recipe, ...before } = (await library.getDocument(documentId))!;
    await library.db.put('documents', before); // as stored before recipes were recorded
    assert.deepEqual(await library.staleDocumentIds(), [documentId]);
    await library.replacePassages(documentId, paragraphs(THREE_PARAGRAPHS, { withContext: true }));
    assert.deepEqual(await library.staleDocumentIds(), []);
    library.close();
  });

  it('embeds a passage after its context and keys its vector by the hash of both', async () => {
    const library = await openFresh();
    const added = await addText(library, 'Pact', 'The allies argue over a pact.\n\nIt expires soon.', { withContext: true });
    // The same paragraph after a different one is a different embedding input: it must not share the vector.
    await addText(library, 'Milk', 'A carton of milk.\n\nIt expires soon.', { withContext: true });
    const passages = await library.getPassages(added.documentId);
    assert.deepEqual(passages.map((p) => [p.text, p.context]), [
      ['The allies argue over a pact.', ''],
      ['It expires soon.', 'The allies argue over a pact.\n\n'],
    ]);
    assert.equal(passages[1]!.contentHash, await sha256Hex(vectorKey(passages[1]!)));
    assert.notEqual(passages[1]!.contentHash, await sha256Hex('It expires soon.'));

    const embedder = countingEmbedder();
    assert.equal(await indexPending(library, embedder), 4);
    assert.deepEqual(embedder.embedded.sort(), [
      'A carton of milk.',
      'A carton of milk.\n\nIt expires soon.',
      'The allies argue over a pact.',
      'The allies argue over a pact.\n\nIt expires soon.',
    ]);
    library.close();
  });

  it('stores each passage text once: records keep offsets, the text sits in chunks, and every reader gets whole texts and contexts, across chunk boundaries too', async () => {
    const library = await openFresh();
    // Paragraphs of ~1,000 characters: 20 of them span three chunks, and some straddle a chunk boundary.
    const text = Array.from({ length: 20 }, (_, i) => `Paragraph ${i} begins. ${'Rivers run to the sea. '.repeat(42)}Ends ${i}.`).join('\n\n');
    const spans = paragraphs(text, { withContext: true });
    const { documentId } = await library.addDocument(doc('Long', text), spans);
    assert.equal(await library.db.count('textChunks'), Math.ceil(text.length / TEXT_CHUNK_CHARS));
    const records = await library.db.getAll('passages');
    assert.ok(records.every((r) => !('text' in r) && !('context' in r)), 'no passage record holds its text');
    const straddling = spans.filter((s) => Math.floor((s.start - s.context.length) / TEXT_CHUNK_CHARS) !== Math.floor((s.end - 1) / TEXT_CHUNK_CHARS));
    assert.ok(straddling.length > 0, 'some passage (with its context) crosses a chunk boundary');

    assert.equal(await library.getText(documentId), text);
    const read = await library.getPassages(documentId);
    assert.deepEqual(read.map((p) => [p.text, p.context]), spans.map((s) => [s.text, s.context]));
    const hits = await library.readHits(spans.map((s) => `${documentId}:${s.ordinal}`).reverse());
    assert.deepEqual(hits.map((h) => h.passage?.text), spans.map((s) => s.text).reverse());
    const pending = await library.pendingTexts();
    assert.deepEqual(pending.map((p) => [p.context, p.text]), spans.map((s) => [s.context, s.text]));
    const around = await library.neighbours(`${documentId}:${straddling[0]!.ordinal}`, 1);
    assert.deepEqual(around.map((n) => n.passage.text), spans.slice(Math.max(0, straddling[0]!.ordinal - 1), straddling[0]!.ordinal + 2).map((s) => s.text));
    const chunks: string[] = [];
    await library.forEachPassageChunk((passages) => void chunks.push(...passages.map((p) => p.text)), 7);
    assert.deepEqual(chunks, spans.map((s) => s.text));
    // A visitor that says 'stop' gets no further chunk.
    let visits = 0;
    await library.forEachPassageChunk(() => (++visits === 2 ? 'stop' : undefined), 7);
    assert.ok(spans.length > 14, 'three chunks or more to stop in');
    assert.equal(visits, 2);
    library.close();
  });

  it('keeps each int8 row once, in its block: a vector record holds only the sentence codes, which are read with the hit', async () => {
    const library = await openFresh();
    const { documentId } = await addText(library, 'A', 'First paragraph.\n\nSecond paragraph.');
    await library.storeVectors(MODEL.id, (await library.pendingTexts()).map((p, i) => ({ contentHash: p.contentHash, q: new Int8Array([i + 1, 2, 3, 4]), scale: 0.5, sentences: new Uint8Array([7, i]) })));
    const values = await library.db.getAll('vectors');
    assert.deepEqual(values.map((v) => [...v.sentences!]).sort(), [[7, 0], [7, 1]]);
    for (const value of await library.db.getAll('vectors')) assert.deepEqual(Object.keys(value), ['sentences']);
    const rows = await library.blockRows([`${documentId}:0`, `${documentId}:1`]);
    assert.deepEqual([...rows.values()].map((r) => r.q[0]).sort(), [1, 2]);
    const [hit] = await library.readHits([`${documentId}:1`]);
    assert.ok(hit?.codes && hit.codes[0] === 7, 'the highlight codes are read with the hit');
    library.close();
  });

  it('keeps the residual codes of rows in their block, lends them with a shared text, and drops them from a block that mixes rows without', async () => {
    const library = await openFresh();
    const { documentId } = await addText(library, 'A', 'First paragraph.\n\nSecond paragraph.');
    const pending = await library.pendingTexts();
    const vector = (i: number) => ({ contentHash: pending[i]!.contentHash, q: new Int8Array([i + 1, 2, 3, 4]), scale: 0.5 });
    await library.storeVectors(MODEL.id, [{ ...vector(0), residual: new Uint8Array([0b11100100]) }]);
    const [block] = await library.db.getAll('vectorBlocks');
    assert.deepEqual([...block!.residuals!], [0b11100100]);
    assert.deepEqual([...(await library.blockRows([`${documentId}:0`])).get(`${documentId}:0`)!.residual!], [0b11100100]);
    const second = await addText(library, 'B', 'First paragraph.');
    assert.deepEqual([...second.indexed[0]!.vector.residual!], [0b11100100], 'a shared text lends its residual code too');

    // A row from before residual codes joins the block: the block keeps int8 rows only.
    await library.storeVectors(MODEL.id, [vector(1)]);
    const blocks = await library.db.getAll('vectorBlocks');
    const mixed = blocks.find((b) => b.docId === documentId)!;
    assert.equal(mixed.ordinals.length, 2);
    assert.equal(mixed.residuals, undefined);
    assert.equal((await library.blockRows([`${documentId}:0`])).get(`${documentId}:0`)!.residual, undefined);
    library.close();
  });

  it('clears documents, passages and vectors', async () => {
    const library = await openFresh();
    await addText(library, 'A', THREE_PARAGRAPHS);
    await indexPending(library, countingEmbedder());
    await library.clear();
    for (const store of ['documents', 'textChunks', 'passages', 'vectors', 'vectorBlocks'] as const) assert.equal(await library.db.count(store), 0);
    assert.equal(library.model.id, MODEL.id);
    library.close();
  });
});
