/**
 * The facade the UI talks to (PassageApi). It wires the embedding worker (through EmbedderClient), the
 * IndexedDB library, the resumable indexer and the in-memory core SearchIndex, which is loaded once from the
 * library and then updated as each indexing batch lands (and when an added document's passages share text, so a
 * vector, with stored ones).
 *
 * Ordering rules it keeps:
 * - the embedding worker is not even created before `whenReady` resolves: a dedicated worker is controlled by the
 *   service worker only if the page already was when it was created, and its model fetches must go through it;
 * - only one indexing run at a time; a document added during a run is picked up by a follow-up run;
 * - changes that remove vectors (delete, re-index, clear, import) stop indexing first, so a batch in flight
 *   can't put a deleted passage back into the in-memory index; indexing resumes afterwards.
 */
import { proxy, transfer, wrap } from 'comlink';
import manifest from '../../models/manifest.json';
import { findModel, type ModelManifest, type ModelSpec } from '../core/model-spec.ts';
import type { SpanOffsets } from '../core/split.ts';
import { indexPending, type Embedder, type PendingWork } from './indexer.ts';
import type { LibraryModel } from '../store/library.ts';
import type { ImportProgress } from '../store/library-file/database.ts';
import type { LibraryService } from '../store/library-service.ts';
import type { RemoteChange } from '../store/library-changes.ts';
import type { LibraryEvents, LibraryWorkerFactory } from '../store/library-worker-api.ts';
import { EmbedderClient, type WorkerLike } from './embedder-client.ts';
import type { LoadResult, PreferredDevice, WorkerProgress } from '../shared/embed-protocol.ts';
import type {
  AddResult,
  ContextPassage,
  DocumentSummary,
  ImportedText,
  PassageApi,
  PlainTextInput,
  Progress,
  SearchOptions,
  SchemaState,
  SearchOutcome,
  StorageInfo,
  UpgradeProgress,
} from './api.ts';
import { rememberDevice, rememberedDevice } from './device-memory.ts';
import { classifyError, describeError } from '../core/faults.ts';
import { lifelineName, watchWorker } from './lifeline.ts';
import { cacheStorageStore, fetchFromOrigin } from './model-cache.ts';
import { checkModelFiles, libraryModel, needsRepair, repairModelFiles, type FetchFresh, type ModelCheck, type ModelFileStore } from './model-files.ts';
import { createIndexingLock, type IndexingLock } from './indexing-lock.ts';
import { Listeners } from './listeners.ts';
import { supervisedProxy } from './supervised-proxy.ts';
import { QueryVectors } from './query-vectors.ts';
import { Supervisor, type Supervised } from './supervisor.ts';
import { startupMark } from '../shared/startup-trace.ts';

/**
 * What the app asks of the library: the library worker's service (through Comlink in the browser), or the same
 * class in-process (Node tests). Every method is async either way.
 */
export type LibraryBackend = {
  [K in keyof LibraryService as LibraryService[K] extends (...args: never[]) => Promise<unknown> ? K : never]: LibraryService[K];
};

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

export const DEFAULT_RESULT_COUNT = 10;
export const DEFAULT_CONTEXT_RADIUS = 1;

function createEmbedWorker(): WorkerLike {
  // A unique name: the worker's lifeline lock is named after it (lifeline.ts).
  return new Worker(new URL('../worker/embed-worker.ts', import.meta.url), { type: 'module', name: lifelineName('passage-embed') });
}

/** The embedding worker behind its client, watched: its death rejects every pending call at once. */
function superviseEmbedder(worker: WorkerLike): Supervised<EmbedderClient> {
  const client = new EmbedderClient(worker);
  const lifeline = watchWorker(worker, 'the embedding worker');
  void lifeline.died.then((error) => client.fail(error));
  return {
    value: client,
    died: lifeline.died,
    stop: () => {
      lifeline.release();
      client.terminate();
    },
  };
}

/**
 * The library worker under a supervisor: a call that dies with the worker is retried once on a new one (which
 * opens the database and loads the index again), so a crash costs a pause, not a reload.
 */
