/**
 * The library and its search index, together, off the page's thread: this runs in the library worker
 * (library-worker.ts), and in Node tests in-process. It owns the IndexedDB library and the in-memory SearchIndex,
 * so every heavy step — loading the index, ranking, reading the passages of the hits, storing a 70k-passage
 * document, deleting it — happens here, never on the page's main thread.
 *
 * Start-up does not grow with the library the way it used to: the vectors are read as blocks (library.ts
 * forEachBlock: a few large reads), and dense search answers as soon as they are in. The word index (BM25) needs
 * every passage's text; it is built afterwards, a chunk at a time, and until it is complete a search answers by
 * meaning alone and says so (`byMeaningOnly`).
 */
import type { AddResult, ContextPassage, DocumentSummary, ImportedText, PlainTextInput, SearchHit, UpgradeProgress } from '../core/types.ts';
import { sha256Hex } from '../core/hash.ts';
import { bestSentenceByCodes } from '../core/highlight.ts';
import { plainTextHere } from '../import/plain-text.ts';
import { searchPassages } from '../core/rank.ts';
import { calibrateHits, closeMatchThreshold, hasCloseMatch } from '../core/relevance.ts';
import { SearchIndex } from '../core/search-index.ts';
import { QueryPriority } from './query-priority.ts';
import { TitleIndex } from '../core/title-index.ts';
import { fromOffsets, type SpanOffsets } from '../core/split.ts';
import { DEFAULT_DB_NAME, type OpenOptions } from './db.ts';
import { exportLibrary, importLibrary } from './export.ts';
import type { ImportProgress } from './library-file/database.ts';
import { applyChange, describeChange, LibraryChanges, type LibraryChange, type RemoteChange } from './library-changes.ts';
import { docIdOf, Library, passageId, type IndexedPassage, type LibraryModel, type NewVector, type PendingText } from './library.ts';
import { deleteModelVectors, type DeletedVectors } from './model-vectors.ts';
import { startupMark } from '../shared/startup-trace.ts';
import { releaseGarbage } from './release-garbage.ts';
import { UpgradeNews } from './upgrade-news.ts';

export interface SearchRequest {
  /** The query's vector, or null when the model is unavailable (words only). */
  queryVector: Float32Array | null;
  text: string;
  k: number;
  /** Dense + BM25 fusion (default) or dense alone. */
  hybrid: boolean;
  /** Rank only passages of these documents (absent or empty: the whole library). */
  documentIds?: readonly string[];
}

export interface SearchResponse {
  hits: SearchHit[];
  /** The word index is still being built: these results were ranked by meaning alone. */
  byMeaningOnly: boolean;
  /** Some hit is a close match (src/core/relevance.ts); false when nothing in the library is close. */
  closeMatch: boolean;
  /** Milliseconds spent ranking, reading the hits' passages and titles, and choosing highlights. */
  timings: { rank: number; read: number; highlight: number };
}

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

/** Below this many passages to read, the word index's text pass starts at once (it takes well under a second). */
export const TEXT_PASS_DEFER_AT = 2000;
/** Partial word-index saves during a long text pass, at most this often. */
const PROGRESS_SAVE_MS = 30_000;

/** Bytes of vector blocks per IndexedDB read at start-up. */
const BYTES_PER_READ = 16 << 20;

/**
 * Blocks per read so that one read carries ~BYTES_PER_READ: a library of many short documents has many small
 * blocks (1M passages in ~20k documents: ~50 rows a block), and a fixed 64 blocks a read made 300+ small reads.
 */
export function blocksPerRead(rows: number, documents: number, dims: number): number {
  const rowsPerBlock = Math.max(1, Math.min(1024, rows / Math.max(1, documents)));
  return Math.max(16, Math.min(4096, Math.floor(BYTES_PER_READ / (rowsPerBlock * (dims + 8)))));
}

/** Opens once; `wait(ms)` resolves when it is open or after `ms`. */
class Gate {
  private _open!: () => void;
  private readonly _opened = new Promise<void>((resolve) => (this._open = resolve));
  open(): void {
    this._open();
  }
  wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    return Promise.race([this._opened, elapsed]).finally(() => clearTimeout(timer));
  }
}

