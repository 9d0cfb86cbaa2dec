import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ImportedText, Progress } from './api.ts';
import { RIVERS } from './documents.test-support.ts';
import { PassageApp } from './passage-app.ts';
import { sha256Hex } from '../core/hash.ts';
import { SPLIT_RECIPE } from '../core/split.ts';
import { openDatabase } from '../store/db.ts';
import { LibraryService } from '../store/library-service.ts';
import { createFakeEngine, fakeEnvironment, FakeWorker, type FakeEngine } from '../worker/fake-engine.test-support.ts';

let counter = 0;

/** The app over a fake in-process worker (deterministic vectors) and a fresh fake IndexedDB database. */
function setup(options: { whenReady?: Promise<void>; dbName?: string } = {}) {
  let engine: FakeEngine | null = null;
  const workers: FakeWorker[] = [];
  const dbName = options.dbName ?? `app-test-${process.pid}-${++counter}`;
  const app = new PassageApp({
    ...options,
    dbName,
    createLibrary: (model) => new LibraryService(model, { dbName }),
    createWorker: () => {
      const worker = new FakeWorker(
        fakeEnvironment(createFakeEngine(), {
          loadEngine: async (spec) => (engine = createFakeEngine('wasm', spec)),
        }),
      );
      workers.push(worker);
      return worker;
    },
    storage: {
      estimate: async () => ({ usage: 1234, quota: 99999 }),
      persisted: async () => false,
      persist: async () => true,
    },
  });
  return { app, workers, worker: () => workers.at(-1)!, engine: () => engine };
}

const KITCHEN: ImportedText = {
  title: 'Kitchen',
  type: 'txt',
  size: 0,
  text: 'Bread needs flour, water, salt and yeast. Knead the dough and let it rise for an hour before baking it.',
};

