import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DB_VERSION, META_KEY, openDatabase, type DocumentRecord, type PassageRecord } from './db.ts';

let counter = 0;
const freshName = () => `db-test-${process.pid}-${++counter}`;

describe('database schema', () => {
  it('is at version 5', () => {
    assert.equal(DB_VERSION, 5);
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
    await v1.put('vectors', { modelId: 'm', contentHash: 'h-hello', q: new Int8Array([1, -2, 3]), scale: 0.5 });
    v1.close();

    const latest = await openDatabase({ name });
    assert.equal(latest.version, DB_VERSION);
    assert.ok(latest.objectStoreNames.contains('meta'));
    const document = await latest.get('documents', 'd1');
    assert.equal(document?.title, 'Old');
    assert.equal(document?.passageCount, 2);
    assert.equal('text' in (document ?? {}), false, 'the text left the document record');
    assert.deepEqual(await latest.get('texts', 'd1'), { docId: 'd1', text: 'Hello world' });
    const passages = await latest.getAllFromIndex('passages', 'by-hash', 'h-hello');
    assert.deepEqual(passages.map((p) => p.id), ['d1:0', 'd1:1']);
    // An empty context keeps sha256(context + text) equal to the old sha256(text): the vectors stay valid.
    assert.deepEqual(passages.map((p) => p.context), ['', '']);
    const vector = await latest.get('vectors', ['m', 'h-hello']);
    assert.deepEqual(vector?.q, new Int8Array([1, -2, 3]));
    latest.close();
  });

  it('upgrades v2 to v3 without touching a passage that already has a context', async () => {
    const name = freshName();
    const v2 = await openDatabase({ name, version: 2 });
    const base = { docId: 'd1', start: 6, end: 11, text: 'world', contentHash: 'h' };
    await v2.put('passages', { ...base, id: 'd1:0', ordinal: 0 } as unknown as PassageRecord);
    await v2.put('passages', { ...base, id: 'd1:1', ordinal: 1, context: 'Hello ' });
    v2.close();
    const v3 = await openDatabase({ name });
    assert.deepEqual((await v3.getAll('passages')).map((p) => [p.id, p.context]), [['d1:0', ''], ['d1:1', 'Hello ']]);
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
      await v4.put('passages', passage);
      if (ordinal !== 5) await v4.put('vectors', { modelId: 'm', contentHash: `h${ordinal}`, q: new Int8Array([ordinal, -ordinal]), scale: ordinal / 10 });
    }
    await v4.put('vectors', { modelId: 'other', contentHash: 'h1', q: new Int8Array([9, 9]), scale: 1 });
    v4.close();

    const v5 = await openDatabase({ name });
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
