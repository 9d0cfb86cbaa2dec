import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Progress } from './api.ts';
import { RIVERS } from './documents.test-support.ts';
import { PassageApp } from './passage-app.ts';
import { LibraryService } from '../store/library-service.ts';
import { createFakeEngine, fakeEnvironment, FakeWorker, type FakeEngine } from '../worker/fake-engine.test-support.ts';
import type { LibraryModel } from '../store/library.ts';

let counter = 0;

interface FaultOptions {
  dbName?: string;
  /** Workers still to be created that crash at their first message. */
  crashingWorkers?: number;
  /** Model loads fail with this error. */
  loadError?: Error;
  /** Wraps the library service (to make its writes fail). */
  library?: (service: LibraryService) => LibraryService;
}

/** The app over fake workers (created through the same supervisor as in the browser) and a fake IndexedDB. */
function setup(options: FaultOptions = {}) {
  const engines: FakeEngine[] = [];
  const workers: FakeWorker[] = [];
  const dbName = options.dbName ?? `faults-test-${process.pid}-${++counter}`;
  let crashing = options.crashingWorkers ?? 0;
  const app = new PassageApp({
    dbName,
    createLibrary: (model: LibraryModel) => {
      const service = new LibraryService(model, { dbName });
      return options.library ? options.library(service) : service;
    },
    createWorker: () => {
      const worker = new FakeWorker(
        fakeEnvironment(createFakeEngine(), {
          loadEngine: async (spec) => {
            if (options.loadError) throw options.loadError;
            const engine = createFakeEngine('wasm', spec);
            engines.push(engine);
            return engine;
          },
        }),
      );
      if (crashing > 0) {
        crashing--;
        // It never answers: its first message makes it crash.
        worker.postMessage = (message) => {
          worker.received.push(message);
          setTimeout(() => worker.crash('a test crash'), 0);
        };
      }
      workers.push(worker);
      return worker;
    },
    storage: {
      estimate: async () => ({ usage: 52_400_000, quota: 60_000_000 }),
      persisted: async () => false,
      persist: async () => true,
    },
  });
  return {
    app,
    workers,
    engines,
    crashNext: (count: number) => (crashing = count),
  };
}

function nextError(app: PassageApp): Promise<Progress> {
  return new Promise((resolve) => {
    const off = app.onProgress((p) => {
      if (p.stage === 'error') {
        off();
        resolve(p);
      }
    });
  });
}

describe('PassageApp faults', () => {
  it('replaces an embedding worker that crashes mid-indexing and finishes indexing with every passage once', async () => {
    const { app, workers, engines } = setup();
    await app.start();
    await app.addDocument(RIVERS);
    engines[0]!.gate = new Promise<void>(() => undefined); // the first batch is held in the first worker…
    const indexing = app.resumeIndexing();
    await new Promise((resolve) => setTimeout(resolve, 20));
    workers[0]!.crash('out of memory'); // …when it crashes
    await indexing;
    assert.equal(workers.length, 2, 'one new worker');
    assert.equal(workers[0]!.terminated, true, 'the crashed one is stopped');
    assert.deepEqual((await app.listDocuments()).map((d) => [d.indexedCount, d.passageCount]), [[3, 3]]);
    assert.equal((await app.search('longest river Nile Africa')).hits[0]?.ordinal, 1);
    await app.dispose();
  });

  it('an embedding worker that dies again after its restart gives a readable error, and the next call (Try again) works without a reload', async () => {
    const { app, workers, crashNext } = setup();
    await app.start();
    await app.resumeIndexing(); // the start's background run is over: only the call below meets the deaths
    crashNext(2);
    workers[0]!.crash('first death');
    // Splitting needs the worker: adding fails with words for people, not the crash text.
    await assert.rejects(app.addDocument(RIVERS), (error: Error) => {
      assert.match(error.message, /^“Rivers” was not added: part of Passage stopped working and could not be restarted/);
      return true;
    });
    // Now healthy again: "Try again" works without a reload.
    await app.addDocument(RIVERS);
    await app.resumeIndexing();
    assert.deepEqual((await app.listDocuments()).map((d) => d.indexedCount), [3]);
    await app.dispose();
  });

  it('storage full while indexing: the message says so with the usage, stored data stays, Try again resumes once there is room', async () => {
    let full = false;
    const { app } = setup({
      library: (service) => {
        const store = service.storeVectors.bind(service);
        service.storeVectors = async (...args) => {
          if (full) throw Object.assign(new Error(''), { name: 'QuotaExceededError' }); // as Comlink hands it over
          return store(...args);
        };
        return service;
      },
    });
    await app.start();
    full = true;
    const reported = nextError(app);
    await app.addDocument(RIVERS);
    const error = await reported;
    assert.equal(error.stage, 'error');
    const message = error.stage === 'error' ? error.message : '';
    assert.match(message, /^Indexing stopped: storage is full/);
    assert.match(message, /Passage uses 52 MB of the 60 MB/);
    assert.deepEqual((await app.listDocuments()).map((d) => [d.indexedCount, d.passageCount]), [[0, 3]]);

    full = false;
    await app.resumeIndexing();
    assert.deepEqual((await app.listDocuments()).map((d) => d.indexedCount), [3]);
    await app.dispose();
  });

  it('storage full while adding: a readable error, nothing of the document kept', async () => {
    const { app } = setup({
      library: (service) => {
        service.addDocument = async () => {
          throw new DOMException('', 'QuotaExceededError');
        };
        return service;
      },
    });
    await app.start();
    await assert.rejects(app.addDocument(RIVERS), (error: Error) => {
      assert.match(error.message, /^“Rivers” was not added: storage is full .*Passage uses 52 MB/);
      return true;
    });
    assert.deepEqual(await app.listDocuments(), []);
    await app.dispose();
  });

  it('when the model cannot load, search matches words and says so and why, never with the raw library error', async () => {
    const dbName = `faults-test-${process.pid}-${++counter}`;
    const first = setup({ dbName });
    await first.app.start();
    await first.app.addDocument(RIVERS);
    await first.app.resumeIndexing();
    await first.app.dispose();

    const broken = setup({ dbName, loadError: new Error("Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: protobuf parsing failed") });
    await assert.rejects(broken.app.start());
    // The word index comes back from its saved snapshot in the background after a start.
    let outcome = await broken.app.search('Nile river Africa');
    for (let i = 0; i < 50 && outcome.hits.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      outcome = await broken.app.search('Nile river Africa');
    }
    assert.equal(outcome.hits[0]?.ordinal, 1, 'words still find the passage');
    assert.match(outcome.wordsOnly ?? '', /^Matched by words only: the language model’s files on this device are damaged/);
    assert.doesNotMatch(outcome.wordsOnly ?? '', /ERROR_CODE|protobuf/);
    await broken.app.dispose();
  });
});
