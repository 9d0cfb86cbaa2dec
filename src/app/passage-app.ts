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
import manifest from '../../models/manifest.json';
import { sha256Hex } from '../core/hash.ts';
import { findModel, type ModelManifest, type ModelSpec } from '../core/model-spec.ts';
import { searchPassages } from '../core/rank.ts';
import type { PassageSpan } from '../core/split.ts';
import { SearchIndex } from '../core/search-index.ts';
import { exportLibrary, importLibrary } from '../store/export.ts';
import { indexPending, type Embedder } from '../store/indexer.ts';
import { Library, type IndexedPassage } from '../store/library.ts';
import { EmbedderClient, type WorkerLike } from '../worker/client.ts';
import type { LoadResult, PreferredDevice, WorkerProgress } from '../worker/protocol.ts';
import type {
  AddResult,
  ContextPassage,
  DocumentSummary,
  ImportedText,
  PassageApi,
  Progress,
  SearchHit,
  StorageInfo,
} from './api.ts';
import { rememberDevice, rememberedDevice } from './device-memory.ts';
import { Highlighter } from './highlighter.ts';
import { Listeners } from './listeners.ts';

export interface PassageAppOptions {
  /** Resolves when the model may be fetched (the service worker controls the page). */
  whenReady?: Promise<void>;
  /** Defaults to the manifest's default model. */
  modelId?: string;
  /** Defaults to the device measured fastest on an earlier start, else 'auto' (measure now). */
  device?: PreferredDevice;
  /** For tests: a fake worker and a throwaway database. The worker is created once, after `whenReady`. */
  createWorker?: () => WorkerLike;
  dbName?: string;
  storage?: Pick<StorageManager, 'estimate' | 'persisted' | 'persist'>;
}

export const DEFAULT_RESULT_COUNT = 10;
export const DEFAULT_CONTEXT_RADIUS = 1;

function createEmbedWorker(): WorkerLike {
  return new Worker(new URL('../worker/embed-worker.ts', import.meta.url), { type: 'module', name: 'passage-embed' });
}

interface StoredSplit {
  id: string;
  spans: PassageSpan[];
}

interface IndexingRun {
  controller: AbortController;
  done: Promise<void>;
}

export class PassageApp implements PassageApi {
  readonly model: ModelSpec;
  private readonly _options: PassageAppOptions;
  /** Created on first use after `whenReady` (see `_embedderClient`); null before that. */
  private _client: EmbedderClient | null = null;
  private _disposed = false;
  private readonly _progress = new Listeners<Progress>();
  private readonly _libraryChange = new Listeners<void>();
  private readonly _highlighter: Highlighter;
  private readonly _embedder: Embedder;
  private _library: Promise<Library> | null = null;
  private _index: Promise<SearchIndex<string>> | null = null;
  private _loading: Promise<LoadResult> | null = null;
  private _indexing: IndexingRun | null = null;
  private _indexAgain = false;
  /** Document titles for search hits; cleared whenever documents change. */
  private readonly _titleCache = new Map<string, string>();

  constructor(options: PassageAppOptions = {}) {
    this._options = options;
    this.model = findModel(manifest as ModelManifest, options.modelId);
    this._highlighter = new Highlighter(
      async (texts, signal) => (await this._embedderClient()).embed(texts, 'passage', signal ? { signal } : {}),
      this.model.dimensions,
    );
    this._embedder = {
      embed: async (passages, signal) =>
        (await this._embedderClient()).embed(
          passages.map((p) => p.text),
          'passage',
          { signal, contexts: passages.map((p) => p.context) },
        ),
    };
  }

