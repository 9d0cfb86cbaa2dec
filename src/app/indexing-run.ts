/**
 * What one indexing run does (the scheduler, indexing-scheduler.ts, decides when): load the model, wait for this
 * tab's turn under the indexing lock (one tab indexes at a time), embed and store everything pending, report
 * progress, and save the word index at the end so the next start has words at once. A stopped run ends quietly;
 * a failed one is shown to the user as a sentence, however it was started.
 */
import type { LibraryModel } from '../store/library.ts';
import { isAbortError } from '../shared/abort.ts';
import type { Progress } from './api.ts';
import { indexPending, type Embedder, type PendingWork } from './indexer.ts';
import type { IndexingLock } from './indexing-lock.ts';
import type { LibraryBackend } from './library-backend.ts';
import type { IndexingRunner } from './indexing-scheduler.ts';

export interface IndexingRunDeps {
  model: LibraryModel;
  /** Loads the model (once; later calls share the load). */
  loadModel(): Promise<unknown>;
  library(): LibraryBackend;
  lock: IndexingLock;
  embedder: Embedder;
  progress(progress: Progress): void;
  /** The set of documents or their indexing state changed (a batch was stored, another tab's counts moved). */
  libraryChanged(): void;
  /** "<action>: <why>" for people (readable-errors.ts). */
  describe(error: unknown, action: string): Promise<string>;
}

export function indexingRunner(deps: IndexingRunDeps): IndexingRunner {
  return async (signal, untilCaughtUp) => {
    try {
      await deps.loadModel();
      const library = deps.library();
      // One tab indexes at a time: wait while another does, then take over what is still pending.
      await deps.lock.hold(() => untilCaughtUp(() => indexOnce(deps, library, signal)), {
        signal,
        onWait: () => deps.progress({ stage: 'indexing-elsewhere' }),
      });
      deps.progress({ stage: 'idle' });
      // Counts may have moved in another tab while this one waited.
      deps.libraryChanged();
      // Saved now, the next start has words at once instead of reading every passage's text again.
      await library.saveWordIndex().catch((error: unknown) => console.warn('Passage: the word index was not saved', error));
    } catch (error) {
      // Cancelled or failed, what was stored stays and the rest stays pending. A failure is shown to the user
      // however the run was started (in the background or by "Try again").
      if (isAbortError(error)) {
        deps.progress({ stage: 'idle' });
        return;
      }
      deps.progress({ stage: 'error', message: await deps.describe(error, 'Indexing stopped') });
      throw error;
    }
  };
}

async function indexOnce(deps: IndexingRunDeps, library: LibraryBackend, signal: AbortSignal): Promise<void> {
  const work: PendingWork = {
    model: deps.model,
    pendingCount: () => library.pendingCount(),
    pendingTexts: (limit) => library.pendingTexts(limit),
    storeVectors: (modelId, batch) => library.storeVectors(modelId, batch),
  };
  await indexPending(work, deps.embedder, {
    signal,
    onBatch: () => deps.libraryChanged(),
    onProgress: (p) => {
      if (p.total > 0) deps.progress({ stage: 'indexing', ...p });
    },
  });
}
