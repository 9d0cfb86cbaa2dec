import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DB_VERSION, openDatabase, type DocumentRecord, type PassageRecord } from './db.ts';

let counter = 0;
const freshName = () => `db-test-${process.pid}-${++counter}`;

describe('database schema', () => {
  it('is at version 4', () => {
    assert.equal(DB_VERSION, 4);
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
    assert.equal(latest.version, 4);
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