function createLibraryWorker(model: Promise<LibraryModel>, dbName: string | undefined, events: LibraryEvents): LibraryBackend {
  const supervisor = new Supervisor(() => startLibraryWorker(model, dbName, events), { name: 'the library worker' });
  return supervisedProxy<LibraryBackend>(supervisor);
}

/** The library worker, reached through Comlink; its service object stays in the worker. */
function startLibraryWorker(model: Promise<LibraryModel>, dbName: string | undefined, events: LibraryEvents): Supervised<Promise<unknown>> {
  const worker = new Worker(new URL('../worker/library-worker.ts', import.meta.url), { type: 'module', name: lifelineName('passage-library') });
  const lifeline = watchWorker(worker, 'the library worker');
  const factory = wrap<LibraryWorkerFactory>(worker);
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

interface StoredSplit {
  id: string;
  text: string;
  offsets: SpanOffsets;
}

interface IndexingRun {
  controller: AbortController;
  done: Promise<void>;
}

export class PassageApp implements PassageApi {
  readonly model: ModelSpec;
  private readonly _options: PassageAppOptions;
  /** Created on first use after `whenReady` (see `_withEmbedder`); null before that. */
  private _embedders: Supervisor<EmbedderClient> | null = null;
  /** The model load in each embedding worker (a restarted worker loads it again). */
  private readonly _loads = new WeakMap<EmbedderClient, Promise<LoadResult>>();
  private _disposed = false;
  private readonly _progress = new Listeners<Progress>();
  private readonly _libraryChange = new Listeners<void>();
  private readonly _schemaListeners = new Listeners<SchemaState>();
  private _schema: SchemaState = 'current';
  private readonly _upgrade = new Listeners<UpgradeProgress | null>();
  private readonly _lock: IndexingLock;
  private readonly _embedder: Embedder;
  private _library: LibraryBackend | null = null;
  /** Set once a model load was asked for (indexing resumes after library changes only then). */
  private _loading: Promise<LoadResult> | null = null;
  private _indexing: IndexingRun | null = null;
  private _indexAgain = false;
  /** Open `holdIndexing` holds; background indexing waits while there are any. */
  private _holds = 0;
  /**
   * Indexing was cancelled (here or in another tab) and not started again since: another tab's stored rows
   * alone (a batch that landed just after the cancel) do not make this tab queue for the lock again.
   */
  private _paused = false;
  /** Query vectors embedded as the question is typed (query-vectors.ts); only once the model is loaded. */
  private readonly _queryVectors = new QueryVectors((text) => this._withEmbedder((client) => client.embed([text], 'query')));
  private _modelReady = false;

  constructor(options: PassageAppOptions = {}) {
    this._options = options;
    this.model = options.modelSpec ?? findModel(manifest as ModelManifest, options.modelId);
    this._lock = options.indexingLock ?? createIndexingLock(options.dbName ?? 'passage');
    // The user cancelled or resumed indexing in another tab: here too (see indexing-lock.ts).
    this._lock.onAnnounce((signal) => {
      if (signal === 'cancel') this._stopIndexing();
      else this._indexInBackground();
    });
    this._embedder = {
      embed: (passages, signal) =>
        this._withEmbedder((client) =>
          client.embedPassages(
            passages.map((p) => p.text),
            passages.map((p) => p.context),
            { signal },
          ),
        ),
    };
  }

  async start(): Promise<void> {
    startupMark('page:start');
    // The index loads while the model does; an upgrade this tab waited for is done once it is ready.
    void this._openLibrary()
      .ready()
      .then(() => this._schema === 'waiting' && this._setSchema('current'))
      .catch(() => undefined);
    await this._loadModel();
    await this._resplitStaleDocuments();
    this._indexInBackground();
  }

  /**
   * Documents split by an older recipe (before passage context, say) are split again and re-embedded, once, all
   * in one pause of indexing; a document that fails keeps its old passages, which still answer, and is tried
   * again at the next start.
   */
  private async _resplitStaleDocuments(): Promise<void> {
    const splits: StoredSplit[] = [];
    for (const id of await this._openLibrary().staleDocumentIds()) {
      try {
        const split = await this._splitStored(id);
        if (split) splits.push(split);
      } catch (error) {
        console.error(`Passage: could not split document ${id} again`, error);
      }
    }
    if (splits.length === 0) return;
    try {
      await this._replacePassages(splits);
    } catch (error) {
      console.error('Passage: could not store documents split again', error);
    }
  }

  /** Resumes indexing without awaiting it; a failure is reported by `_runIndexing` as an `error` stage. */
  private _indexInBackground(): void {
    if (this._holds > 0) return;
    this._resume().catch((error: unknown) => console.error('Passage: indexing failed', error));
  }

  onProgress(listener: (progress: Progress) => void): () => void {
    return this._progress.add(listener);
  }

  onLibraryChange(listener: () => void): () => void {
    return this._libraryChange.add(listener);
  }

  onSchemaState(listener: (state: SchemaState) => void): () => void {
    return this._schemaListeners.add(listener);
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

  async addDocument(doc: ImportedText): Promise<AddResult> {
    if (doc.text.trim() === '') throw new Error(`“${doc.title}” has no text to index.`);
    const library = this._openLibrary();
    // A duplicate is answered before splitting, which would need the model. Hashed in the library worker.
    const existing = await library.findByText(doc.text);
    if (existing) return existing;

    try {
      this._progress.emit({ stage: 'working', task: 'splitting', title: doc.title });
      // Splitting counts tokens with the model's tokenizer (_withEmbedder loads it).
      const offsets = await this._withEmbedder((client) => client.split(doc.text));
      if (offsets.starts.length === 0) throw new Error(`“${doc.title}” has no passages worth indexing.`);
      this._progress.emit({ stage: 'working', task: 'saving', title: doc.title });
      // Passages whose text already has a vector (shared with a stored passage) are searchable at once.
      const added = await library.addDocument(doc, offsets);
      if (!added.duplicate) {
        this._libraryChange.emit();
        this._indexInBackground();
      }
      return added;
    } catch (error) {
      throw await this._forPeople(error, `“${doc.title}” was not added`);
    } finally {
      this._doneWorking();
    }
  }

  /** Back to idle after a 'working' stage, unless indexing has taken over the progress line. */
  private _doneWorking(): void {
    if (!this._indexing) this._progress.emit({ stage: 'idle' });
  }

  async deleteDocument(id: string, title = ''): Promise<void> {
    this._progress.emit({ stage: 'working', task: 'deleting', title });
    try {
      await this._whileIndexingStopped((library) => library.deleteDocument(id));
    } finally {
      this._doneWorking();
    }
  }

  /** Splits the stored text again (the splitter may have changed since) and embeds every passage anew. */
  async reindexDocument(id: string): Promise<void> {
    const split = await this._splitStored(id);
    if (split) await this._replacePassages([split]);
  }

  /** A stored document's text split by the current splitter; null when the document is gone. */
  private async _splitStored(id: string): Promise<StoredSplit | null> {
    const text = await this._openLibrary().getText(id);
    if (text === undefined) return null;
    return { id, text, offsets: await this._withEmbedder((client) => client.split(text)) };
  }

  private async _replacePassages(splits: readonly StoredSplit[]): Promise<void> {
    await this._whileIndexingStopped(async (library) => {
      for (const { id, text, offsets } of splits) await library.replacePassages(id, text, offsets);
    });
  }

  async clearLibrary(): Promise<void> {
    await this._whileIndexingStopped((library) => library.clear());
  }

  cancelIndexing(): void {
    this._stopIndexing();
    this._lock.announce('cancel');
  }

  private _stopIndexing(): void {
    this._paused = true;
    this._indexAgain = false;
    this._indexing?.controller.abort();
  }

  holdIndexing(): () => void {
    this._holds++;
    // This tab's run only: a batch here is no reason to cancel indexing in the other tabs (cancelIndexing does).
    this._stopIndexing();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this._holds === 0 && this._loading) this._indexInBackground();
    };
  }

  resumeIndexing(): Promise<void> {
    this._lock.announce('resume'); // the other tabs queue too: one indexes, the others follow and take over
    return this._resume();
  }

  private _resume(): Promise<void> {
    this._paused = false;
    if (this._indexing) {
      this._indexAgain = true; // pick up what was added after the running pass listed its work
      return this._indexing.done;
    }
    const controller = new AbortController();
    const run: IndexingRun = {
      controller,
      done: this._runIndexing(controller.signal).finally(() => {
        if (this._indexing === run) this._indexing = null;
      }),
    };
    this._indexing = run;
    return run.done;
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchOutcome> {
    const { k = DEFAULT_RESULT_COUNT, hybrid = true, signal, documentIds } = options;
    const text = query.trim();
    if (text === '') return { hits: [], byMeaningOnly: false, closeMatch: false };
    const started = performance.now();
    const { vector: queryVector, wordsOnly } = await this._queryVector(text, signal);
    const embedded = performance.now();
    const { hits, byMeaningOnly, closeMatch, timings } = await this._openLibrary().search({ queryVector, text, k, hybrid, ...(documentIds?.length ? { documentIds: [...documentIds] } : {}) });
    const answered = performance.now();
    signal?.throwIfAborted();
    // For the scale benchmark (bench:scale) and for anyone profiling: where a query's time goes. 'hop' is the
    // library worker's round trip beyond its own work: messages, waiting for the worker's thread, cloning hits.
    measure('passage:query:embed', started, embedded - started);
    measure('passage:query:hop', embedded, answered - embedded - timings.rank - timings.read - timings.highlight);
    measure('passage:query:rank', embedded, timings.rank);
    measure('passage:query:read', embedded + timings.rank, timings.read);
    measure('passage:query:highlight', embedded + timings.rank + timings.read, timings.highlight);
    return wordsOnly ? { hits, byMeaningOnly: false, closeMatch, wordsOnly } : { hits, byMeaningOnly, closeMatch };
  }

  prepareQuery(query: string): void {
    if (this._modelReady) this._queryVectors.prefetch(query);
  }

  async context(passageId: string, radius = DEFAULT_CONTEXT_RADIUS): Promise<ContextPassage[]> {
    return this._openLibrary().neighbours(passageId, radius);
  }

  async exportLibrary(): Promise<Blob> {
    return this._openLibrary().exportLibrary();
  }

  async importLibrary(file: Blob): Promise<{ documents: number; passages: number }> {
    let outcome = { documents: 0, passages: 0 };
    const title = file instanceof File ? file.name : '';
    this._progress.emit({ stage: 'working', task: 'importing', title });
    // One pass over the file checks and stores it (library-file/database.ts).
    const onProgress = proxy((p: ImportProgress) =>
      this._progress.emit({ stage: 'working', task: 'importing', title, done: p.bytesRead, total: p.totalBytes }),
    );
    try {
      await this._whileIndexingStopped(async (library) => {
        outcome = await library.importLibrary(file, onProgress);
      });
    } catch (error) {
      const people = await this._forPeople(error, 'Nothing was imported');
      throw people instanceof Error && people !== error ? new Error(people.message.replace(/^Nothing was imported: /, '')) : error;
    } finally {
      this._doneWorking();
    }
    return outcome;
  }

  async checkModel(): Promise<ModelCheck> {
    return checkModelFiles(this.model, this._options.modelStore ?? cacheStorageStore());
  }

  async repairModel(): Promise<string[]> {
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      throw new Error('You are offline. Connect to the internet, then press “Repair” again.');
    }
    const store = this._options.modelStore ?? cacheStorageStore();
    const check = await checkModelFiles(this.model, store);
    const repaired = needsRepair(check) ? await repairModelFiles(this.model, check, store, this._options.fetchModelFile ?? fetchFromOrigin) : [];
    // A fresh worker: nothing of the failed load (a half-built session, buffered responses) survives the repair.
    this._embedders?.renew();
    this._queryVectors.clear();
    await this._loadModel();
    this._indexInBackground();
    return repaired;
  }

  /** Frees what a removed model's vectors took (in the library worker, in bounded slices); not the model in use. */
  async deleteModelVectors(modelId: string): Promise<void> {
    await this._openLibrary().deleteModelVectors(modelId);
  }

  async storage(): Promise<StorageInfo> {
    const storage = this._storageManager();
    if (!storage) return { usage: null, quota: null, persisted: false };
    const [estimate, persisted] = await Promise.all([storage.estimate(), storage.persisted()]);
    return { usage: estimate.usage ?? null, quota: estimate.quota ?? null, persisted };
  }

  async persistStorage(): Promise<boolean> {
    return (await this._storageManager()?.persist()) ?? false;
  }

  /** Stops the worker and closes the database (tests; a page simply goes away). */
  async dispose(): Promise<void> {
    this._stopIndexing();
    this._disposed = true;
    await this._indexing?.done.catch(() => undefined);
    this._embedders?.stop();
    this._lock.close();
    await this._library?.close();
  }

  // ——— internals ———

  private _openLibrary(): LibraryBackend {
    const model = { id: this.model.id, dimensions: this.model.dimensions };
    const events: LibraryEvents = {
      onVersionChange: () => this._setSchema('outdated'),
      onBlocked: () => this._schema === 'current' && this._setSchema('waiting'),
      onLexicalReady: () => undefined, // each search says whether it used words (SearchOutcome.byMeaningOnly)
      onRemoteChange: (change) => this._onRemoteChange(change),
      onUpgradeProgress: (progress) => this._upgrade.emit(progress),
    };
    this._library ??= this._options.createLibrary?.(model, events) ?? createLibraryWorker(libraryModel(this.model), this._options.dbName, events);
    return this._library;
  }

  /** Another tab changed the library (this tab's index has caught up): show it, and index what it left pending. */
  private _onRemoteChange(change: RemoteChange): void {
    this._libraryChange.emit();
    // Queues behind the indexing tab's lock: this tab says it follows, and takes over if that one closes
    // (indexing-lock.ts). Stored rows alone do not undo a cancel (see _paused).
    if ((change.pending || !this._paused) && this._loading && this._schema !== 'outdated') this._indexInBackground();
  }

  private _setSchema(state: SchemaState): void {
    if (this._schema === state || this._schema === 'outdated') return;
    this._schema = state;
    // Nothing more can be stored: the database connection is closed.
    if (state === 'outdated') this._stopIndexing();
    this._schemaListeners.emit(state);
  }

  /** Loads the model (after `whenReady`); a failed load may be retried by calling again. */
  private _loadModel(): Promise<LoadResult> {
    const loading = this._withEmbedder((client) => this._loadIn(client));
    this._loading ??= loading;
    loading.catch(() => undefined); // the caller sees the failure; this one only marks that a load was asked for
    return loading;
  }

  /** The model load in this worker, once; a failed load is forgotten so that the next call tries again. */
  private _loadIn(client: EmbedderClient): Promise<LoadResult> {
    let loading = this._loads.get(client);
    if (!loading) {
      const device = this._options.device ?? rememberedDevice(this.model.id);
      loading = client.load(this.model, device, { onProgress: (progress) => this._forwardModelProgress(progress) }).then((loaded) => {
        if (device === 'auto') rememberDevice(this.model.id, loaded.device);
        this._modelReady = true;
        this._progress.emit({ stage: 'model-ready', device: loaded.device });
        return loaded;
      });
      const started = loading;
      this._loads.set(client, started);
      started.catch(() => {
        if (this._loads.get(client) === started) this._loads.delete(client);
      });
    }
    return loading;
  }

  /**
   * Runs `operation` in the embedding worker with the model loaded; if the worker dies meanwhile, once more in a
   * new one (Supervisor). The worker is created only after `whenReady`: a dedicated worker is controlled by the
   * service worker only if the page already was when it was created, and its model fetches must go through it.
   */
  private async _withEmbedder<R>(operation: (client: EmbedderClient) => Promise<R>): Promise<R> {
    await this._options.whenReady;
    if (this._disposed) throw new Error('Passage: the app was disposed');
    this._embedders ??= new Supervisor(() => superviseEmbedder((this._options.createWorker ?? createEmbedWorker)()), {
      name: 'the embedding worker',
    });
    return this._embedders.run(async (client) => {
      await this._loadIn(client);
      return operation(client);
    });
  }

  private _forwardModelProgress(progress: WorkerProgress): void {
    if (progress.stage === 'model-download' || progress.stage === 'model-compile') this._progress.emit(progress);
  }

  /**
   * The query's vector; or, when the model cannot be loaded or the embedding worker keeps dying, null and why in
   * words for people (search then ranks by words only and says so).
   */
  private async _queryVector(text: string, signal?: AbortSignal): Promise<{ vector: Float32Array | null; wordsOnly?: string }> {
    try {
      // Usually embedded already, or being embedded, since the question was typed (prepareQuery).
      const vector = await abortable(this._queryVectors.get(text), signal);
      return { vector };
    } catch (error) {
      if (isAbortError(error)) throw error;
      const online = typeof navigator === 'undefined' ? undefined : navigator.onLine;
      return { vector: null, wordsOnly: describeError(error, { action: 'Matched by words only', ...(online === undefined ? {} : { online }) }) };
    }
  }

  private async _runIndexing(signal: AbortSignal): Promise<void> {
    try {
      await this._loadModel();
      const library = this._openLibrary();
      // One tab indexes at a time: wait while another does, then take over what is still pending.
      await this._lock.hold(() => this._indexWhileHolding(library, signal), {
        signal,
        onWait: () => this._progress.emit({ stage: 'indexing-elsewhere' }),
      });
      this._progress.emit({ stage: 'idle' });
      // Counts may have moved in another tab while this one waited.
      this._libraryChange.emit();
      // Saved now, the next start has words at once instead of reading every passage's text again.
      await library.saveWordIndex().catch((error: unknown) => console.warn('Passage: the word index was not saved', error));
    } catch (error) {
      // Cancelled or failed, what was stored stays and the rest stays pending. A failure is shown to the user
      // however the run was started (in the background or by "Try again").
      if (isAbortError(error)) {
        this._progress.emit({ stage: 'idle' });
        return;
      }
      this._progress.emit({ stage: 'error', message: await this._describe(error, 'Indexing stopped') });
      throw error;
    }
  }

  private async _indexWhileHolding(library: LibraryBackend, signal: AbortSignal): Promise<void> {
    const work: PendingWork = {
      model: { id: this.model.id, dimensions: this.model.dimensions },
      pendingCount: () => library.pendingCount(),
      pendingTexts: (limit) => library.pendingTexts(limit),
      storeVectors: (modelId, batch) => library.storeVectors(modelId, batch),
    };
    do {
      this._indexAgain = false;
      await indexPending(work, this._embedder, {
        signal,
        onBatch: () => this._libraryChange.emit(),
        onProgress: (p) => {
          if (p.total > 0) this._progress.emit({ stage: 'indexing', ...p });
        },
      });
    } while (this._indexAgain && !signal.aborted);
  }

  private async _whileIndexingStopped(change: (library: LibraryBackend) => Promise<void>): Promise<void> {
    const running = this._indexing;
    if (running) {
      running.controller.abort();
      await running.done.catch(() => undefined);
    }
    try {
      await change(this._openLibrary());
    } finally {
      this._libraryChange.emit();
      if (this._loading) this._indexInBackground();
    }
  }

  /**
   * A fault (storage full, a worker that died twice, a broken model) as an Error whose message is for people, with
   * how much storage is used when it is full; other errors (our own readable ones) pass through unchanged.
   */
  private async _forPeople(error: unknown, action: string): Promise<unknown> {
    if (classifyError(error) === 'other' || isAbortError(error)) return error;
    const people = new Error(await this._describe(error, action));
    people.name = error instanceof Error ? error.name : 'Error';
    return people;
  }

  /** "<action>: <why, and what to do>" (core/faults.ts), with the storage figures when storage is full. */
  private async _describe(error: unknown, action: string): Promise<string> {
    const storage = classifyError(error) === 'storage-full' ? await this.storage().catch(() => null) : null;
    const online = typeof navigator === 'undefined' ? undefined : navigator.onLine;
    return describeError(error, { action, storage, ...(online === undefined ? {} : { online }) });
  }

  private _storageManager(): PassageAppOptions['storage'] | undefined {
    if (this._options.storage) return this._options.storage;
    return typeof navigator !== 'undefined' ? navigator.storage : undefined;
  }
}

/** A named span on the performance timeline (ignored where the User Timing API is missing). */
function measure(name: string, start: number, duration: number): void {
  try {
    performance.measure(name, { start, duration: Math.max(0, duration) });
  } catch {
    // Older engines without measure options: the figures are for profiling only.
  }
}

function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** Lets a caller stop waiting for a shared promise (the model load) without cancelling it for others. */
function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
