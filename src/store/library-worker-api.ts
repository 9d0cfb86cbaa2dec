/**
 * What the library worker (src/worker/library-worker.ts) exposes to the page through Comlink, and the events it
 * sends back. Types only, so the page can name them without loading the worker's code.
 */
import type { UpgradeProgress } from '../core/types.ts';
import type { RemoteChange } from './library-changes.ts';
import type { LibraryModel } from './library.ts';
import type { LibraryService } from './library-service.ts';

export interface LibraryEvents {
  onVersionChange(): void;
  onBlocked(): void;
  onLexicalReady(): void;
  onRemoteChange(change: RemoteChange): void;
  onUpgradeProgress(progress: UpgradeProgress | null): void;
}

export interface LibraryWorkerFactory {
  create(model: LibraryModel, dbName: string | undefined, events: LibraryEvents): LibraryService;
}
