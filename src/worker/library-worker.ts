/**
 * The library worker: the IndexedDB library and the search index live here (library-service.ts), so loading,
 * ranking, storing and deleting never run on the page's main thread. Comlink turns the service's async methods
 * into calls from the page (its interface: store/library-worker-api.ts); callbacks (events) come in as Comlink
 * proxies.
 */
/// <reference lib="webworker" />
// First: the lifeline's lock (the page notices at once if this worker ends).
import './lifeline-hold.ts';
import { startupMark } from '../shared/startup-trace.ts';
import { expose, proxy, type Remote } from 'comlink';
import { LibraryService } from '../store/library-service.ts';
import type { LibraryEvents, LibraryWorkerFactory } from '../store/library-worker-api.ts';

/** Long enough for the model to load and a first query to be answered on a slow 2-core machine (bench/startup.ts). */
const TEXT_PASS_DELAY_MS = 8000;

const factory: LibraryWorkerFactory = {
  // The page's callbacks arrive as Comlink proxies: each call returns a promise, which nothing here waits for.
  create(model, dbName, events: Remote<LibraryEvents>) {
    return proxy(
      new LibraryService(model, {
        ...(dbName ? { dbName } : {}),
        onVersionChange: () => void events.onVersionChange(),
        onBlocked: () => void events.onBlocked(),
        onLexicalReady: () => void events.onLexicalReady(),
        onRemoteChange: (change) => void events.onRemoteChange(change),
        onUpgradeProgress: (progress) => void events.onUpgradeProgress(progress),
        // At start the model load and the first query come first; a long word-index pass waits for them.
        textPassDelayMs: TEXT_PASS_DELAY_MS,
      }),
    );
  },
};

startupMark('library:script');
expose(factory);