/** Saves a partial word index every PROGRESS_SAVE_MS of a long text pass (and yields to queued searches). */
class WordIndexProgress {
  private _lastSave = performance.now();
  /** Texts added since the last save. */
  count = 0;
  constructor(private readonly _save: () => false | Promise<void>) {}
  async added(count: number): Promise<void> {
    this.count += count;
    if (performance.now() - this._lastSave < PROGRESS_SAVE_MS) return;
    this.count = 0;
    await this._save();
    this._lastSave = performance.now();
  }
}

/** Hits ranked beyond `k`, to stand in for passages deleted between ranking and reading. */
const SPARE_HITS = 5;
/** Passages read per request when catching the saved word index up (small: see PASSAGES_PER_READ in library.ts). */
const TEXTS_PER_READ = 250;
/** Passages added to the word index between two chances for a search to run first. */
const TEXTS_PER_TURN = 50;

export class LibraryService {
  readonly model: LibraryModel;
  private readonly _options: LibraryServiceOptions;
  private readonly _library: Promise<Library>;
  private _index: Promise<SearchIndex<string>>;
  /** The word index changed since it was saved. */
  private _lexicalDirty = false;
  /** Bumped by every word-index build, so a build superseded by a later one (after an import) stays silent. */
  private _lexicalGeneration = 0;
  private _lexicalReady = false;
  private _titles: Map<string, string> | null = null;
  /** Document titles as a second word field of ranking (core/title-index.ts), kept with the index. */
  private readonly _titleIndex = new TitleIndex<string>();
  /** Tells other tabs about this tab's writes and applies theirs (listening before the index loads). */
  private readonly _changes: LibraryChanges;
  /** Searches run before the word index build (query-priority.ts). */
  private readonly _queries = new QueryPriority();
  /** Opens once a search has answered: a long word-index text pass waits for it (see `textPassDelayMs`). */
  private readonly _firstAnswer = new Gate();
  private readonly _textPassDeferAt: number;
  private readonly _textPassDelayMs: number;

  constructor(model: LibraryModel, options: LibraryServiceOptions = {}) {
    this.model = { id: model.id, dimensions: model.dimensions, ...(model.build ? { build: model.build } : {}) };
    this._options = options;
    this._textPassDeferAt = options.textPassDeferAt ?? TEXT_PASS_DEFER_AT;
    this._textPassDelayMs = options.textPassDelayMs ?? 0;
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
    return { rows: index.size, lexicalReady: this._lexicalReady };
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
    this._lexicalDirty ||= indexed.length > 0;
    this._titles?.set(added.documentId, doc.title);
    if (!added.duplicate) {
      this._titleIndex.set(added.documentId, doc.title);
      this._changes.post({ kind: 'documents-added', documentIds: [added.documentId], passageIds: indexed.map((i) => i.passage.id) });
    }
    return added;
  }

  async deleteDocument(id: string): Promise<void> {
    const [library, index] = await Promise.all([this._library, this._index]);
    // Out of search first: a search while the database deletes never ranks (and then drops) its passages.
    const prefix = `${id}:`;
    for (const passage of [...index.ids()].filter((p) => p.startsWith(prefix))) index.remove(passage);
    this._lexicalDirty = true;
    for (const passage of await library.deleteDocument(id)) index.remove(passage);
    this._titles?.delete(id);
    this._titleIndex.delete(id);
    this._changes.post({ kind: 'documents-deleted', documentIds: [id] });
  }

  /** Replaces a document's passages by a fresh split of `text` (its stored text); it is embedded again. */
  async replacePassages(id: string, text: string, offsets: SpanOffsets): Promise<void> {
    const [library, index] = await Promise.all([this._library, this._index]);
    const removed = await library.replacePassages(id, fromOffsets(text, offsets));
    for (const passage of removed) index.remove(passage);
    this._lexicalDirty = true;
    this._changes.post({ kind: 'rows-removed', documentIds: [id], passageIds: removed });
  }

  async clear(): Promise<void> {
    const [library, index] = await Promise.all([this._library, this._index]);
    await library.clear();
    for (const id of [...index.ids()]) index.remove(id);
    this._titles = new Map();
    this._titleIndex.clear();
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
    this._lexicalDirty ||= indexed.length > 0;
    if (indexed.length > 0) this._changes.post({ kind: 'rows-added', passageIds: indexed.map((i) => i.passage.id) });
    return indexed.length;
  }

