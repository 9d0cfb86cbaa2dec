/**
 * The library as the shell shows it: the document list, the storage figure, and the one runner for what changes
 * the library — adding texts (import-panel, samples, the operating system) and the actions of the library and
 * Settings panels (delete, re-index, clear, export, import a library file, keep the data). Each runner is busy while it runs (Lit Task status), says in a notice what failed, and reads the
 * list and the storage figure again after.
 */
import { Task, TaskStatus, initialState } from '@lit/task';
import type { ReactiveControllerHost } from 'lit';
import type { DocumentSummary, ImportedText, PassageApi, StorageInfo } from '../app/api.ts';
import type { FileOutcome } from '../import/batch.ts';
import { messageOf } from './error-message.ts';
import { plural } from './format.ts';
import { batchSummary } from './import-summary.ts';
import { saveLibraryFile } from './library-file.ts';
import type { Notify } from './notices.ts';

type Host = ReactiveControllerHost & { api: PassageApi | null };

export interface LibraryOptions {
  notify: Notify;
  /** Each time the list has been read: what the shell shows of gone documents (filter, results) goes. */
  onRead: (documents: DocumentSummary[]) => void;
  /** A document (its id, or 'all' for every one) was deleted here: its results go at once, before the list is read. */
  onRemoved: (documentId: string) => void;
}

export class LibraryStateController {
  documents: DocumentSummary[] = [];
  /** The list was read once: no documents then means an empty library, not one still loading. */
  loaded = false;

  private readonly _host: Host;
  private readonly _notify: Notify;
  private readonly _onRemoved: (documentId: string) => void;
  private readonly _list: Task<[PassageApi | null], DocumentSummary[]>;
  private readonly _storage: Task<[PassageApi | null], StorageInfo | null>;
  private readonly _adding: Task<[() => ImportedText[] | Promise<ImportedText[]>, string], void>;
  private readonly _action: Task<[() => Promise<void>, string], void>;
  private _reading: Promise<void> | null = null;
  private _readAgain = false;

  constructor(host: Host, { notify, onRead, onRemoved }: LibraryOptions) {
    this._host = host;
    this._notify = notify;
    this._onRemoved = onRemoved;
    this._list = new Task(host, {
      autoRun: false,
      args: () => [host.api],
      task: ([api]) => api?.listDocuments() ?? initialState,
      onComplete: (documents) => {
        this.documents = documents;
        this.loaded = true;
        onRead(documents);
      },
      onError: (error) => notify('error', `The library could not be read: ${messageOf(error)}`),
    });
    // Read on attach and after every change; a figure that cannot be read is not shown.
    this._storage = new Task(host, {
      autoRun: false,
      args: () => [host.api],
      task: async ([api]) => (api ? await api.storage().catch(() => null) : null),
    });
    this._adding = new Task(host, { autoRun: false, task: ([load, failure]) => this._addAll(load, failure) });
    this._action = new Task(host, {
      autoRun: false,
      task: async ([action, failure]) => {
        try {
          await action();
        } catch (error) {
          notify('error', `${failure}: ${messageOf(error)}`);
        }
      },
    });
  }

  get storage(): StorageInfo | null {
    return this._storage.value ?? null;
  }

  /** Texts are being added (the import panel and the samples button wait). */
  get adding(): boolean {
    return this._adding.status === TaskStatus.PENDING;
  }

  /** A library action runs (Settings' buttons wait). */
  get busy(): boolean {
    return this._action.status === TaskStatus.PENDING;
  }

  /** Follows `api`'s library: reads the list and the storage figure now and the list on every change. */
  attach(api: PassageApi): (() => void)[] {
    const off = api.onLibraryChange(() => void this.refresh());
    void this.refresh();
    this.refreshStorage();
    return [off];
  }

