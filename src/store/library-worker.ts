/**
 * The library worker: the IndexedDB library and the search index live here (library-service.ts), so loading,
 * ranking, storing and deleting never run on the page's main thread. Comlink turns the service's async methods
 * into calls from the page; callbacks (events) come in as Comlink proxies.
 */
/// <reference lib="webworker" />
// First: the lifeline's lock (the page notices at once if this worker ends).
import '../worker/lifeline-hold.ts';
import { startupMark } from '../worker/startup-trace.ts';
import { expose, proxy } from 'comlink';
import type { UpgradeProgress } from '../app/api.ts';
import type { RemoteChange } from './library-changes.ts';
import type { LibraryModel } from './library.ts';
import { LibraryService } from './library-service.ts';

/** Long enough for the model to load and a first query to be answered on a slow 2-core machine (bench/startup.ts). */
const TEXT_PASS_DELAY_MS = 8000;

export interface LibraryEvents {
  onVersionChange(): void;
  onBlocked(): void;
  onLexicalReady(): void;
  onRemoteChange(change: RemoteChange): void;
  onUpgradeProgress(progress: UpgradeProgress | null): void;
}

const factory = {
  create(model: LibraryModel, dbName: string | undefined, events: LibraryEvents): LibraryService {
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

export type LibraryWorkerFactory = typeof factory;

startupMark('library:script');
expose(factory);
