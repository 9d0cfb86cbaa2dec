/**
 * The facade the UI talks to (PassageApi): it builds the app's services and delegates to them.
 * - EmbeddingService (embedding-service.ts): the embedding worker, created only after `whenReady` (a dedicated
 *   worker is controlled by the service worker only if the page already was when it was created, and its model
 *   fetches must go through it), with the model loaded once per worker;
 * - the library in its worker (library-backend.ts), whose schema state SchemaStatus follows;
 * - IndexingScheduler + indexingRunner (indexing-scheduler.ts, indexing-run.ts): one indexing run at a time, one
 *   tab at a time; a document added during a run is picked up by a follow-up pass;
 * - LibraryController (library-controller.ts): document changes; those that remove vectors (delete, re-index,
 *   clear, import) stop indexing first, so a batch in flight can't put a deleted passage back; indexing resumes
 *   afterwards;
 * - SearchService (search-service.ts); start-up migrations (startup-migrations.ts); readable errors and storage.
 * What stays here is the wiring between them: which events reach which listeners, and when indexing resumes.
 */
import { transfer } from 'comlink';
import manifest from '../../models/manifest.json';
import { findModel, type ModelManifest, type ModelSpec } from '../core/model-spec.ts';
import type { LibraryModel } from '../store/library.ts';
import type { RemoteChange } from '../store/library-changes.ts';
import type { LibraryEvents } from '../store/library-worker-api.ts';
import type { WorkerLike } from './embedder-client.ts';
import type { PreferredDevice } from '../shared/embed-protocol.ts';
import type {
  AddResult,
  ContextPassage,
  DocumentSummary,
  ImportedText,
  LibraryImportOutcome,
  PassageApi,
  PlainTextInput,
  Progress,
  SearchOptions,
  SchemaState,
  SearchOutcome,
  StorageInfo,
  UpgradeProgress,
} from './api.ts';
import { DeviceStorage } from './device-storage.ts';
import { EmbeddingService } from './embedding-service.ts';
import { indexingRunner } from './indexing-run.ts';
import { IndexingScheduler } from './indexing-scheduler.ts';
import { createIndexingLock, type IndexingLock } from './indexing-lock.ts';
import { createLibraryWorker, type LibraryBackend } from './library-backend.ts';
import { LibraryController } from './library-controller.ts';
import { Listeners } from './listeners.ts';
import { cacheStorageStore, fetchFromOrigin } from './model-cache.ts';
import { checkModelFiles, libraryModel, needsRepair, repairModelFiles, type FetchFresh, type ModelCheck, type ModelFileStore } from './model-files.ts';
import { ReadableErrors } from './readable-errors.ts';
import { SchemaStatus } from './schema-status.ts';
import { SearchService } from './search-service.ts';
import { resplitStaleDocuments } from './startup-migrations.ts';
import { startupMark } from '../shared/startup-trace.ts';

export type { LibraryBackend };
export { DEFAULT_RESULT_COUNT } from './search-service.ts';
export const DEFAULT_CONTEXT_RADIUS = 1;

export interface PassageAppOptions {
  /** Resolves when the model may be fetched (the service worker controls the page). */
  whenReady?: Promise<void>;
  /** Defaults to the manifest's default model. */
  modelId?: string;
  /** The model to use, built-in or added in Settings (model-manager.ts `startupModel`); wins over `modelId`. */
  modelSpec?: ModelSpec;
  /** Defaults to the device measured fastest on an earlier start, else 'auto' (measure now). */
  device?: PreferredDevice;
  /** For tests: a fake worker and a throwaway database. The worker is created once, after `whenReady`. */
  createWorker?: () => WorkerLike;
  /** For tests: the library in-process instead of in the library worker; `events` are the worker's events. */
  createLibrary?: (model: LibraryModel, events: LibraryEvents) => LibraryBackend;
  /** For tests: the lock that keeps indexing to one tab (default: Web Locks, see indexing-lock.ts). */
  indexingLock?: IndexingLock;
  dbName?: string;
  storage?: Pick<StorageManager, 'estimate' | 'persisted' | 'persist'>;
  /** For tests: where model files are stored and fetched again (model-files.ts). */
  modelStore?: ModelFileStore;
  fetchModelFile?: FetchFresh;
}