  /**
   * Reads the document list; calls while a read is in flight make one more read after it, not one each (a batch
   * of 10,000 files changes the library 10,000 times).
   */
  refresh(): Promise<void> {
    if (this._reading) {
      this._readAgain = true;
      return this._reading;
    }
    this._reading = (async () => {
      do {
        this._readAgain = false;
        await this._list.run();
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- refresh() may set _readAgain during run() (TS keeps the `= false` narrowing across calls, TypeScript#9998)
      } while (this._readAgain);
    })().finally(() => (this._reading = null));
    return this._reading;
  }

  /** Reads the storage figure again (a model's files or vectors were removed, say). */
  refreshStorage(): void {
    void this._storage.run();
  }

  /** Reads the list, then the storage figure (files were imported). */
  async reread(): Promise<void> {
    await this.refresh();
    this.refreshStorage();
  }

  /** Adds the texts `load` gives, one by one, and says in one notice how that went; `failure` if `load` fails. */
  async add(load: () => ImportedText[] | Promise<ImportedText[]>, failure = 'The documents could not be added'): Promise<void> {
    await this._adding.run([load, failure]);
    await this.reread();
  }

  /** Runs `action` on the library; if it fails, a notice says `failure` and why. */
  async run(action: () => Promise<void>, failure: string): Promise<void> {
    await this._action.run([action, failure]);
    await this.reread();
  }

  delete(id: string): Promise<void> {
    const doc = this.documents.find((d) => d.id === id);
    return this.run(async () => {
      await this._host.api?.deleteDocument(id, doc?.title);
      this._onRemoved(id);
      if (doc) this._notify('info', `Deleted “${doc.title}”.`);
    }, 'The document could not be deleted');
  }

  reindex(id: string): Promise<void> {
    return this.run(async () => {
      await this._host.api?.reindexDocument(id);
    }, 'The document could not be re-indexed');
  }

  clear(): Promise<void> {
    return this.run(async () => {
      await this._host.api?.clearLibrary();
      this._onRemoved('all');
      this._notify('info', 'The library is empty now.');
    }, 'The library could not be cleared');
  }

  /** Saves the library as a file (library-file.ts). */
  async exportFile(): Promise<void> {
    const api = this._host.api;
    if (api) await this.run(async () => saveLibraryFile(await api.exportLibrary(), api.model.name), 'The library could not be exported');
  }

  /** Adds the documents of a library file, with their vectors. */
  importFile(file: File): Promise<void> {
    return this.run(async () => {
      const result = await this._host.api?.importLibrary(file);
      if (!result) return;
      const imported = `Imported ${plural(result.documents, 'document')} (${plural(result.passages, 'passage')}) from “${file.name}”.`;
      // Its vectors came from another build of the model (stored.build ≠ file's): the texts came in, the vectors did not.
      const reembedding = result.reembedding ? ' It was made with another build of the model, so its passages are being indexed again.' : '';
      this._notify('success', imported + reembedding);
    }, `“${file.name}” was not imported`);
  }

  /** Asks the browser to keep the data (not evict it under storage pressure) and says whether it agreed. */
  async persist(): Promise<void> {
    const api = this._host.api;
    if (!api) return;
    const granted = await api.persistStorage().catch(() => false);
    this._notify(
      granted ? 'success' : 'info',
      granted ? 'The browser will keep Passage’s data.' : 'The browser did not agree to keep the data for now (installing Passage as an app usually helps).',
    );
    this.refreshStorage();
  }

  private async _addAll(load: () => ImportedText[] | Promise<ImportedText[]>, failure: string) {
    const api = this._host.api;
    if (!api) return;
    let documents: ImportedText[];
    try {
      documents = await load();
    } catch (error) {
      this._notify('error', `${failure}: ${messageOf(error)}`);
      return;
    }
    const outcomes: FileOutcome[] = [];
    for (const doc of documents) {
      const name = doc.title;
      try {
        const result = await api.addDocument(doc);
        outcomes.push(
          result.duplicate ? { name, status: 'duplicate', title: doc.title } : { name, status: 'added', title: doc.title, passages: result.passageCount },
        );
      } catch (error) {
        outcomes.push({ name, status: 'failed', message: messageOf(error) });
      }
    }
    const summary = batchSummary({ total: documents.length, outcomes, cancelled: false }, 'document');
    this._notify(summary.kind, summary.message);
  }

}
