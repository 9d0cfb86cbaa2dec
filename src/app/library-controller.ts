/**
 * Changes to the set of documents: add, delete, re-index, clear and import. Each reports what it is doing on the
 * progress line and fails with a sentence for people. A change that removes vectors runs while indexing is stopped
 * (indexing-scheduler.ts), so a batch in flight can't put a deleted passage back; every change announces itself
 * (onLibraryChange) and lets indexing resume afterwards.
 */
import { proxy } from 'comlink';
import type { SpanOffsets } from '../core/split.ts';
import type { ImportProgress } from '../store/library-file/database.ts';
import type { AddResult, ImportedText, LibraryImportOutcome, Progress } from './api.ts';
import type { EmbeddingService } from './embedding-service.ts';
import type { IndexingScheduler } from './indexing-scheduler.ts';
import type { LibraryBackend } from './library-backend.ts';
import type { ReadableErrors } from './readable-errors.ts';

/** A stored document's text split by the current splitter. */
export interface StoredSplit {
  id: string;
  text: string;
  offsets: SpanOffsets;
}

export interface LibraryControllerDeps {
  library(): LibraryBackend;
  embedding: EmbeddingService;
  scheduler: IndexingScheduler;
  // Function properties, not methods: the controller takes them out of the object (`const { progress } = deps`).
  progress: (progress: Progress) => void;
  libraryChanged: () => void;
  errors: ReadableErrors;
}

export class LibraryController {
  private readonly _deps: LibraryControllerDeps;

  constructor(deps: LibraryControllerDeps) {
    this._deps = deps;
  }

  async addDocument(doc: ImportedText): Promise<AddResult> {
    if (doc.text.trim() === '') throw new Error(`“${doc.title}” has no text to index.`);
    const { progress, embedding } = this._deps;
    const library = this._deps.library();
    // A duplicate is answered before splitting, which would need the model. Hashed in the library worker.
    const existing = await library.findByText(doc.text);
    if (existing) return existing;

    try {
      progress({ stage: 'working', task: 'splitting', title: doc.title });
      // Splitting counts tokens with the model's tokenizer (the embedding service loads it).
      const offsets = await embedding.split(doc.text);
      if (offsets.starts.length === 0) throw new Error(`“${doc.title}” has no passages worth indexing.`);
      progress({ stage: 'working', task: 'saving', title: doc.title });
      // Passages whose text already has a vector (shared with a stored passage) are searchable at once.
      const added = await library.addDocument(doc, offsets);
      if (!added.duplicate) {
        this._deps.libraryChanged();
        this._deps.scheduler.resumeInBackground();
      }
      return added;
    } catch (error) {
      throw await this._deps.errors.forPeople(error, `“${doc.title}” was not added`);
    } finally {
      this._doneWorking();
    }
  }

  async deleteDocument(id: string, title = ''): Promise<void> {
    this._deps.progress({ stage: 'working', task: 'deleting', title });
    try {
      await this._whileIndexingStopped((library) => library.deleteDocument(id));
    } finally {
      this._doneWorking();
    }
  }

  /** Splits the stored text again (the splitter may have changed since) and embeds every passage anew. */
  async reindexDocument(id: string): Promise<void> {
    const split = await this.splitStored(id);
    if (split) await this.replacePassages([split]);
  }

  async clearLibrary(): Promise<void> {
    await this._whileIndexingStopped((library) => library.clear());
  }

  async importLibrary(file: Blob): Promise<LibraryImportOutcome> {
    const { progress } = this._deps;
    const title = file instanceof File ? file.name : '';
    progress({ stage: 'working', task: 'importing', title });
    // One pass over the file checks and stores it (library-file/database.ts).
    const onProgress = proxy((p: ImportProgress) => progress({ stage: 'working', task: 'importing', title, done: p.bytesRead, total: p.totalBytes }));
    try {
      return await this._whileIndexingStopped((library) => library.importLibrary(file, onProgress));
    } catch (error) {
      const people = await this._deps.errors.forPeople(error, 'Nothing was imported');
      throw people instanceof Error && people !== error ? new Error(people.message.replace(/^Nothing was imported: /, '')) : error;
    } finally {
      this._doneWorking();
    }
  }

  /** A stored document's text split by the current splitter; null when the document is gone. */
  async splitStored(id: string): Promise<StoredSplit | null> {
    const text = await this._deps.library().getText(id);
    if (text === undefined) return null;
    return { id, text, offsets: await this._deps.embedding.split(text) };
  }

  /** Stores the new passages of each split document (their vectors are embedded again), all in one pause. */
  async replacePassages(splits: readonly StoredSplit[]): Promise<void> {
    await this._whileIndexingStopped(async (library) => {
      for (const { id, text, offsets } of splits) await library.replacePassages(id, text, offsets);
    });
  }

  /** Back to idle after a 'working' stage, unless indexing has taken over the progress line. */
  private _doneWorking(): void {
    if (!this._deps.scheduler.running) this._deps.progress({ stage: 'idle' });
  }

  private _whileIndexingStopped<T>(change: (library: LibraryBackend) => Promise<T>): Promise<T> {
    return this._deps.scheduler.whileStopped(async () => {
      try {
        return await change(this._deps.library());
      } finally {
        this._deps.libraryChanged();
      }
    });
  }
}