  async search(request: SearchRequest): Promise<SearchResponse> {
    // The word index build pauses meanwhile (query-priority.ts).
    return this._queries.run(() => this._search(request));
  }

  private async _search(request: SearchRequest): Promise<SearchResponse> {
    const [library, index] = await Promise.all([this._library, this._index]);
    const started = performance.now();
    const byMeaningOnly = request.queryVector !== null && !this._lexicalReady;
    const mode = request.hybrid && !byMeaningOnly ? 'hybrid' : 'dense';
    // A few more than asked: a hit whose passage was deleted meanwhile is dropped below without leaving a gap.
    // The filter is part of ranking (core/row-filter.ts), so a search within a few documents still fills k hits.
    const within = request.documentIds?.length ? index.rowFilter(request.documentIds) : undefined;
    const titleField = { index: this._titleIndex, documentOf: docIdOf };
    const ranked = searchPassages(index, request.queryVector, request.text, {
      k: request.k + SPARE_HITS,
      mode,
      titles: titleField,
      documentOf: docIdOf,
      ...(within ? { within } : {}),
    });
    // From the raw cosine and BM25 of each hit, apart from the ranking: the same scale for every query.
    const relevance = calibrateHits(index.lexical, request.text, ranked);
    const rankedAt = performance.now();

    const [read, titles] = await Promise.all([library.readHits(ranked.map((hit) => hit.id)), this._documentTitles(library)]);
    const readAt = performance.now();
    const hits: SearchHit[] = [];
    ranked.forEach((hit, i) => {
      const { passage, codes } = read[i]!;
      if (!passage || hits.length === request.k) return; // deleted meanwhile, or enough
      hits.push({
        passageId: passage.id,
        documentId: passage.docId,
        documentTitle: titles.get(passage.docId) ?? '',
        ordinal: passage.ordinal,
        text: passage.text,
        score: hit.score,
        relevance: relevance[i]!,
        dense: hit.dense ?? 0,
        lexical: hit.lexical ?? 0,
        // No model call at query time: the sentence codes stored at indexing, or the query's words without them.
        highlight: bestSentenceByCodes(passage.text, request.queryVector ? codes : null, request.queryVector, request.text),
      });
    });
    const done = performance.now();
    const closeMatch = hasCloseMatch(hits.map((hit) => hit.relevance), closeMatchThreshold(index.size));
    this._firstAnswer.open();
    return { hits, byMeaningOnly, closeMatch, timings: { rank: rankedAt - started, read: readAt - rankedAt, highlight: done - readAt } };
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
  async importLibrary(file: Blob, onProgress?: (progress: ImportProgress) => void): Promise<{ documents: number; passages: number }> {
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
    this._titles = null;
    this._lexicalReady = false;
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
      if (await applyChange(index, library, change)) this._lexicalDirty = true;
      if (change.kind === 'documents-added' || change.kind === 'documents-deleted') {
        this._titles = null;
        // Another tab's documents: their titles count in ranking here too (core/title-index.ts).
        for (const id of change.documentIds) this._titleIndex.delete(id);
        if (change.kind === 'documents-added') {
          for (const id of change.documentIds) {
            const document = await library.getDocument(id);
            if (document) this._titleIndex.set(id, document.title);
          }
        }
      } else if (change.kind !== 'rows-added') {
        this._titles = null;
      }
    }
    this._options.onRemoteChange?.(describeChange(change));
  }

  private async _loadVectors(library: Library): Promise<SearchIndex<string>> {
    startupMark('library:opened');
    const index = new SearchIndex<string>(this.model.dimensions, { groupOf: docIdOf });
    this._titleIndex.clear();
    let rows = 0;
    const documents = await library.listDocuments();
    for (const doc of documents) {
      this._titleIndex.set(doc.id, doc.title);
      rows += doc.indexedCount;
    }
    // Room for every stored row at once: growing by doubling copied the arrays ~10 times at 1M rows and left up to
    // half of their capacity unused.
    index.vectors.reserve(rows);
    startupMark('library:titles');
    let indexing = 0;
    await library.forEachBlock((block) => {
      const t0 = performance.now();
      // Texts come later, from the word index build.
      index.loadBlock(Array.from(block.ordinals, (ordinal) => passageId(block.docId, ordinal)), block.q, block.scales, block.docId, block.residuals);
      indexing += performance.now() - t0;
    }, blocksPerRead(rows, documents.length, this.model.dimensions));
    startupMark('library:vectors', { rows: index.size, indexingMs: Math.round(indexing) });
    releaseGarbage(); // the blocks just read were copied into the index
    this._buildLexical(library, index);
    return index;
  }

