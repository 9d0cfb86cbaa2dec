/**
 * The library as the page reaches it: the store's LibraryService running in the library worker (through Comlink),
 * under a supervisor, so a call that dies with the worker is retried once on a new one (which opens the database and
 * loads the index again) and a crash costs a pause, not a reload. Tests pass the same class in-process instead.
 */
import { proxy, wrap } from 'comlink';
import type { LibraryModel } from '../store/library.ts';
import type { LibraryService } from '../store/library-service.ts';
import type { LibraryEvents, LibraryWorkerFactory } from '../store/library-worker-api.ts';
import { lifelineName, watchWorker } from './lifeline.ts';
import { supervisedProxy } from './supervised-proxy.ts';
import { Supervisor, type Supervised } from './supervisor.ts';

/**
 * What the app asks of the library: the library worker's service (through Comlink in the browser), or the same
 * class in-process (Node tests). Every method is async either way.
 */
export type LibraryBackend = {
  [K in keyof LibraryService as LibraryService[K] extends (...args: never[]) => Promise<unknown> ? K : never]: LibraryService[K];
};

/** The library worker under a supervisor, behind a proxy with the library's methods. */
export function createLibraryWorker(model: Promise<LibraryModel>, dbName: string | undefined, events: LibraryEvents): LibraryBackend {
  const supervisor = new Supervisor(() => startLibraryWorker(model, dbName, events), { name: 'the library worker' });
  return supervisedProxy(supervisor);
}

/** The library worker, reached through Comlink; its service object stays in the worker. */
function startLibraryWorker(model: Promise<LibraryModel>, dbName: string | undefined, events: LibraryEvents): Supervised<Promise<LibraryBackend>> {
  const worker = new Worker(new URL('../worker/library-worker.ts', import.meta.url), { type: 'module', name: lifelineName('passage-library') });
  const lifeline = watchWorker(worker, 'the library worker');
  const factory = wrap<LibraryWorkerFactory>(worker);
  // The model's build hash is read from its passage-build.json (app/model-files.ts `libraryModel`) meanwhile.
  const service = model.then((m) => factory.create(m, dbName, proxy(events)));
  return {
    value: service,
    died: lifeline.died,
    stop: () => {
      lifeline.release();
      worker.terminate();
    },
  };
}
