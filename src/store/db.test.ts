import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DB_VERSION, META_KEY, openDatabase, packBlock, TEXT_CHUNK_CHARS, type DocumentRecord, type PassageRecord, type VectorRecord } from './db.ts';
import { Library } from './library.ts';
import type { UpgradeCount } from './upgrade-meter.ts';

let counter = 0;
const freshName = () => `db-test-${process.pid}-${++counter}`;

/** What a v5 library held, to compare with what the upgrade kept. */
interface V5Library {
  texts: Map<string, string>;
  passages: { id: string; text: string; context: string; q: Int8Array; scale: number }[];
}

/** A schema-5 library of `documents` documents of `perDocument` passages each, every passage with a vector. */
async function writeV5Library(name: string, documents: number, perDocument: number): Promise<V5Library> {
  const v5 = await openDatabase({ name, version: 5 });
  await v5.put('meta', { modelId: 'm', dims: 2, schemaVersion: 5 }, META_KEY);
  const library: V5Library = { texts: new Map(), passages: [] };
  for (let d = 0; d < documents; d++) {
    const docId = `d${d}`;
    const sentences = Array.from({ length: perDocument }, (_, i) => `Document ${d} says thing ${i}.`);
    const text = sentences.join(' ');
    library.texts.set(docId, text);
    const document = { id: docId, title: `Old ${d}`, type: 'txt', size: text.length, sha256: `s${d}`, added: d, passageCount: perDocument, splitRecipe: 2, indexedCount: perDocument };
    await v5.put('documents', document as DocumentRecord);
    await v5.put('texts', { docId, text });
    const rows = [];
    for (let ordinal = 0, start = 0; ordinal < perDocument; start += sentences[ordinal]!.length + 1, ordinal++) {
      const end = start + sentences[ordinal]!.length;
      const context = ordinal === 0 ? '' : `${sentences[ordinal - 1]!} `; // the text just before the passage
      const passage = { id: `${docId}:${ordinal}`, docId, ordinal, start, end, text: text.slice(start, end), context, contentHash: `h${d}-${ordinal}` };
      const vector = { modelId: 'm', contentHash: passage.contentHash, q: new Int8Array([d, ordinal % 128]), scale: (ordinal + 1) / 100, sentences: new Uint8Array([ordinal % 256]) };
      await v5.put('passages', passage as unknown as PassageRecord);
      await v5.put('vectors', vector as VectorRecord);
      rows.push({ ordinal, q: vector.q, scale: vector.scale });
      library.passages.push({ id: passage.id, text: passage.text, context, q: vector.q, scale: vector.scale });
    }
    await v5.put('vectorBlocks', packBlock('m', docId, 0, 2, rows));
  }
  v5.close();
  return library;
}

/** Every text, passage (text and context) and row of `expected` reads back the same; nothing is pending. */
async function assertKept(library: Library, expected: V5Library): Promise<void> {
  for (const [docId, text] of expected.texts) assert.equal(await library.getText(docId), text);
  for (const passage of expected.passages) {
    const read = await library.getPassage(passage.id);
    assert.deepEqual([read?.text, read?.context], [passage.text, passage.context], passage.id);
  }
  const rows = await library.blockRows(expected.passages.map((p) => p.id));
  assert.deepEqual(
    expected.passages.map((p) => [[...rows.get(p.id)!.q], rows.get(p.id)!.scale]),
    expected.passages.map((p) => [[...p.q], Math.fround(p.scale)]),
  );
  assert.equal(await library.pendingCount(), 0, 'nothing is embedded again');
}