export class PassageApp implements PassageApi {
  readonly model: ModelSpec;
  private readonly _options: PassageAppOptions;
  private readonly _progress = new Listeners<Progress>();
  private readonly _libraryChange = new Listeners<void>();
  private readonly _upgrade = new Listeners<UpgradeProgress | null>();
  private readonly _lock: IndexingLock;
  private readonly _embedding: EmbeddingService;
  private readonly _scheduler: IndexingScheduler;
  private readonly _schema: SchemaStatus;
  private readonly _storage: DeviceStorage;
  private readonly _search: SearchService;
  private readonly _documents: LibraryController;
  private _library: LibraryBackend | null = null;

  constructor(options: PassageAppOptions = {}) {
    this._options = options;
    this.model = options.modelSpec ?? findModel(manifest as ModelManifest, options.modelId);
    const progress = (value: Progress) => this._progress.emit(value);
    const libraryChanged = () => this._libraryChange.emit();
    const library = () => this._openLibrary();
    this._storage = new DeviceStorage(options.storage);
    const errors = new ReadableErrors(() => this.storage());
    this._embedding = new EmbeddingService(this.model, options, progress);
    this._lock = options.indexingLock ?? createIndexingLock(options.dbName ?? 'passage');
    const runner = indexingRunner({
      model: this._libraryModel(),
      loadModel: () => this._embedding.load(),
      library,
      lock: this._lock,
      embedder: this._embedding.passages,
      progress,
      libraryChanged,
      describe: (error, action) => errors.describe(error, action),
    });
    // Indexing resumes by itself (after a change, a hold, another tab's news) only once a model load was asked for.
    this._scheduler = new IndexingScheduler(runner, () => this._embedding.loadAsked);
    // Outdated: the database connection is closed, nothing more can be stored.
    this._schema = new SchemaStatus(() => this._scheduler.stop());
    this._search = new SearchService(library, this._embedding);
    this._documents = new LibraryController({ library, embedding: this._embedding, scheduler: this._scheduler, progress, libraryChanged, errors });
    // The user cancelled or resumed indexing in another tab: here too (see indexing-lock.ts).
    this._lock.onAnnounce((signal) => {
      if (signal === 'cancel') this._scheduler.stop();
      else this._scheduler.resumeInBackground();
    });
  }

  async start(): Promise<void> {
    startupMark('page:start');
    // The index loads while the model does; an upgrade this tab waited for is done once it is ready.
    void this._openLibrary()
      .ready()
      .then(() => this._schema.opened())
      .catch(() => undefined);
    await this._embedding.load();
    await resplitStaleDocuments(this._openLibrary(), this._documents);
    this._scheduler.resumeInBackground();
  }

  onProgress(listener: (progress: Progress) => void): () => void {
    return this._progress.add(listener);
  }

  onLibraryChange(listener: () => void): () => void {
    return this._libraryChange.add(listener);
  }

  onSchemaState(listener: (state: SchemaState) => void): () => void {
    return this._schema.onChange(listener);
  }

  onUpgradeProgress(listener: (progress: UpgradeProgress | null) => void): () => void {
    return this._upgrade.add(listener);
  }

  async listDocuments(): Promise<DocumentSummary[]> {
    return this._openLibrary().listDocuments();
  }

  plainText(input: PlainTextInput): Promise<string> {
    // The bytes move to the worker instead of being copied; the caller does not need them afterwards.
    return this._openLibrary().plainText('bytes' in input ? transfer(input, [input.bytes.buffer]) : input);
  }

  addDocument(doc: ImportedText): Promise<AddResult> {
    return this._documents.addDocument(doc);
  }

  deleteDocument(id: string, title = ''): Promise<void> {
    return this._documents.deleteDocument(id, title);
  }

  reindexDocument(id: string): Promise<void> {
    return this._documents.reindexDocument(id);
  }

