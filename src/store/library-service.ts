/**
 * The library and its search index, together, off the page's thread: this runs in the library worker
 * (library-worker.ts), and in Node tests in-process. It owns the IndexedDB library and the in-memory SearchIndex,
 * so every heavy step — loading the index, ranking, reading the passages of the hits, storing a 70k-passage
 * document, deleting it — happens here, never on the page's main thread.
 *
 * Start-up does not grow with the library the way it used to: the vectors are read as blocks (index-loading.ts:
 * a few large reads), and dense search answers as soon as they are in. The word index (BM25) needs every passage's
 * text; it is built afterwards, a chunk at a time (word-index-build.ts), and until it is complete a search answers
 * by meaning alone and says so (`byMeaningOnly`). This class keeps the index, the titles and other tabs in step
 * with every write; ranking and reading hits are search-hits.ts.
 */
import type { AddResult, ContextPassage, DocumentSummary, ImportedText, LibraryImportOutcome, PlainTextInput, UpgradeProgress } from '../core/types.ts';
import { sha256Hex } from '../core/hash.ts';
import { plainTextHere } from '../import/plain-text.ts';
import type { SearchIndex } from '../core/search-index.ts';
import { QueryPriority } from './query-priority.ts';
import { fromOffsets, type SpanOffsets } from '../core/split.ts';
import { DEFAULT_DB_NAME, type OpenOptions } from './db.ts';
import { exportLibrary, importLibrary } from './export.ts';
import type { ImportProgress } from './library-file/database.ts';
import { applyChange, describeChange, LibraryChanges, type LibraryChange, type RemoteChange } from './library-changes.ts';
import { Library } from './library.ts';
import type { IndexedPassage, LibraryModel, NewVector, PendingText } from './library-types.ts';
import { deleteModelVectors, type DeletedVectors } from './model-vectors.ts';
import { startupMark } from '../shared/startup-trace.ts';
import { releaseGarbage } from './release-garbage.ts';
import { UpgradeNews } from './upgrade-news.ts';
import { DocumentTitles } from './document-titles.ts';
import { loadVectors } from './index-loading.ts';
import { searchHits, type SearchRequest, type SearchResponse } from './search-hits.ts';
import { TEXT_PASS_DEFER_AT, WordIndexBuild } from './word-index-build.ts';

export type { SearchRequest, SearchResponse } from './search-hits.ts';

export interface IndexStatus {
  /** Passages in the search index (those with a vector). */
  rows: number;
  /** The word index covers every row. */
  lexicalReady: boolean;
}

export interface LibraryServiceOptions {
  dbName?: string;
  /**
   * Another tab upgraded the database (this connection is closed so the upgrade is not blocked), or the stored
   * library is newer than this code: the page should ask for a reload.
   */
  onVersionChange?: () => void;
  /** This tab's upgrade waits for an older tab to close the database. */
  onBlocked?: () => void;
  /** A schema upgrade of the stored data runs, here or in another tab (upgrade-news.ts); null once it ended. */
  onUpgradeProgress?: (progress: UpgradeProgress | null) => void;
  /** Another tab changed the library; this index has caught up (library-changes.ts). */
  onRemoteChange?: (change: RemoteChange) => void;
  /** The word index finished building (search is hybrid from now on). */
  onLexicalReady?: () => void;
  /**
   * A word-index text pass over at least `textPassDeferAt` passages (default TEXT_PASS_DEFER_AT) waits until the
   * first search has answered, or `textPassDelayMs` after the vectors are in, whichever comes first (default 0:
   * no wait). At start it would otherwise take the CPU the model load and the first query need (2 cores).
   */
  textPassDelayMs?: number;
  textPassDeferAt?: number;
}

export class LibraryService {
  readonly model: LibraryModel;
  private readonly _options: LibraryServiceOptions;
  private readonly _library: Promise<Library>;
  private _index: Promise<SearchIndex>;
  /** Document titles: ranked as words (kept with the index) and cached for naming hits. */
  private readonly _titles = new DocumentTitles();
  /** Tells other tabs about this tab's writes and applies theirs (listening before the index loads). */
  private readonly _changes: LibraryChanges;
  /** Searches run before the word index build (query-priority.ts). */
  private readonly _queries = new QueryPriority();
  /** The word index, completed in the background after the vectors are in. */
  private readonly _words: WordIndexBuild;