describe('database schema', () => {
  it('is at version 6', () => {
    assert.equal(DB_VERSION, 6);
  });

  it('upgrades a v1 database to the latest and keeps its data, back-filling passageCount and context, moving texts', async () => {
    const name = freshName();
    const v1 = await openDatabase({ name, version: 1 });
    assert.deepEqual([...v1.objectStoreNames].sort(), ['documents', 'passages', 'vectors']);
    // What v1 wrote: documents without passageCount.
    const v1Document = { id: 'd1', title: 'Old', type: 'txt', size: 11, sha256: 'abc', added: 1, text: 'Hello world' };
    await v1.put('documents', v1Document as unknown as DocumentRecord);
    for (const ordinal of [0, 1]) {
      await v1.put('passages', {
        id: `d1:${ordinal}`,
        docId: 'd1',
        ordinal,
        start: 0,
        end: 5,
        text: 'Hello',
        contentHash: 'h-hello',
      } as unknown as PassageRecord); // v1 and v2 passages had no context
    }
    await v1.put('vectors', { modelId: 'm', contentHash: 'h-hello', q: new Int8Array([1, -2, 3]), scale: 0.5 } as VectorRecord);
    v1.close();

    const latest = await openDatabase({ name });
    assert.equal(latest.version, DB_VERSION);
    assert.ok(latest.objectStoreNames.contains('meta'));
    const document = await latest.get('documents', 'd1');
    assert.equal(document?.title, 'Old');
    assert.equal(document?.passageCount, 2);
    assert.equal('text' in (document ?? {}), false, 'the text left the document record');
    assert.deepEqual(await latest.getAll('textChunks'), [{ docId: 'd1', chunk: 0, text: 'Hello world' }]);
    const passages = await latest.getAllFromIndex('passages', 'by-hash', 'h-hello');
    assert.deepEqual(passages.map((p) => p.id), ['d1:0', 'd1:1']);
    // An empty context keeps sha256(context + text) equal to the old sha256(text): the vectors stay valid.
    assert.deepEqual(passages.map((p) => p.start - p.contextStart), [0, 0]);
    assert.deepEqual(await latest.get('vectors', ['m', 'h-hello']), {}, 'the text still has a vector (its row is in a block)');
    latest.close();
  });

  it('upgrades v2 to v3 without touching a passage that already has a context', async () => {
    const name = freshName();
    const v2 = await openDatabase({ name, version: 2 });
    const base = { docId: 'd1', start: 6, end: 11, text: 'world', contentHash: 'h' };
    await v2.put('passages', { ...base, id: 'd1:0', ordinal: 0 } as unknown as PassageRecord);
    await v2.put('passages', { ...base, id: 'd1:1', ordinal: 1, context: 'Hello ' } as unknown as PassageRecord);
    v2.close();
    const v3 = await openDatabase({ name, version: 3 });
    const contexts = (await v3.getAll('passages')).map((p) => [p.id, (p as unknown as { context: string }).context]);
    assert.deepEqual(contexts, [['d1:0', ''], ['d1:1', 'Hello ']]);
    v3.close();
  });

  it('upgrades v4 to v5: vectors become per-document blocks in reading order and documents count what is indexed, with nothing embedded again', async () => {
    const name = freshName();
    const v4 = await openDatabase({ name, version: 4 });
    await v4.put('meta', { modelId: 'm', dims: 2, schemaVersion: 4 }, META_KEY);
    const document = { id: 'd1', title: 'Old', type: 'txt', size: 1, sha256: 's', added: 1, passageCount: 12 };
    await v4.put('documents', document as unknown as DocumentRecord);
    // Ordinals 0…11 (string order puts d1:10 before d1:2); ordinal 5 has no vector yet.
    for (let ordinal = 0; ordinal < 12; ordinal++) {
      const passage = { id: `d1:${ordinal}`, docId: 'd1', ordinal, start: 0, end: 1, text: 'x', context: '', contentHash: `h${ordinal}` };
      await v4.put('passages', passage as unknown as PassageRecord);
      if (ordinal !== 5) await v4.put('vectors', { modelId: 'm', contentHash: `h${ordinal}`, q: new Int8Array([ordinal, -ordinal]), scale: ordinal / 10 } as VectorRecord);
    }
    await v4.put('vectors', { modelId: 'other', contentHash: 'h1', q: new Int8Array([9, 9]), scale: 1 } as VectorRecord);
    v4.close();

    const v5 = await openDatabase({ name, version: 5 });
    assert.equal((await v5.get('documents', 'd1'))?.indexedCount, 11);
    const blocks = await v5.getAll('vectorBlocks');
    assert.equal(blocks.length, 1);
    const [block] = blocks;
    const ordinals = [0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11];
    assert.deepEqual([...block!.ordinals], ordinals);
    assert.deepEqual([...block!.q], ordinals.flatMap((o) => [o, 0 - o || 0]));
    assert.deepEqual([...block!.scales], ordinals.map((o) => Math.fround(o / 10)));
    const inOrder = await v5.getAllFromIndex('passages', 'by-position', IDBKeyRange.bound(['d1', -1], ['d1', Infinity]));
    assert.deepEqual(inOrder.map((p) => p.ordinal), [...Array(12).keys()]);
    v5.close();
  });

  it('upgrades v5 to v6: texts move into chunks, passages keep offsets instead of text and context, vectors keep their codes but not their rows or keys — nothing is lost or embedded again', async () => {
    const name = freshName();
    const v5 = await openDatabase({ name, version: 5 });
    const model = { id: 'm', dimensions: 2 };
    await v5.put('meta', { modelId: 'm', dims: 2, schemaVersion: 5 }, META_KEY);
    // A text longer than two chunks, with a passage across the first boundary and one with context.
    const filler = 'x'.repeat(TEXT_CHUNK_CHARS - 10);
    const text = `${filler} Across the boundary here. Second sentence.\n\n${'y'.repeat(TEXT_CHUNK_CHARS)} Last one.`;
    const spans = [
      { start: 0, end: filler.length, context: '' },
      { start: filler.length + 1, end: text.indexOf('\n\n'), context: '' },
      { start: text.indexOf('\n\n') + 2, end: text.length, context: 'Second sentence.\n\n' },
    ];
    const document = { id: 'd1', title: 'Old', type: 'txt', size: text.length, sha256: 's', added: 1, passageCount: 3, splitRecipe: 2, indexedCount: 3 };
    await v5.put('documents', document as DocumentRecord);
    await v5.put('texts', { docId: 'd1', text });
    const codes = new Uint8Array([1, 2, 3]);
    const rows = spans.map((span, ordinal) => {
      const passage = { id: `d1:${ordinal}`, docId: 'd1', ordinal, start: span.start, end: span.end, text: text.slice(span.start, span.end), context: span.context, contentHash: `h${ordinal}` };
      return { passage, vector: { modelId: 'm', contentHash: `h${ordinal}`, q: new Int8Array([ordinal + 1, -ordinal]), scale: (ordinal + 1) / 10, sentences: codes } };
    });
    for (const { passage, vector } of rows) {
      await v5.put('passages', passage as unknown as PassageRecord);
      await v5.put('vectors', vector as VectorRecord);
    }
    await v5.put('vectorBlocks', packBlock('m', 'd1', 0, 2, rows.map(({ passage, vector }) => ({ ordinal: passage.ordinal, ...vector }))));
    v5.close();

    const library = await Library.open(model, { name });
    const db = library.db;
    assert.equal(db.version, 6);
    assert.equal(db.objectStoreNames.contains('texts'), false, 'the whole-text store is gone');
    const chunks = await db.getAll('textChunks');
    assert.deepEqual(chunks.map((c) => [c.chunk, c.text.length]), [[0, TEXT_CHUNK_CHARS], [1, TEXT_CHUNK_CHARS], [2, text.length - 2 * TEXT_CHUNK_CHARS]]);
    assert.equal(await library.getText('d1'), text);
    const records = await db.getAll('passages');
    assert.deepEqual(Object.keys(records[0]!).sort(), ['contentHash', 'contextStart', 'docId', 'end', 'id', 'ordinal', 'start']);
    assert.deepEqual(records.map((p) => p.start - p.contextStart), [0, 0, 'Second sentence.\n\n'.length]);
    // Every reader of a passage gets the same text and context as before.
    for (const { passage } of rows) {
      const read = await library.getPassage(passage.id);
      assert.equal(read?.text, passage.text);
      assert.equal(read?.context, passage.context);
    }
    const hits = await library.readHits(['d1:1', 'd1:2']);
    assert.deepEqual(hits.map((h) => [h.passage?.text, h.codes]), [[rows[1]!.passage.text, codes], [rows[2]!.passage.text, codes]]);
    assert.deepEqual(await db.getAllKeys('vectors'), rows.map((r) => ['m', r.vector.contentHash]));
    assert.deepEqual(await db.getAll('vectors'), rows.map(() => ({ sentences: codes })));
    assert.equal(db.transaction('passages').store.indexNames.contains('by-doc'), false);
    // The rows stay in the block, untouched; nothing is pending, so nothing is embedded again.
    const blockRows = await library.blockRows(rows.map((r) => r.passage.id));
    assert.deepEqual([...blockRows.values()].map((r) => [[...r.q], r.scale]), rows.map((r) => [[...r.vector.q], Math.fround(r.vector.scale)]));
    assert.deepEqual(await library.pendingTexts(), []);
    assert.equal(await library.pendingCount(), 0);
    library.close();
  });

  it('upgrading a v5 library reports how many passages are done — from 0, never backwards, ending at the total — and keeps every text, passage and vector', async () => {
    const name = freshName();
    const expected = await writeV5Library(name, 6, 40);
    const reports: UpgradeCount[] = [];
    const library = await Library.open({ id: 'm', dimensions: 2 }, { name, onUpgradeProgress: (count) => reports.push(count), upgradeReportMs: 0 });
    assert.equal(library.db.version, 6);
    assert.deepEqual(reports[0], { done: 0, total: 240 });
    assert.deepEqual(reports.at(-1), { done: 240, total: 240 });
    assert.ok(reports.length > 10, `progress along the way, not only at the ends (${reports.length} reports)`);
    for (let i = 1; i < reports.length; i++) assert.ok(reports[i]!.done >= reports[i - 1]!.done, `report ${i} went backwards`);
    assert.ok(reports.every((r) => r.total === 240));
    await assertKept(library, expected);
    library.close();

    const again: UpgradeCount[] = [];
    const reopened = await Library.open({ id: 'm', dimensions: 2 }, { name, onUpgradeProgress: (count) => again.push(count) });
    assert.deepEqual(again, [], 'an open without an upgrade reports nothing');
    reopened.close();
  });

  it('an upgrade interrupted mid-way (tab closed, worker crashed) leaves the v5 library as it was, and the next open upgrades it with nothing lost', async () => {
    const name = freshName();
    const expected = await writeV5Library(name, 4, 30);
    let interruptedAt = -1;
    const interrupt = (count: UpgradeCount) => {
      if (count.done < count.total / 2) return;
      interruptedAt = count.done;
      throw new Error('the tab closed'); // aborts the versionchange transaction, as a closed tab or a crash does
    };
    await assert.rejects(openDatabase({ name, onUpgradeProgress: interrupt, upgradeReportMs: 0 }));
    assert.ok(interruptedAt > 0 && interruptedAt < 120, `interrupted half-way (${interruptedAt} of 120)`);

    const v5 = await openDatabase({ name, version: 5 });
    assert.equal(v5.version, 5);
    assert.ok(v5.objectStoreNames.contains('texts') && !v5.objectStoreNames.contains('textChunks'), 'still the v5 stores');
    const passages = (await v5.getAll('passages')) as unknown as { id: string; text: string }[];
    assert.equal(passages.length, 120);
    assert.ok(passages.every((p) => typeof p.text === 'string' && p.text.length > 0), 'every passage still has its v5 text');
    assert.equal((await v5.getAll('vectors')).length, 120);
    v5.close();

    const library = await Library.open({ id: 'm', dimensions: 2 }, { name });
    assert.equal(library.db.version, 6);
    await assertKept(library, expected);
    library.close();
  });

  it('closes an old connection that blocks an upgrade and tells the page', async () => {
    const name = freshName();
    let versionChanges = 0;
    const old = await openDatabase({ name, version: 1, onVersionChange: () => versionChanges++ });
    const upgraded = await openDatabase({ name }); // would wait forever if `old` stayed open
    assert.equal(upgraded.version, DB_VERSION);
    assert.equal(versionChanges, 1);
    await assert.rejects(old.get('documents', 'x'), { name: 'InvalidStateError' });
    upgraded.close();
  });
});
