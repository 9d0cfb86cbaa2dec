import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from './db.ts';
import { SearchIndex } from '../core/search-index.ts';
import { quantize } from '../core/quantize.ts';
import { toOffsets } from '../core/split.ts';
import { addText, countingEmbedder, doc, freshDbName, MODEL, openFresh, paragraphs } from './fixtures.test-support.ts';
import { indexPending } from '../app/indexer.ts';
import { applyChange, parseEnvelope, CHANGE_PROTOCOL, type RemoteChange } from './library-changes.ts';
import { LibraryService } from './library-service.ts';
import type { Library } from './library.ts';

const RIVERS = 'Rivers carry fresh water down to the sea.\n\nThe Nile flows north into the Mediterranean.\n\nDeltas form where rivers slow down.';
const BREAD = 'Bread needs flour, water, salt and yeast.\n\nKnead the dough and let it rise.';

/** Stores a vector for every pending passage of `library` (deterministic fake vectors); returns the rows' ids. */
async function embedAll(library: Library): Promise<string[]> {
  const ids: string[] = [];
  const embedder = countingEmbedder();
  await indexPending(
    {
      model: MODEL,
      pendingCount: () => library.pendingCount(),
      pendingTexts: (limit) => library.pendingTexts(limit),
      storeVectors: async (modelId, batch) => {
        for (const item of await library.storeVectors(modelId, batch)) ids.push(item.passage.id);
      },
    },
    embedder,
  );
  return ids;
}

describe('applyChange (a change notice from another tab applied to this tab’s SearchIndex)', () => {
  it('rows added elsewhere get vector rows and word-index text here; deleted and re-split ones leave', async () => {
    const library = await openFresh();
    try {
      const index = new SearchIndex<string>(MODEL.dimensions);
      const rivers = await addText(library, 'Rivers', RIVERS);
      const bread = await addText(library, 'Bread', BREAD);
      const stored = await embedAll(library);
      assert.equal(stored.length, 5);

      assert.equal(await applyChange(index, library, { kind: 'rows-added', passageIds: stored }), true);
      assert.equal(index.size, 5);
      // The word index has the texts: a words-only search finds the passage another tab embedded.
      const nile = index.lexical.search('Nile Mediterranean', 1)[0];
      assert.equal(nile && index.idAt(nile.row), `${rivers.documentId}:1`);

      // A notice naming a passage that is gone by now (deleted before the notice was applied) adds nothing.
      assert.equal(await applyChange(index, library, { kind: 'rows-added', passageIds: ['no-such-doc:0'] }), false);

      assert.equal(await applyChange(index, library, { kind: 'documents-deleted', documentIds: [bread.documentId] }), true);
      assert.deepEqual([...index.ids()].sort(), [0, 1, 2].map((o) => `${rivers.documentId}:${o}`));
      assert.equal(index.lexical.search('flour yeast', 5).length, 0);

      assert.equal(await applyChange(index, library, { kind: 'rows-removed', documentIds: [rivers.documentId], passageIds: [`${rivers.documentId}:2`] }), true);
      assert.equal(index.size, 2);
      assert.equal(index.has(`${rivers.documentId}:2`), false);
    } finally {
      library.close();
    }
  });

  it('rows whose vector is gone (re-indexed meanwhile) are not added', async () => {
    const library = await openFresh();
    try {
      const rivers = await addText(library, 'Rivers', RIVERS);
      const stored = await embedAll(library);
      await library.replacePassages(rivers.documentId, paragraphs(RIVERS));
      const index = new SearchIndex<string>(MODEL.dimensions);
      assert.equal(await applyChange(index, library, { kind: 'rows-added', passageIds: stored }), false);
      assert.equal(index.size, 0);
    } finally {
      library.close();
    }
  });

  it('an unknown or malformed notice (a newer tab’s) asks for a full reload', () => {
    assert.deepEqual(parseEnvelope({ v: CHANGE_PROTOCOL + 1, change: { kind: 'rows-added', passageIds: [] } }), { kind: 'reload' });
    assert.deepEqual(parseEnvelope({ v: CHANGE_PROTOCOL, change: { kind: 'rows-added', passageIds: [3] } }), { kind: 'reload' });
    assert.deepEqual(parseEnvelope({ v: CHANGE_PROTOCOL, change: { kind: 'something-new' } }), { kind: 'reload' });
    assert.deepEqual(parseEnvelope(null), { kind: 'reload' });
    const ok = { kind: 'documents-deleted', documentIds: ['a'] };
    assert.deepEqual(parseEnvelope({ v: CHANGE_PROTOCOL, change: ok }), ok);
  });
});