  constructor(model: LibraryModel, options: LibraryServiceOptions = {}) {
    this.model = { id: model.id, dimensions: model.dimensions, ...(model.build ? { build: model.build } : {}) };
    this._options = options;
    this._words = new WordIndexBuild({
      queries: this._queries,
      textPassDeferAt: options.textPassDeferAt ?? TEXT_PASS_DEFER_AT,
      textPassDelayMs: options.textPassDelayMs ?? 0,
      onReady: () => options.onLexicalReady?.(),
      saveLatest: () => this.saveWordIndex(),
    });
    const open: OpenOptions = {
      ...(options.dbName ? { name: options.dbName } : {}),
      onVersionChange: () => {
        this._changes.close(); // this connection is closed: nothing more to apply (or to tell)
        options.onVersionChange?.();
      },
      onBlocked: () => options.onBlocked?.(),
      onUpgradeProgress: (count) => upgrade.here(count),
    };
    const upgrade = new UpgradeNews(options.dbName ?? DEFAULT_DB_NAME, (progress) => options.onUpgradeProgress?.(progress));
    this._changes = new LibraryChanges(options.dbName ?? DEFAULT_DB_NAME, (change) => this._applyRemote(change));
    const openFrom = performance.now();
    startupMark('library:open');
    this._library = Library.open(this.model, open).finally(() => upgrade.done()).then((library) => {
      performance.measure('passage:library:open', { start: openFrom, end: performance.now() });
      return library;
    }).catch((error: unknown) => {
      if (error instanceof DOMException && error.name === 'VersionError') {
        options.onVersionChange?.();
        throw new Error('Passage: your library was saved by a newer version of Passage. Reload the page to get it.');
      }
      throw error;
    });
    this._index = this._library.then((library) => this._loadVectors(library));
    // Never an unhandled rejection: every caller awaits these and sees the error itself.
    this._index.catch(() => undefined);
  }

  /** Resolves once dense search can answer; the word index keeps building in the background. */
  async ready(): Promise<IndexStatus> {
    await this._index;
    return this.status();
  }

  async status(): Promise<IndexStatus> {
    const index = await this._index;
    return { rows: index.size, lexicalReady: this._words.ready };
  }

  /** Decoding and normalising big texts here keeps them off the page's main thread (import/index.ts). */
  async plainText(input: PlainTextInput): Promise<string> {
    return plainTextHere(input);
  }

  async listDocuments(): Promise<DocumentSummary[]> {
    return (await this._library).listDocuments();
  }

  async findBySha256(sha256: string): Promise<AddResult | null> {
    const existing = await (await this._library).findBySha256(sha256);
    return existing ? { documentId: existing.id, duplicate: true, passageCount: existing.passageCount } : null;
  }

  /**
   * The stored document with this text, if any. Hashing happens here, not on the page: encoding a 20 MB text to
   * UTF-8 for sha-256 was a 260–375 ms main-thread task in Chromium (bench/big-document.bench.ts).
   */
  async findByText(text: string): Promise<AddResult | null> {
    return this.findBySha256(await sha256Hex(text));
  }

  /** Stores the document and its passages (one transaction); passages whose text has a vector are searchable now. */
  async addDocument(doc: ImportedText, offsets: SpanOffsets): Promise<AddResult> {
    const [library, index] = await Promise.all([this._library, this._index]);
    const { indexed, ...added } = await library.addDocument(doc, fromOffsets(doc.text, offsets));
    for (const item of indexed) addToIndex(index, item);
    this._words.dirty ||= indexed.length > 0;
    this._titles.added(added.documentId, doc.title, !added.duplicate);
    if (!added.duplicate) {
      this._changes.post({ kind: 'documents-added', documentIds: [added.documentId], passageIds: indexed.map((i) => i.passage.id) });
    }
    return added;
  }

  async deleteDocument(id: string): Promise<void> {
    const [library, index] = await Promise.all([this._library, this._index]);
    // Out of search first: a search while the database deletes never ranks (and then drops) its passages.
    const prefix = `${id}:`;
    for (const passage of [...index.ids()].filter((p) => p.startsWith(prefix))) index.remove(passage);
    this._words.dirty = true;
    for (const passage of await library.deleteDocument(id)) index.remove(passage);
    this._titles.deleted(id);
    this._changes.post({ kind: 'documents-deleted', documentIds: [id] });
  }

  /** Replaces a document's passages by a fresh split of `text` (its stored text); it is embedded again. */
  async replacePassages(id: string, text: string, offsets: SpanOffsets): Promise<void> {
    const [library, index] = await Promise.all([this._library, this._index]);
    const removed = await library.replacePassages(id, fromOffsets(text, offsets));
    for (const passage of removed) index.remove(passage);
    this._words.dirty = true;
    this._changes.post({ kind: 'rows-removed', documentIds: [id], passageIds: removed });
  }

  async clear(): Promise<void> {
    const [library, index] = await Promise.all([this._library, this._index]);
    await library.clear();
    for (const id of [...index.ids()]) index.remove(id);
    this._titles.cleared();
    this._changes.post({ kind: 'reload' });
  }