  async start(): Promise<void> {
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
    for (const id of await (await this._openLibrary()).staleDocumentIds()) {
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
    this.resumeIndexing().catch((error: unknown) => console.error('Passage: indexing failed', error));
  }

  onProgress(listener: (progress: Progress) => void): () => void {
    return this._progress.add(listener);
  }

  onLibraryChange(listener: () => void): () => void {
    return this._libraryChange.add(listener);
  }

  async listDocuments(): Promise<DocumentSummary[]> {
    return (await this._openLibrary()).listDocuments();
  }

  async addDocument(doc: ImportedText): Promise<AddResult> {
    if (doc.text.trim() === '') throw new Error(`“${doc.title}” has no text to index.`);
    const library = await this._openLibrary();
    // A duplicate is answered before splitting, which would need the model.
    const existing = await library.findBySha256(await sha256Hex(doc.text));
    if (existing) return { documentId: existing.id, duplicate: true, passageCount: existing.passageCount };

    await this._loadModel(); // splitting counts tokens with the model's tokenizer
    const spans = await (await this._embedderClient()).split(doc.text);
    if (spans.length === 0) throw new Error(`“${doc.title}” has no passages worth indexing.`);
    const { indexed, ...added } = await library.addDocument(doc, spans);
    if (!added.duplicate) {
      // Passages whose text already has a vector (shared with a stored passage) are never embedded again, so
      // the indexer never reports them: they go into search now. Adding an id twice replaces it, so an index
      // that is loaded from the library just now (and so has them already) stays as it is.
      const index = await this._searchIndex();
      for (const item of indexed) addToIndex(index, item);
      this._libraryChange.emit();
      this._indexInBackground();
    }
    return added;
  }

  async deleteDocument(id: string): Promise<void> {
    await this._whileIndexingStopped(async (library, index) => {
      for (const passageId of await library.deleteDocument(id)) index.remove(passageId);
    });
  }

  /** Splits the stored text again (the splitter may have changed since) and embeds every passage anew. */
  async reindexDocument(id: string): Promise<void> {
    const split = await this._splitStored(id);
    if (split) await this._replacePassages([split]);
  }

  /** A stored document's text split by the current splitter; null when the document is gone. */
  private async _splitStored(id: string): Promise<StoredSplit | null> {
    const text = await (await this._openLibrary()).getText(id);
    if (text === undefined) return null;
    await this._loadModel(); // splitting counts tokens with the model's tokenizer
    return { id, spans: await (await this._embedderClient()).split(text) };
  }

  private async _replacePassages(splits: readonly StoredSplit[]): Promise<void> {
    await this._whileIndexingStopped(async (library, index) => {
      for (const { id, spans } of splits) {
        for (const passageId of await library.replacePassages(id, spans)) index.remove(passageId);
      }
      this._highlighter.clear(); // its sentence vectors are cached by passage id, and the ids now name new text
    });
  }

  async clearLibrary(): Promise<void> {
    await this._whileIndexingStopped(async (library) => {
      await library.clear();
      this._index = Promise.resolve(new SearchIndex<string>(this.model.dimensions));
      this._highlighter.clear();
    });
  }

  cancelIndexing(): void {
    this._indexAgain = false;
    this._indexing?.controller.abort();
  }

  resumeIndexing(): Promise<void> {
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

  async search(query: string, options: { k?: number; hybrid?: boolean; signal?: AbortSignal } = {}): Promise<SearchHit[]> {
    const { k = DEFAULT_RESULT_COUNT, hybrid = true, signal } = options;
    const text = query.trim();
    if (text === '') return [];
    const [library, index] = await Promise.all([this._openLibrary(), this._searchIndex()]);
    const queryVector = await this._queryVector(text, signal);
    const hits = searchPassages(index, queryVector, text, { k, mode: hybrid ? 'hybrid' : 'dense' });

    const passages = await Promise.all(hits.map((hit) => library.getPassage(hit.id)));
    const found = hits.flatMap((hit, i) => (passages[i] ? [{ hit, passage: passages[i] }] : [])); // deleted meanwhile
    const titles = await this._titles(library, found.map((f) => f.passage.docId));
    const highlights = await this._highlighter.highlight(
      found.map((f) => ({ passageId: f.passage.id, text: f.passage.text })),
      queryVector,
      text,
      signal,
    );
    signal?.throwIfAborted();
    return found.map(({ hit, passage }, i) => ({
      passageId: passage.id,
      documentId: passage.docId,
      documentTitle: titles.get(passage.docId) ?? '',
      ordinal: passage.ordinal,
      text: passage.text,
      score: hit.score,
      dense: hit.dense ?? 0,
      lexical: hit.lexical ?? 0,
      highlight: highlights[i] ?? null,
    }));
  }

  async context(passageId: string, radius = DEFAULT_CONTEXT_RADIUS): Promise<ContextPassage[]> {
    const library = await this._openLibrary();
    return (await library.neighbours(passageId, radius)).map(({ passage, isCentre }) => ({
      passageId: passage.id,
      ordinal: passage.ordinal,
      text: passage.text,
      isHit: isCentre,
    }));
  }

  async exportLibrary(): Promise<Blob> {
    return exportLibrary(await this._openLibrary());
  }

  async importLibrary(file: Blob): Promise<{ documents: number; passages: number }> {
    let outcome = { documents: 0, passages: 0 };
    await this._whileIndexingStopped(async (library) => {
      outcome = await importLibrary(library, file);
      this._index = this._loadIndex(library); // imported vectors go straight into search
      await this._index;
    });
    return outcome;
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
    this.cancelIndexing();
    this._disposed = true;
    await this._indexing?.done.catch(() => undefined);
    this._client?.terminate();
    if (this._library) (await this._library).close();
  }

  // ——— internals ———

  private _openLibrary(): Promise<Library> {
    this._library ??= Library.open(this.model, {
      ...(this._options.dbName ? { name: this._options.dbName } : {}),
      onVersionChange: () => console.warn('Passage: a newer version was opened in another tab; reload this one.'),
    });
    return this._library;
  }

  private _searchIndex(): Promise<SearchIndex<string>> {
    this._index ??= this._openLibrary().then((library) => this._loadIndex(library));
    return this._index;
  }

  private async _loadIndex(library: Library): Promise<SearchIndex<string>> {
    const index = new SearchIndex<string>(this.model.dimensions);
    await library.forEachIndexed((item) => addToIndex(index, item));
    return index;
  }

  /** Loads the model once (after `whenReady`); a failed load may be retried by calling again. */
  private _loadModel(): Promise<LoadResult> {
    if (!this._loading) {
      const loading = (async () => {
        const client = await this._embedderClient();
        const device = this._options.device ?? rememberedDevice(this.model.id);
        const loaded = await client.load(this.model, device, {
          onProgress: (progress) => this._forwardModelProgress(progress),
        });
        if (device === 'auto') rememberDevice(this.model.id, loaded.device);
        this._progress.emit({ stage: 'model-ready', device: loaded.device });
        return loaded;
      })();
      loading.catch(() => {
        if (this._loading === loading) this._loading = null;
      });
      this._loading = loading;
    }
    return this._loading;
  }

  private _forwardModelProgress(progress: WorkerProgress): void {
    if (progress.stage === 'model-download' || progress.stage === 'model-compile') this._progress.emit(progress);
  }

  /** The query's vector, or null when the model cannot be loaded (search then falls back to words only). */
  private async _queryVector(text: string, signal?: AbortSignal): Promise<Float32Array | null> {
    try {
      await abortable(this._loadModel(), signal);
    } catch (error) {
      if (isAbortError(error)) throw error;
      return null;
    }
    return (await this._embedderClient()).embed([text], 'query', signal ? { signal } : {});
  }

  /**
   * The worker client, created on first use once `whenReady` has resolved — the only way to the worker, so no
   * path can create it while the page is not yet controlled by the service worker.
   */
  private async _embedderClient(): Promise<EmbedderClient> {
    await this._options.whenReady;
    if (this._disposed) throw new Error('Passage: the app was disposed');
    this._client ??= new EmbedderClient((this._options.createWorker ?? createEmbedWorker)());
    return this._client;
  }

  private async _runIndexing(signal: AbortSignal): Promise<void> {
    try {
      await this._loadModel();
      const [library, index] = await Promise.all([this._openLibrary(), this._searchIndex()]);
      do {
        this._indexAgain = false;
        await indexPending(library, this._embedder, {
          signal,
          onBatch: (indexed) => {
            for (const item of indexed) addToIndex(index, item);
            this._libraryChange.emit();
          },
          onProgress: (p) => {
            if (p.total > 0) this._progress.emit({ stage: 'indexing', ...p });
          },
        });
      } while (this._indexAgain && !signal.aborted);
      this._progress.emit({ stage: 'idle' });
    } catch (error) {
      // Cancelled or failed, what was stored stays and the rest stays pending. A failure is shown to the user
      // however the run was started (in the background or by "Try again").
      if (isAbortError(error)) {
        this._progress.emit({ stage: 'idle' });
        return;
      }
      this._progress.emit({ stage: 'error', message: `Indexing stopped: ${error instanceof Error ? error.message : String(error)}` });
      throw error;
    }
  }

  private async _whileIndexingStopped(change: (library: Library, index: SearchIndex<string>) => Promise<void>): Promise<void> {
    const running = this._indexing;
    if (running) {
      running.controller.abort();
      await running.done.catch(() => undefined);
    }
    const [library, index] = await Promise.all([this._openLibrary(), this._searchIndex()]);
    try {
      await change(library, index);
    } finally {
      this._titleCache.clear();
      this._libraryChange.emit();
      if (this._loading) this._indexInBackground();
    }
  }

  private async _titles(library: Library, docIds: readonly string[]): Promise<Map<string, string>> {
    for (const id of new Set(docIds)) {
      if (this._titleCache.has(id)) continue;
      const document = await library.getDocument(id);
      if (document) this._titleCache.set(id, document.title);
    }
    return this._titleCache;
  }

  private _storageManager(): PassageAppOptions['storage'] | undefined {
    if (this._options.storage) return this._options.storage;
    return typeof navigator !== 'undefined' ? navigator.storage : undefined;
  }
}

function addToIndex(index: SearchIndex<string>, { passage, vector }: IndexedPassage): void {
  index.add(passage.id, passage.text, vector.q, vector.scale);
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