describe('PassageApp', () => {
  it('does not load the model before whenReady resolves', async () => {
    let ready!: () => void;
    const { app, workers, worker } = setup({ whenReady: new Promise<void>((resolve) => (ready = resolve)) });
    const progress: Progress[] = [];
    app.onProgress((p) => progress.push(p));
    const started = app.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(workers.flatMap((w) => w.received).filter((r) => r.type === 'load').length, 0);

    ready();
    await started;
    assert.equal(worker().received.filter((r) => r.type === 'load').length, 1);
    assert.deepEqual(progress.find((p) => p.stage === 'model-ready'), { stage: 'model-ready', device: 'wasm' });
    await app.dispose();
  });

  it('creates the embedding worker only after whenReady, so the service worker controls its fetches', async () => {
    let ready!: () => void;
    const { app, workers } = setup({ whenReady: new Promise<void>((resolve) => (ready = resolve)) });
    assert.deepEqual(await app.listDocuments(), []);
    await app.storage();
    const started = app.start();
    const searched = app.search('Nile');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(workers.length, 0, 'no worker while the page is not controlled yet');

    ready();
    await started;
    assert.deepEqual((await searched).hits, []);
    assert.equal(workers.length, 1);
    assert.equal(workers[0]!.received[0]?.type, 'load');
    await app.addDocument(RIVERS);
    await app.resumeIndexing();
    assert.equal((await app.search('Nile')).hits[0]?.documentTitle, 'Rivers');
    assert.equal(workers.length, 1, 'one worker for the whole session');
    await app.dispose();
    assert.equal(workers[0]!.terminated, true);
  });

  it('adds, indexes, searches with a highlight, shows context and deletes', async () => {
    const { app } = setup();
    await app.start();
    const changes: number[] = [];
    app.onLibraryChange(() => changes.push(1));

    const rivers = await app.addDocument(RIVERS);
    const kitchen = await app.addDocument(KITCHEN);
    assert.deepEqual([rivers.duplicate, rivers.passageCount], [false, 3]);
    assert.equal((await app.addDocument({ ...RIVERS, title: 'Copy' })).duplicate, true);
    await app.resumeIndexing();
    assert.ok(changes.length > 0);

    const listed = await app.listDocuments();
    assert.deepEqual(listed.map((d) => [d.title, d.indexedCount, d.passageCount]), [['Rivers', 3, 3], ['Kitchen', 1, 1]]);

    const [top] = (await app.search('longest river Nile Africa')).hits;
    assert.equal(top?.documentId, rivers.documentId);
    assert.equal(top?.ordinal, 1);
    assert.equal(top?.documentTitle, 'Rivers');
    assert.ok(top?.highlight && top.highlight.end > top.highlight.start && top.highlight.end <= top.text.length);

    const around = await app.context(top.passageId, 1);
    assert.deepEqual(around.map((c) => [c.ordinal, c.isHit]), [[0, false], [1, true], [2, false]]);

    await app.deleteDocument(kitchen.documentId);
    const afterDelete = (await app.search('bread flour yeast dough', { k: 10 })).hits;
    assert.ok(afterDelete.every((hit) => hit.documentId !== kitchen.documentId));
    assert.deepEqual((await app.listDocuments()).map((d) => d.title), ['Rivers']);
    await app.dispose();
  });

  it('makes a passage whose text already has a vector searchable at once, without embedding it again', async () => {
    const { app, engine } = setup();
    await app.start();
    const shared = 'The longest river in Africa is the Nile, which flows north into the Mediterranean.';
    // A passage is embedded with the sentence before it, so the same paragraph after the same sentence is the same input.
    const sharedInput = `They shape valleys over millions of years.\n\n${shared}`;
    const rivers = await app.addDocument(RIVERS);
    await app.resumeIndexing();
    const embeddedBefore = engine()!.embedCalls.flat();
    assert.ok(embeddedBefore.includes(sharedInput));

    const atlas = await app.addDocument({
      title: 'Atlas',
      type: 'txt',
      size: 0,
      text: `Maps show borders, roads and the height of the land. They shape valleys over millions of years.\n\n${shared}`,
    });
    await app.resumeIndexing();
    const embeddedForAtlas = engine()!.embedCalls.flat().slice(embeddedBefore.length);
    assert.ok(embeddedForAtlas.length > 0 && !embeddedForAtlas.includes(sharedInput), 'the shared text is not embedded again');
    assert.equal((await app.listDocuments())[1]?.indexedCount, 2);

    const sharedHits = async (mode: { hybrid: boolean }) =>
      (await app.search('longest river Nile Africa', { k: 10, ...mode })).hits
        .filter((hit) => hit.text === shared)
        .map((hit) => hit.passageId)
        .sort();
    const both = [`${rivers.documentId}:1`, `${atlas.documentId}:1`].sort();
    assert.deepEqual(await sharedHits({ hybrid: true }), both);
    assert.deepEqual(await sharedHits({ hybrid: false }), both);

    // Re-indexing the first document drops the shared vector for both copies; both come back with the new one.
    await app.reindexDocument(rivers.documentId);
    await app.resumeIndexing();
    assert.deepEqual(await sharedHits({ hybrid: false }), both);
    // Deleting the first document keeps the copy in the second one searchable.
    await app.deleteDocument(rivers.documentId);
    await app.resumeIndexing();
    assert.deepEqual(await sharedHits({ hybrid: false }), [`${atlas.documentId}:1`]);
    await app.dispose();
  });

  it('reports a failure of background indexing as an error stage and keeps the passages pending', async () => {
    const { app, engine } = setup();
    await app.start();
    const failure = Promise.reject(new Error('the worker ran out of memory'));
    failure.catch(() => undefined); // handled by the app; this only keeps Node from calling it unhandled
    engine()!.gate = failure;
    const reported = new Promise<Progress>((resolve) => app.onProgress((p) => p.stage === 'error' && resolve(p)));

    await app.addDocument(RIVERS);
    assert.deepEqual(await reported, { stage: 'error', message: 'Indexing stopped: the worker ran out of memory' });
    const [rivers] = await app.listDocuments();
    assert.deepEqual([rivers!.passageCount, rivers!.indexedCount], [3, 0]);

    // "Try again" (resumeIndexing) failing the same way rejects and ends on the error stage, not on idle.
    const stages: Progress['stage'][] = [];
    app.onProgress((p) => stages.push(p.stage));
    await assert.rejects(app.resumeIndexing(), /ran out of memory/);
    assert.equal(stages.at(-1), 'error');
    await app.dispose();
  });

  it('rejects text without content with a readable error', async () => {
    const { app } = setup();
    await assert.rejects(app.addDocument({ title: 'Blank', type: 'paste', size: 3, text: ' \n ' }), /“Blank” has no text/);
    await app.dispose();
  });

  it('embeds a question once as it is typed: the search that follows uses that vector without another model call', async () => {
    const { app, worker } = setup();
    app.prepareQuery('Which river is longest?'); // before the model is loaded: nothing happens
    await app.start();
    await app.addDocument(RIVERS);
    await app.resumeIndexing();
    const queryEmbeds = () => worker().received.filter((r) => r.type === 'embed' && r.kind === 'query').length;
    assert.equal(queryEmbeds(), 0);
    app.prepareQuery('Which river');
    app.prepareQuery('Which river is longest?'); // typed while the first is embedded: waits, then is embedded
    for (let waited = 0; queryEmbeds() < 2 && waited < 5000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(queryEmbeds(), 2);
    const typed = await app.search('Which river is longest? ');
    assert.equal(queryEmbeds(), 2, 'the search reused the vector embedded while typing');
    const fresh = await app.search('Which river is longest?', { hybrid: true });
    assert.deepEqual(fresh.hits.map((h) => h.passageId), typed.hits.map((h) => h.passageId));
    assert.ok(typed.hits.length > 0);
    await app.dispose();
  });

  it('export → clear → import brings search back without embedding again', async () => {
    const { app, engine } = setup();
    await app.start();
    await app.addDocument(RIVERS);
    await app.resumeIndexing();
    const file = await app.exportLibrary();

    await app.clearLibrary();
    assert.deepEqual(await app.listDocuments(), []);
    assert.deepEqual((await app.search('Nile')).hits, []);

    const passageCalls = () => engine()!.embedCalls.length;
    const before = passageCalls();
    assert.deepEqual(await app.importLibrary(file), { documents: 1, passages: 3 });
    await app.resumeIndexing();
    assert.equal(passageCalls(), before, 'imported vectors were not recomputed');
    const [top] = (await app.search('Nile', { hybrid: false })).hits;
    assert.equal(top?.documentTitle, 'Rivers');
    await app.dispose();
  });

  it('splits documents made by an older splitting recipe again at start, and embeds them again', async () => {
    const dbName = `app-test-${process.pid}-${++counter}`;
    const first = setup({ dbName });
    await first.app.start();
    const { documentId } = await first.app.addDocument(RIVERS);
    await first.app.resumeIndexing();
    await first.app.dispose();

    // Make it look like a document stored before passages had context (recipe 1).
    const db = await openDatabase({ name: dbName });
    const { splitRecipe: _recipe, ...oldDocument } = (await db.get('documents', documentId))!;
    await db.put('documents', oldDocument);
    for (const passage of await db.getAll('passages', IDBKeyRange.bound(`${documentId}:`, `${documentId};`, false, true))) {
      const text = (await db.getAll('textChunks', IDBKeyRange.bound([documentId, 0], [documentId, Infinity]))).map((c) => c.text).join('').slice(passage.start, passage.end);
      await db.put('passages', { ...passage, contextStart: passage.start, contentHash: await sha256Hex(text) });
    }
    db.close();

    const second = setup({ dbName });
    await second.app.start();
    await second.app.resumeIndexing();
    const reopened = await openDatabase({ name: dbName });
    const passages = await reopened.getAll('passages', IDBKeyRange.bound(`${documentId}:`, `${documentId};`, false, true));
    assert.equal((await reopened.get('documents', documentId))?.splitRecipe, SPLIT_RECIPE);
    assert.ok(passages.some((p) => p.contextStart !== p.start), 'split again, with context');
    reopened.close();
    assert.equal(second.engine()!.embedCalls.flat().length, 3, 'its passages were embedded again');
    assert.deepEqual((await second.app.listDocuments()).map((d) => [d.indexedCount, d.passageCount]), [[3, 3]]);
    await second.app.dispose();
  });

  it('re-indexes a document by embedding its passages again', async () => {
    const { app, engine } = setup();
    await app.start();
    const { documentId } = await app.addDocument(RIVERS);
    await app.resumeIndexing();
    const embeddedBefore = engine()!.embedCalls.flat().length;
    await app.reindexDocument(documentId);
    await app.resumeIndexing();
    assert.equal(engine()!.embedCalls.flat().length - embeddedBefore, 3);
    assert.equal((await app.listDocuments())[0]?.indexedCount, 3);
    await app.dispose();
  });

  it('holds background indexing while a batch adds documents, and indexes them once released', async () => {
    const { app, engine } = setup();
    await app.start();
    const release = app.holdIndexing();
    await app.addDocument(RIVERS);
    await app.addDocument(KITCHEN);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(engine()!.embedCalls.flat().length, 0, 'nothing embedded while held');
    release();
    release(); // a second call is harmless
    await app.resumeIndexing();
    assert.deepEqual((await app.listDocuments()).map((d) => [d.indexedCount, d.passageCount]), [[3, 3], [1, 1]]);
    await app.dispose();
  });

  it('reports storage through the StorageManager', async () => {
    const { app } = setup();
    assert.deepEqual(await app.storage(), { usage: 1234, quota: 99999, persisted: false });
    assert.equal(await app.persistStorage(), true);
    await app.dispose();
  });
});