  /**
   * Makes the word index complete without holding up anything else: from the saved snapshot when there is one
   * that fits (then only passages added since are read), else from every stored passage text, a chunk at a time.
   */
  private _buildLexical(library: Library, index: SearchIndex<string>): void {
    const generation = ++this._lexicalGeneration;
    const lexicalFrom = performance.now();
    void (async () => {
      const saved = await library.savedWordIndex();
      startupMark('library:words-read', { bytes: saved?.bytes.byteLength ?? 0 });
      let restored = false;
      const progress = new WordIndexProgress(() => generation === this._lexicalGeneration && this._saveWordIndexNow(index, library));
      if (saved) {
        try {
          const missing = index.restoreLexical(saved);
          startupMark('library:words-restored', { missing: missing.length });
          if (missing.length >= this._textPassDeferAt) await this._firstAnswer.wait(this._textPassDelayMs);
          for (let start = 0; start < missing.length; start += TEXTS_PER_READ) {
            if (generation !== this._lexicalGeneration) return;
            const passages = await library.getPassagesById(missing.slice(start, start + TEXTS_PER_READ));
            await this._queries.turn();
            for (const passage of passages) if (passage) index.addText(passage.id, passage.text);
            await progress.added(passages.length);
          }
          restored = true;
        } catch (error) {
          console.warn('Passage: the saved word index could not be used; building it again', error);
        }
      }
      if (!restored) {
        if (index.size >= this._textPassDeferAt) await this._firstAnswer.wait(this._textPassDelayMs);
        progress.count = index.size; // a fresh build is due for saving even if the library has no text
        await library.forEachPassageChunk(async (passages) => {
          if (generation !== this._lexicalGeneration) return 'stop'; // superseded: no more reads for it
          // A search waits for one slice at most (~50 passages tokenized), not for the whole chunk.
          for (let start = 0; start < passages.length; start += TEXTS_PER_TURN) {
            await this._queries.turn();
            for (const passage of passages.slice(start, start + TEXTS_PER_TURN)) index.addText(passage.id, passage.text);
          }
          await progress.added(passages.length);
        });
      }
      performance.measure('passage:lexical:build', { start: lexicalFrom, end: performance.now() });
      if (generation !== this._lexicalGeneration) return; // superseded by a later build (after an import)
      // Texts added since the last (partial) save make the final save due.
      if (progress.count > 0) this._lexicalDirty = true;
      this._lexicalReady = true;
      startupMark('library:words', { restored: String(restored) });
      this._options.onLexicalReady?.();
      await this.saveWordIndex();
      releaseGarbage(); // every text read, tokenized and dropped
    })().catch((error: unknown) => console.error('Passage: the word index could not be built', error));
  }

  /** Saves the word index when it changed since it was loaded or last saved (after indexing runs, at start). */
  async saveWordIndex(): Promise<void> {
    if (!this._lexicalReady || !this._lexicalDirty) return;
    const [library, index] = await Promise.all([this._library, this._index]);
    await this._saveWordIndexNow(index, library);
  }

  /**
   * Also while the word index is still incomplete: a saved partial index is restored at the next start and only
   * the passages it lacks are read (restoreLexical), so a reload during a long build does not start it over.
   */
  private async _saveWordIndexNow(index: SearchIndex<string>, library: Library): Promise<void> {
    this._lexicalDirty = false;
    const { ids, bytes } = index.lexicalSnapshot();
    await library.saveWordIndex(ids, bytes);
  }

  private async _documentTitles(library: Library): Promise<Map<string, string>> {
    if (!this._titles) {
      this._titles = new Map((await library.listDocuments()).map((d) => [d.id, d.title]));
    }
    return this._titles;
  }
}

function addToIndex(index: SearchIndex<string>, { passage, vector }: IndexedPassage): void {
  index.add(passage.id, passage.text, vector.q, vector.scale, vector.residual);
}