/** Two library services on one database, as two tabs' library workers are (BroadcastChannel works in Node too). */
async function twoTabs() {
  const dbName = freshDbName();
  const seenByB: RemoteChange[] = [];
  const a = new LibraryService(MODEL, { dbName });
  const b = new LibraryService(MODEL, { dbName, onRemoteChange: (change) => seenByB.push(change) });
  await Promise.all([a.ready(), b.ready()]);
  /** Waits until B has received and applied `count` notices (delivery is asynchronous). */
  const bCaughtUp = async (count: number) => {
    for (let i = 0; i < 200 && seenByB.length < count; i++) await new Promise((r) => setTimeout(r, 5));
    await b.remoteChangesApplied();
    assert.equal(seenByB.length, count, 'notices applied by B');
  };
  return { a, b, seenByB, bCaughtUp, close: () => Promise.all([a.close(), b.close()]) };
}

function vectorFor(seed: number): { q: Int8Array; scale: number } {
  return quantize(Float32Array.from({ length: MODEL.dimensions }, (_, d) => Math.sin(seed * 7 + d)));
}

describe('LibraryService in two tabs', () => {
  it('a document added and embedded in tab A is found by search in tab B without a reload; deleted in A, it leaves B', async () => {
    const tabs = await twoTabs();
    const { a, b, seenByB, bCaughtUp } = tabs;
    try {
      const added = await a.addDocument(doc('Rivers', RIVERS), toOffsets(paragraphs(RIVERS)));
      await bCaughtUp(1);
      assert.deepEqual(seenByB[0], { documents: true, pending: true });
      assert.deepEqual((await b.listDocuments()).map((d) => d.title), ['Rivers']);

      const pending = await a.pendingTexts(10);
      assert.equal(await a.storeVectors(MODEL.id, pending.map((p, i) => ({ contentHash: p.contentHash, ...vectorFor(i) }))), 3);
      await bCaughtUp(2);
      assert.deepEqual(seenByB[1], { documents: false, pending: false });
      assert.deepEqual(await b.status(), { rows: 3, lexicalReady: true });
      assert.equal((await b.listDocuments())[0]?.indexedCount, 3);

      const { hits } = await b.search({ queryVector: null, text: 'Nile Mediterranean', k: 3, hybrid: true });
      assert.equal(hits[0]?.passageId, `${added.documentId}:1`);
      assert.equal(hits[0]?.documentTitle, 'Rivers');

      await a.deleteDocument(added.documentId);
      await bCaughtUp(3);
      assert.deepEqual(seenByB[2], { documents: true, pending: false });
      assert.equal((await b.status()).rows, 0);
      assert.deepEqual((await b.search({ queryVector: null, text: 'Nile Mediterranean', k: 3, hybrid: true })).hits, []);
    } finally {
      await tabs.close();
    }
  });

  it('a library cleared in tab A is empty in tab B; a re-split document leaves B’s search until embedded again', async () => {
    const tabs = await twoTabs();
    const { a, b, bCaughtUp } = tabs;
    try {
      const added = await a.addDocument(doc('Bread', BREAD), toOffsets(paragraphs(BREAD)));
      const pending = await a.pendingTexts(10);
      await a.storeVectors(MODEL.id, pending.map((p, i) => ({ contentHash: p.contentHash, ...vectorFor(i) })));
      await bCaughtUp(2);
      assert.equal((await b.status()).rows, 2);

      await a.replacePassages(added.documentId, BREAD, toOffsets(paragraphs(BREAD)));
      await bCaughtUp(3);
      assert.equal((await b.status()).rows, 0);

      await a.clear();
      await bCaughtUp(4);
      assert.deepEqual(await b.listDocuments(), []);
      assert.equal((await b.status()).rows, 0);
    } finally {
      await tabs.close();
    }
  });
});

describe('LibraryService and schema upgrades in another tab', () => {
  it('closes its connection when another tab upgrades, so the upgrade is not blocked, and says so', async () => {
    const dbName = freshDbName();
    let told = 0;
    const service = new LibraryService(MODEL, { dbName, onVersionChange: () => told++ });
    try {
      await service.ready();
      const upgraded = await new Promise<string>((resolve) => {
        const request = indexedDB.open(dbName, 99);
        request.onblocked = () => resolve('blocked');
        request.onsuccess = () => {
          request.result.close();
          resolve('upgraded');
        };
        request.onerror = () => resolve(`failed: ${request.error?.message}`);
      });
      assert.equal(upgraded, 'upgraded');
      assert.equal(told, 1);

      // A tab of this version opening the newer library: a message for people, and the same reload request.
      const older = new LibraryService(MODEL, { dbName, onVersionChange: () => told++ });
      await assert.rejects(older.ready(), /saved by a newer version of Passage\. Reload/);
      assert.equal(told, 2);
      await older.close();
    } finally {
      await service.close();
    }
  });

  it('says its upgrade waits while an older tab keeps the database open, and opens once it closes', async () => {
    const dbName = freshDbName();
    (await openDatabase({ name: dbName, version: 1 })).close();
    // An older tab's connection that ignores versionchange (as versions before this one might).
    const old = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(dbName, 1);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    let blocked = 0;
    const service = new LibraryService(MODEL, { dbName, onBlocked: () => blocked++ });
    try {
      for (let i = 0; i < 200 && blocked === 0; i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal(blocked, 1);
      old.close();
      assert.equal((await service.ready()).rows, 0);
    } finally {
      await service.close();
    }
  });
});
