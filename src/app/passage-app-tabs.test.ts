import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Progress } from './api.ts';
import { RIVERS } from './documents.test-support.ts';
import { FakeLocks } from './fake-locks.test-support.ts';
import { createIndexingLock } from './indexing-lock.ts';
import { PassageApp } from './passage-app.ts';
import { LibraryService } from '../store/library-service.ts';
import { createFakeEngine, fakeEnvironment, FakeWorker } from '../worker/fake-engine.test-support.ts';

let counter = 0;

/** One tab: the app over a fake worker and the shared fake database `dbName`, with the shared fake Web Locks. */
function tab(dbName: string, locks: FakeLocks) {
  const workers: FakeWorker[] = [];
  const progress: Progress[] = [];
  let changes = 0;
  const app = new PassageApp({
    dbName,
    indexingLock: createIndexingLock(dbName, locks),
    createLibrary: (model, events) =>
      new LibraryService(model, {
        dbName,
        onRemoteChange: (change) => events.onRemoteChange(change),
        onVersionChange: () => events.onVersionChange(),
      }),
    createWorker: () => {
      const worker = new FakeWorker(fakeEnvironment(createFakeEngine(), { loadEngine: async (spec) => createFakeEngine('wasm', spec) }));
      workers.push(worker);
      return worker;
    },
  });
  app.onProgress((p) => progress.push(p));
  app.onLibraryChange(() => changes++);
  /** Passage texts this tab's worker was asked to embed. */
  const passagesEmbedded = () =>
    workers.flatMap((w) => w.received).reduce((n, r) => n + (r.type === 'embed' && r.kind === 'passage' ? r.texts.length : 0), 0);
  return { app, progress, changes: () => changes, passagesEmbedded };
}

function twoTabs() {
  const dbName = `tabs-test-${process.pid}-${++counter}`;
  const locks = new FakeLocks();
  return { dbName, locks, lockName: `passage-indexing:${dbName}`, a: tab(dbName, locks), b: tab(dbName, locks) };
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail(`timed out waiting until ${what}`);
}

async function holdElsewhere(locks: FakeLocks, name: string): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  void locks.request(name, {}, () => released);
  await until(() => locks.isHeld(name), 'the lock is held');
  return release;
}

describe('PassageApp in two tabs', () => {
  it('a document added and indexed in one tab is listed and found in the other, which embeds none of it', async () => {
    const { a, b } = twoTabs();
    try {
      await Promise.all([a.app.start(), b.app.start()]);
      const changesBefore = b.changes();
      const added = await a.app.addDocument(RIVERS);
      await a.app.resumeIndexing();
      await until(async () => (await b.app.listDocuments())[0]?.indexedCount === 3, 'tab B counts every passage indexed');
      assert.ok(b.changes() > changesBefore, 'tab B was told its library changed');
      // Found by B's own index, which caught up with the rows A stored (notices are applied as they arrive).
      await until(
        async () => (await b.app.search('longest river Nile Africa')).hits[0]?.passageId === `${added.documentId}:1`,
        'tab B finds the passage A indexed',
      );
      await b.app.resumeIndexing(); // B may have queued behind A: it finds nothing left
      assert.equal(b.passagesEmbedded(), 0);
      assert.equal(a.passagesEmbedded(), 3);

      await a.app.deleteDocument(added.documentId);
      await until(async () => (await b.app.listDocuments()).length === 0, 'tab B no longer lists the deleted document');
      assert.deepEqual((await b.app.search('longest river Nile Africa')).hits, []);
    } finally {
      await Promise.all([a.app.dispose(), b.app.dispose()]);
    }
  });

  it('waits while another tab indexes, saying so, and takes over what is left when that tab lets go', async () => {
    const { a, b, locks, lockName } = twoTabs();
    try {
      await a.app.start();
      const release = await holdElsewhere(locks, lockName);
      await a.app.addDocument(RIVERS);
      await until(() => a.progress.some((p) => p.stage === 'indexing-elsewhere'), 'tab A says another tab indexes');
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(a.passagesEmbedded(), 0, 'nothing embedded while the other tab holds the lock');
      release(); // the other tab closed
      await a.app.resumeIndexing();
      assert.equal((await a.app.listDocuments())[0]?.indexedCount, 3);
      assert.equal(a.passagesEmbedded(), 3);
      assert.deepEqual(a.progress.at(-1), { stage: 'idle' });
    } finally {
      await Promise.all([a.app.dispose(), b.app.dispose()]);
    }
  });

  it('a cancel in one tab stops the other tab waiting to index; nothing is indexed until asked again', async () => {
    const { a, b, locks, lockName } = twoTabs();
    try {
      await Promise.all([a.app.start(), b.app.start()]);
      const release = await holdElsewhere(locks, lockName);
      await b.app.addDocument(RIVERS);
      await until(() => b.progress.some((p) => p.stage === 'indexing-elsewhere'), 'tab B waits');
      await until(() => a.progress.some((p) => p.stage === 'indexing-elsewhere'), 'tab A, told of the new document, waits too');
      a.app.cancelIndexing();
      await until(() => a.progress.at(-1)?.stage === 'idle', 'tab A stops waiting');
      await until(() => b.progress.at(-1)?.stage === 'idle', 'tab B stops waiting');
      release();
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(b.passagesEmbedded(), 0);
      assert.equal((await b.app.listDocuments())[0]?.indexedCount, 0);
      await b.app.resumeIndexing(); // "Index now"
      assert.equal((await b.app.listDocuments())[0]?.indexedCount, 3);
    } finally {
      await Promise.all([a.app.dispose(), b.app.dispose()]);
    }
  });
});
