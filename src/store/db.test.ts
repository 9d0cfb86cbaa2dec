import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DB_VERSION, openDatabase, type DocumentRecord } from './db.ts';

let counter = 0;
const freshName = () => `db-test-${process.pid}-${++counter}`;

describe('database schema', () => {
  it('is at version 2', () => {
    assert.equal(DB_VERSION, 2);
  });

  it('upgrades a v1 database to v2 and keeps its data, back-filling passageCount', async () => {
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
      });
    }
    await v1.put('vectors', { modelId: 'm', contentHash: 'h-hello', q: new Int8Array([1, -2, 3]), scale: 0.5 });
    v1.close();

    const v2 = await openDatabase({ name });
    assert.equal(v2.version, 2);
    assert.ok(v2.objectStoreNames.contains('meta'));
    const document = await v2.get('documents', 'd1');
    assert.equal(document?.title, 'Old');
    assert.equal(document?.passageCount, 2);
    assert.deepEqual(
      (await v2.getAllFromIndex('passages', 'by-hash', 'h-hello')).map((p) => p.id),
      ['d1:0', 'd1:1'],
    );
    const vector = await v2.get('vectors', ['m', 'h-hello']);
    assert.deepEqual(vector?.q, new Int8Array([1, -2, 3]));
    v2.close();
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
