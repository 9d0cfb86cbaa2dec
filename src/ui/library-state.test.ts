import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DocumentSummary, ImportedText, PassageApi } from '../app/api.ts';
import { LibraryStateController } from './library-state.ts';
import type { Notice } from './notice-list.ts';

function doc(id: string): DocumentSummary {
  return { id, title: `Doc ${id}`, type: 'txt', size: 10, sha256: id, added: 0, passageCount: 2, indexedCount: 2 };
}

/** A settled promise and the host's scheduled work run before the next check. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A controller on a stand-in host and api: the api's list is `docs`; reads wait until `release` is called. */
function setup(api: Partial<PassageApi> = {}) {
  let docs = [doc('a'), doc('b')];
  let reads = 0;
  const waiting: (() => void)[] = [];
  const notices: Omit<Notice, 'id'>[] = [];
  const read: string[][] = [];
  const removed: string[] = [];
  const host = {
    api: {
      listDocuments: () => {
        reads++;
        return new Promise<DocumentSummary[]>((resolve) => waiting.push(() => resolve(docs)));
      },
      storage: () => Promise.resolve({ usage: 1, quota: 2, persisted: false }),
      ...api,
    } as unknown as PassageApi,
    addController: () => undefined,
    removeController: () => undefined,
    requestUpdate: () => undefined,
    updateComplete: Promise.resolve(true),
  };
  const library = new LibraryStateController(host, {
    notify: (kind, message) => notices.push({ kind, message }),
    onRead: (documents) => read.push(documents.map((d) => d.id)),
    onRemoved: (id) => removed.push(id),
  });
  const release = async () => {
    await tick();
    for (const go of waiting.splice(0)) go();
    await tick();
  };
  return { library, notices, read, removed, release, reads: () => reads, setDocs: (d: DocumentSummary[]) => (docs = d) };
}

test('changes while the list is being read make one more read after it, not one each', async () => {
  const { library, reads, release, read } = setup();
  const first = library.refresh();
  for (let i = 0; i < 100; i++) void library.refresh();
  await release();
  await release();
  await first;
  assert.equal(reads(), 2);
  assert.deepEqual(read, [['a', 'b'], ['a', 'b']]);
  assert.equal(library.loaded, true);
  assert.deepEqual(library.documents.map((d) => d.id), ['a', 'b']);
});

test('a list that cannot be read keeps the one shown and says why', async () => {
  let broken = false;
  const { library, notices } = setup({
    listDocuments: () => (broken ? Promise.reject(new Error('Passage: the disk is gone')) : Promise.resolve([doc('a')])),
  });
  await library.refresh();
  broken = true;
  await library.refresh();
  assert.equal(library.loaded, true);
  assert.deepEqual(library.documents.map((d) => d.id), ['a']);
  assert.deepEqual(notices, [{ kind: 'error', message: 'The library could not be read: the disk is gone' }]);
});

test('a library action is busy while it runs, says what failed, and the list is read again after', async () => {
  const { library, notices, reads, release } = setup();
  let finish!: () => void;
  const running = library.run(() => new Promise<void>((_, reject) => (finish = () => reject(new Error('no space left')))), 'The library could not be cleared');
  assert.equal(library.busy, true);
  finish();
  await tick();
  assert.equal(library.busy, false);
  await release();
  await running;
  assert.deepEqual(notices, [{ kind: 'error', message: 'The library could not be cleared: no space left' }]);
  assert.equal(reads(), 1);
  assert.deepEqual(library.storage, { usage: 1, quota: 2, persisted: false });
});

test('deleting a document drops its results at once and names it in a notice', async () => {
  const deleted: string[] = [];
  const { library, notices, removed, release, setDocs } = setup({ deleteDocument: (id: string) => void deleted.push(id) as unknown as Promise<void> });
  const first = library.refresh();
  await release();
  await first;
  setDocs([doc('b')]);
  const deleting = library.delete('a');
  await release();
  await deleting;
  assert.deepEqual(deleted, ['a']);
  assert.deepEqual(removed, ['a']);
  assert.deepEqual(notices, [{ kind: 'info', message: 'Deleted “Doc a”.' }]);
  assert.deepEqual(library.documents.map((d) => d.id), ['b']);
});

test('texts are added one by one and summed up in one notice; a loader that fails says so', async () => {
  const added: string[] = [];
  const { library, notices, release } = setup({
    addDocument: (text: ImportedText) => {
      added.push(text.title);
      if (text.title === 'broken') return Promise.reject(new Error('Passage: too short'));
      return Promise.resolve({ documentId: text.title, duplicate: text.title === 'again', passageCount: 3 });
    },
  });
  const text = (title: string): ImportedText => ({ title, type: 'paste', text: 'words', size: 5 });
  assert.equal(library.adding, false);
  const adding = library.add(() => [text('one'), text('again'), text('broken')]);
  assert.equal(library.adding, true);
  await release();
  await adding;
  assert.equal(library.adding, false);
  assert.deepEqual(added, ['one', 'again', 'broken']);
  assert.deepEqual(notices, [{ kind: 'error', message: '3 documents: 1 added, 1 already in your library, 1 not added.\ntoo short' }]);

  const failing = library.add(() => Promise.reject(new Error('offline')), 'The samples could not be loaded');
  await release();
  await failing;
  assert.deepEqual(notices[1], { kind: 'error', message: 'The samples could not be loaded: offline' });
});

test('a library file says what it added, and says so when its passages are indexed again (another model build)', async () => {
  const outcomes = [{ documents: 2, passages: 9 }, { documents: 1, passages: 1, reembedding: true as const }];
  const { library, notices, release } = setup({ importLibrary: () => Promise.resolve(outcomes.shift()!) });
  const file = (name: string) => ({ name }) as File;
  const same = library.importFile(file('mine.passage'));
  await release();
  await same;
  const other = library.importFile(file('old.passage'));
  await release();
  await other;
  assert.deepEqual(notices, [
    { kind: 'success', message: 'Imported 2 documents (9 passages) from “mine.passage”.' },
    {
      kind: 'success',
      message: 'Imported 1 document (1 passage) from “old.passage”. It was made with another build of the model, so its passages are being indexed again.',
    },
  ]);
});