  /**
   * Deletes the vectors and blocks a removed model left (Settings → Models), a bounded slice per transaction
   * (model-vectors.ts), after start-up has loaded the index: they are never in this index, which answers meanwhile.
   */
  async deleteModelVectors(modelId: string): Promise<DeletedVectors> {
    const [library] = await Promise.all([this._library, this._index]);
    return deleteModelVectors(library.db, modelId);
  }

  async staleDocumentIds(): Promise<string[]> {
    return (await this._library).staleDocumentIds();
  }

  async getText(id: string): Promise<string | undefined> {
    return (await this._library).getText(id);
  }

  async pendingCount(): Promise<number> {
    return (await this._library).pendingCount();
  }

  async pendingTexts(limit: number): Promise<PendingText[]> {
    return (await this._library).pendingTexts(limit);
  }

  /** Stores one embedded batch (one transaction) and puts its passages into search; returns how many. */
  async storeVectors(modelId: string, batch: readonly NewVector[]): Promise<number> {
    const [library, index] = await Promise.all([this._library, this._index]);
    const indexed = await library.storeVectors(modelId, batch);
    for (const item of indexed) addToIndex(index, item);
    this._words.dirty ||= indexed.length > 0;
    if (indexed.length > 0) this._changes.post({ kind: 'rows-added', passageIds: indexed.map((i) => i.passage.id) });
    return indexed.length;
  }

  async search(request: SearchRequest): Promise<SearchResponse> {
    // The word index build pauses meanwhile (query-priority.ts).
    return this._queries.run(() => this._search(request));
  }

  private async _search(request: SearchRequest): Promise<SearchResponse> {
    const [library, index] = await Promise.all([this._library, this._index]);
    const response = await searchHits(library, index, this._titles, this._words.ready, request);
    this._words.answered();
    return response;
  }

  async neighbours(id: string, radius: number): Promise<ContextPassage[]> {
    return (await (await this._library).neighbours(id, radius)).map(({ passage, isCentre }) => ({
      passageId: passage.id,
      ordinal: passage.ordinal,
      text: passage.text,
      isHit: isCentre,
    }));
  }

  async exportLibrary(): Promise<Blob> {
    return exportLibrary(await this._library);
  }

  /** Imports a library file; its vectors go straight into search (and its texts into the word index). */
  async importLibrary(file: Blob, onProgress?: (progress: ImportProgress) => void): Promise<LibraryImportOutcome> {
    const [library] = await Promise.all([this._library, this._index]);
    const outcome = await importLibrary(library, file, onProgress ? { onProgress } : {});
    this._changes.post({ kind: 'reload' });
    const reloadFrom = performance.now();
    await this._reload(library);
    performance.measure('passage:import:reload', { start: reloadFrom, end: performance.now() });
    releaseGarbage(); // the file's lines, passages and rows (the reload's blocks are released already)
    return outcome;
  }

  /** Resolves once every change notice from other tabs received so far has been applied (tests). */
  async remoteChangesApplied(): Promise<void> {
    await this._changes.settled();
  }

  async close(): Promise<void> {
    this._changes.close();
    await this._library.then((library) => library.close()).catch(() => undefined);
  }

  // ——— internals ———

  /** Reads the whole index again (after a library file was imported, here or in another tab). */
  private async _reload(library: Library): Promise<void> {
    this._titles.forget();
    this._words.ready = false;
    this._index = this._loadVectors(library);
    await this._index;
  }

  /** Another tab committed a change: this index catches up from the database, then the page is told. */
  private async _applyRemote(change: LibraryChange): Promise<void> {
    const library = await this._library;
    if (change.kind === 'reload') {
      await this._reload(library);
    } else {
      const index = await this._index;
      if (await applyChange(index, library, change)) this._words.dirty = true;
      await this._titles.applyRemote(library, change);
    }
    this._options.onRemoteChange?.(describeChange(change));
  }

  /** Reads the stored rows into a fresh index; its word index then builds in the background. */
  private async _loadVectors(library: Library): Promise<SearchIndex> {
    const index = await loadVectors(library, this._titles.index);
    this._words.start(library, index);
    return index;
  }

  /** Saves the word index when it changed since it was loaded or last saved (after indexing runs, at start). */
  async saveWordIndex(): Promise<void> {
    if (!this._words.ready || !this._words.dirty) return;
    const [library, index] = await Promise.all([this._library, this._index]);
    await this._words.saveNow(index, library);
  }
}

function addToIndex(index: SearchIndex, { passage, vector }: IndexedPassage): void {
  index.add(passage.id, passage.text, vector.q, vector.scale, vector.residual);
}