  clearLibrary(): Promise<void> {
    return this._documents.clearLibrary();
  }

  cancelIndexing(): void {
    this._scheduler.stop();
    this._lock.announce('cancel');
  }

  resumeIndexing(): Promise<void> {
    this._lock.announce('resume'); // the other tabs queue too: one indexes, the others follow and take over
    return this._scheduler.resume();
  }

  holdIndexing(): () => void {
    // This tab's run only: a batch here is no reason to cancel indexing in the other tabs (cancelIndexing does).
    return this._scheduler.hold();
  }

  search(query: string, options: SearchOptions = {}): Promise<SearchOutcome> {
    return this._search.search(query, options);
  }

  prepareQuery(query: string): void {
    this._search.prepare(query);
  }

  async context(passageId: string, radius = DEFAULT_CONTEXT_RADIUS): Promise<ContextPassage[]> {
    return this._openLibrary().neighbours(passageId, radius);
  }

  async exportLibrary(): Promise<Blob> {
    return this._openLibrary().exportLibrary();
  }

  importLibrary(file: Blob): Promise<LibraryImportOutcome> {
    return this._documents.importLibrary(file);
  }

  async checkModel(): Promise<ModelCheck> {
    return checkModelFiles(this.model, this._options.modelStore ?? cacheStorageStore());
  }

  async repairModel(): Promise<string[]> {
    if (typeof navigator !== 'undefined' && !navigator.onLine) {
      throw new Error('You are offline. Connect to the internet, then press “Repair” again.');
    }
    const store = this._options.modelStore ?? cacheStorageStore();
    const check = await checkModelFiles(this.model, store);
    const repaired = needsRepair(check) ? await repairModelFiles(this.model, check, store, this._options.fetchModelFile ?? fetchFromOrigin) : [];
    // A fresh worker and no vectors from the broken model: nothing of the failed load survives the repair.
    this._embedding.renew();
    this._search.forget();
    await this._embedding.load();
    this._scheduler.resumeInBackground();
    return repaired;
  }

  /** Frees what a removed model's vectors took (in the library worker, in bounded slices); not the model in use. */
  async deleteModelVectors(modelId: string): Promise<void> {
    await this._openLibrary().deleteModelVectors(modelId);
  }

  storage(): Promise<StorageInfo> {
    return this._storage.info();
  }

  persistStorage(): Promise<boolean> {
    return this._storage.persist();
  }

  /** Stops the worker and closes the database (tests; a page simply goes away). */
  async dispose(): Promise<void> {
    this._scheduler.stop();
    this._embedding.close();
    await this._scheduler.settled();
    this._embedding.terminate();
    this._lock.close();
    await this._library?.close();
  }

  // ——— internals ———

  private _libraryModel(): LibraryModel {
    return { id: this.model.id, dimensions: this.model.dimensions };
  }

  private _openLibrary(): LibraryBackend {
    const events: LibraryEvents = {
      onVersionChange: () => this._schema.outdated(),
      onBlocked: () => this._schema.blocked(),
      onLexicalReady: () => undefined, // each search says whether it used words (SearchOutcome.byMeaningOnly)
      onRemoteChange: (change) => this._onRemoteChange(change),
      onUpgradeProgress: (progress) => this._upgrade.emit(progress),
    };
    this._library ??=
      this._options.createLibrary?.(this._libraryModel(), events) ??
      createLibraryWorker(libraryModel(this.model), this._options.dbName, events);
    return this._library;
  }

  /** Another tab changed the library (this tab's index has caught up): show it, and index what it left pending. */
  private _onRemoteChange(change: RemoteChange): void {
    this._libraryChange.emit();
    // Queues behind the indexing tab's lock: this tab says it follows, and takes over if that one closes
    // (indexing-lock.ts). Stored rows alone do not undo a cancel (IndexingScheduler.paused).
    const wanted = change.pending || !this._scheduler.paused;
    if (wanted && this._embedding.loadAsked && this._schema.state !== 'outdated') this._scheduler.resumeInBackground();
  }
}
