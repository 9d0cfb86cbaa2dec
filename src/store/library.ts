/**
 * The library on disk: documents, their passages and the vectors of the current model. Every change that must
 * not be seen half-done (a document with only some passages, a deletion that leaves orphans) is one transaction.
 * Vectors are keyed by (model, passage content hash), so identical passages share one vector and a passage is
 * never embedded twice for the same model.
 *
 * Schema 6 stores each text and each int8 row once: a passage record holds offsets into its document's text
 * chunks (read back by `withTexts`), and its row lives only in its document's vector block (a text shared with
 * another document borrows that document's row: `_sharedRows`).
 */
import type { IDBPTransaction } from 'idb';
import type { DocumentSummary, ImportedText } from '../core/types.ts';
import { sha256Hex } from '../core/hash.ts';
import { residualStride } from '../core/residual-codes.ts';
import { SPLIT_RECIPE, vectorKey, type PassageInput, type PassageSpan } from '../core/split.ts';
import {
  BLOCK_ROWS,
  META_KEY,
  openDatabase,
  packBlock,
  TEXT_CHUNK_CHARS,
  textChunks,
  type Database,
  type DocumentRecord,
  type OpenOptions,
  type PassageDB,
  type PassageRecord,
  type TextChunkRecord,
  type VectorBlock,
  type VectorRecord,
} from './db.ts';
import { documentBlocks, documentChunks, documentPassages, documentPositions, modelRange } from './key-ranges.ts';
import { storedBlockModels, storedVectorModels, useModel } from './model-vectors.ts';
import { plainStore, type ImportedVectorKeys } from './import-writes.ts';

/** A stored passage with its text and context, read from its document's text chunks. */
export interface Passage extends PassageRecord {
  text: string;
  context: string;
}

/**
 * An int8 row of the search index, with the residual code of what rounding lost (core/residual-codes.ts) when it
 * was embedded since those codes exist; rows without one are ranked by their int8 code alone.
 */
export interface Row {
  q: Int8Array;
  scale: number;
  residual?: Uint8Array;
}

export interface LibraryModel {
  id: string;
  dimensions: number;
  /** The model build's hash (core/model-build.ts); absent when unknown, and the stored vectors are kept then. */
  build?: string;
}

export interface AddedDocument {
  documentId: string;
  /** True when the same text was already stored; nothing was written. */
  duplicate: boolean;
  passageCount: number;
  /**
   * The new passages whose text already had a vector for the current model (shared with a stored passage). The
   * indexer never embeds them again, so it never reports them: the caller puts them into the search index itself.
   */
  indexed: IndexedPassage[];
}

/** A passage that still needs a vector for the current model (one per distinct content hash). */
export interface PendingText extends PassageInput {
  contentHash: string;
}

export interface NewVector {
  contentHash: string;
  q: Int8Array;
  scale: number;
  residual?: Uint8Array;
  sentences?: Uint8Array;
}

/** A document as a library file brings it: metadata, text, and passages (offsets) with their vectors when indexed. */
export interface ImportedDocument {
  document: Omit<DocumentRecord, 'passageCount' | 'indexedCount'> & { text: string };
  passages: readonly (Omit<PassageRecord, 'id' | 'docId'> & { vector: Row | null })[];
}

/** A passage together with its vector, ready for the in-memory search index. */
export interface IndexedPassage {
  passage: Passage;
  vector: Row;
}

export interface NeighbourPassage {
  passage: Passage;
  isCentre: boolean;
}

export function passageId(docId: string, ordinal: number): string {
  return `${docId}:${ordinal}`;
}

/** Each span's content hash: the sha-256 of its vector key. Computed before a transaction opens (see addDocument). */
function contentHashes(spans: readonly PassageSpan[]): Promise<string[]> {
  return Promise.all(spans.map((span) => sha256Hex(vectorKey(span))));
}

function passageRecord(docId: string, span: PassageSpan, contentHash: string): PassageRecord {
  const { ordinal, start, end, context } = span;
  return { id: passageId(docId, ordinal), docId, ordinal, start, end, contextStart: start - context.length, contentHash };
}

/** Content hashes checked per transaction when a deleted document's unused vectors are swept. */
const VECTOR_SWEEP_CHUNK = 2000;
/** Passages read per request when looking for pending work. */
const PENDING_CHUNK = 256;
/** Vector blocks per read at start-up (~25 MB at 384 dims). */
const BLOCKS_PER_READ = 64;
/**
 * Passages per read when building the word index: small enough that tokenizing one read (~0.2 ms a passage) never
 * holds the library worker for long, so searches queued meanwhile answer between reads.
 */
const PASSAGES_PER_READ = 250;

export class Library {
  /** True when the library was last opened with another model (its vectors stay; see model-vectors.ts). */
  readonly modelChanged: boolean;
  private readonly _db: Database;
  private readonly _model: LibraryModel;
  /** Per document with pending passages: the last ordinal handed out or found embedded (see pendingTexts). */
  private readonly _pendingFrom = new Map<string, number>();

  private constructor(db: Database, model: LibraryModel, modelChanged: boolean) {
    this._db = db;
    this._model = model;
    this.modelChanged = modelChanged;
  }

  /**
   * Opens the library for `model`. Other models' vectors stay (switching back is instant); what `model` has no
   * vector for is pending, so the indexer embeds it in the background.
   */
  static async open(model: LibraryModel, options: OpenOptions = {}): Promise<Library> {
    const db = await openDatabase(options);
    const modelChanged = await useModel(db, model);
    return new Library(db, model, modelChanged);
  }

  get model(): LibraryModel {
    return this._model;
  }

  /** The raw database, for export/import which work across all stores in one transaction. */
  get db(): Database {
    return this._db;
  }

  close(): void {
    this._db.close();
  }

  findBySha256(sha256: string): Promise<DocumentRecord | undefined> {
    return this._db.getFromIndex('documents', 'by-sha256', sha256);
  }

  /**
   * Stores the document and all its passages in one transaction; a duplicate of stored text writes nothing.
   * Vectors are read in the same transaction, so a passage is either in `indexed` here or in the result of a later
   * `storeVectors` for its hash, never in neither.
   */
  async addDocument(input: ImportedText, spans: readonly PassageSpan[]): Promise<AddedDocument> {
    // Hash before the transaction opens: awaiting anything but IndexedDB inside it would commit it early.
    const sha256 = await sha256Hex(input.text);
    const hashes = await contentHashes(spans);
    const id = crypto.randomUUID();

    const tx = this._db.transaction(['documents', 'textChunks', 'passages', 'vectors', 'vectorBlocks'], 'readwrite');
    const existing = await tx.objectStore('documents').index('by-sha256').get(sha256);
    if (existing) {
      await tx.done;
      return { documentId: existing.id, duplicate: true, passageCount: existing.passageCount, indexed: [] };
    }
    const document: DocumentRecord = {
      id,
      title: input.title,
      type: input.type,
      size: input.size,
      sha256,
      added: Date.now(),
      passageCount: spans.length,
      splitRecipe: SPLIT_RECIPE,
      indexedCount: 0,
    };
    const writes = requestGroup(tx);
    const vectors = tx.objectStore('vectors');
    const distinct = [...new Set(hashes)];
    const reads = distinct.map((hash) => vectors.getKey([this._model.id, hash]));
    for (const chunk of textChunks(id, input.text)) writes.issue(tx.objectStore('textChunks').add(chunk));
    const passages = spans.map((span, i) => ({ ...passageRecord(id, span, hashes[i]!), text: span.text, context: span.context }));
    for (const { text: _text, context: _context, ...record } of passages) writes.issue(tx.objectStore('passages').add(record));
    writes.issue(tx.objectStore('documents').add(document));
    const found = await Promise.allSettled(reads);
    await writes.done(); // a failed write (a read fails only then) throws its own cause here
    const knownHashes = distinct.filter((_hash, i) => found[i]!.status === 'fulfilled' && (found[i] as PromiseFulfilledResult<unknown>).value !== undefined);
    // Texts embedded already (for another document): their rows are borrowed from that document's block.
    const known = await this._sharedRows(tx, knownHashes, (passage) => docIdOf(passage) !== id);
    const indexed: IndexedPassage[] = passages.flatMap((passage) => {
      const vector = known.get(passage.contentHash);
      return vector ? [{ passage, vector }] : [];
    });
    // Passages whose text already had a vector get their search rows (and count) now, in the same transaction.
    await this._appendRows(tx, indexed.map(({ passage, vector }) => ({ docId: id, ordinal: passage.ordinal, ...vector })));
    await tx.done;
    return { documentId: id, duplicate: false, passageCount: spans.length, indexed };
  }

  /**
   * Deletes a document, its passages, its search rows and the vectors no remaining passage uses — in one
   * transaction. Passages and blocks go by key range (one request each, however big the document); the shared-
   * vector check is one pipelined count per distinct text. Returns the ids of the deleted passages.
   */
  async deleteDocument(id: string): Promise<string[]> {
    // Read what goes first, in a read-only transaction that does not hold up searches reading passages.
    const doomed = await this._db.getAll('passages', documentPassages(id));
    const tx = this._db.transaction(['documents', 'textChunks', 'passages', 'vectorBlocks'], 'readwrite');
    // Every model's search rows of the document go (other models' too: their ids would point at nothing).
    const models = await storedBlockModels(tx);
    await Promise.all([
      tx.objectStore('passages').delete(documentPassages(id)),
      ...models.map((modelId) => tx.objectStore('vectorBlocks').delete(documentBlocks(modelId, id))),
      tx.objectStore('documents').delete(id),
      tx.objectStore('textChunks').delete(documentChunks(id)),
      tx.done,
    ]);
    this._pendingFrom.delete(id);
    // Then the vectors no remaining passage uses, in short transactions that searches can run between. A crash
    // here leaves unused vectors behind (space only: a passage with that text would use one again).
    const hashes = [...new Set(doomed.map((p) => p.contentHash))];
    const vectorModels = hashes.length > 0 ? await storedVectorModels(this._db.transaction('vectors', 'readonly')) : [];
    for (let start = 0; start < hashes.length; start += VECTOR_SWEEP_CHUNK) {
      const chunk = hashes.slice(start, start + VECTOR_SWEEP_CHUNK);
      const sweep = this._db.transaction(['passages', 'vectors'], 'readwrite');
      const remaining = await Promise.all(chunk.map((hash) => sweep.objectStore('passages').index('by-hash').count(hash)));
      const vectors = sweep.objectStore('vectors');
      await Promise.all([
        ...chunk.flatMap((hash, i) => (remaining[i] === 0 ? vectorModels.map((modelId) => vectors.delete([modelId, hash])) : [])),
        sweep.done,
      ]);
    }
    return doomed.map((p) => p.id);
  }

  /**
   * Re-indexing: replaces a document's passages with `spans` (a fresh split of its text) and forgets the current
   * model's vectors of both the old and the new passages, so the indexer embeds the document again — one
   * transaction, so a crash leaves either the old passages or the new ones. A vector shared with another
   * document's identical passage goes too. Returns the ids of every passage that left the search index (the old
   * ones and those that lost a shared vector). A document deleted meanwhile is left alone.
   */
  async replacePassages(docId: string, spans: readonly PassageSpan[]): Promise<string[]> {
    const hashes = await contentHashes(spans);
    const tx = this._db.transaction(['documents', 'passages', 'vectors', 'vectorBlocks', 'wordIndex'], 'readwrite');
    const document = await tx.objectStore('documents').get(docId);
    if (!document) {
      await tx.done;
      return [];
    }
    // Passage ids stay, their texts change: a saved word index no longer fits.
    const stamp = (await tx.objectStore('wordIndex').get('stamp'))?.stamp ?? 0;
    await tx.objectStore('wordIndex').put({ stamp: stamp + 1 }, 'stamp');
    const passages = tx.objectStore('passages');
    const old = await passages.getAll(documentPassages(docId));
    await passages.delete(documentPassages(docId));
    const removed = new Set(old.map((p) => p.id));
    // Every model's vectors of these texts go, not only the current one's: each model keeps rows and vectors in
    // step (model-vectors.ts), and re-embeds the document when it is next in use.
    const models = [...new Set([this._model.id, ...(await storedBlockModels(tx)), ...(await storedVectorModels(tx))])];
    for (const contentHash of new Set([...old.map((p) => p.contentHash), ...hashes])) {
      for (const modelId of models) await tx.objectStore('vectors').delete([modelId, contentHash]);
      for (const id of await passages.index('by-hash').getAllKeys(contentHash)) removed.add(id);
    }
    await Promise.all(spans.map((span, i) => passages.add(passageRecord(docId, span, hashes[i]!))));
    for (const modelId of models) await tx.objectStore('vectorBlocks').delete(documentBlocks(modelId, docId));
    await tx.objectStore('documents').put({ ...document, passageCount: spans.length, splitRecipe: SPLIT_RECIPE, indexedCount: 0 });
    // Other documents' passages that shared a vector lose their search rows too: they are embedded again.
    const others = new Map<string, Set<number>>();
    for (const id of removed) {
      const other = docIdOf(id);
      if (other === docId) continue;
      const ordinals = others.get(other) ?? new Set<number>();
      ordinals.add(ordinalOf(id));
      others.set(other, ordinals);
    }
    for (const [other, ordinals] of others) for (const modelId of models) await this._dropRows(tx, modelId, other, ordinals);
    await tx.done;
    this._pendingFrom.delete(docId);
    for (const other of others.keys()) this._pendingFrom.delete(other);
    return [...removed];
  }

  /**
   * Removes the given passages' rows from a document's vector blocks of one model, and lowers its indexed count
   * when that model is the current one (other models' counts are recounted when they are next used).
   */
  private async _dropRows(tx: ReadWriteTransaction, modelId: string, docId: string, ordinals: ReadonlySet<number>): Promise<void> {
    const blocks = tx.objectStore('vectorBlocks');
    let dropped = 0;
    for (const block of await blocks.getAll(documentBlocks(modelId, docId))) {
      const dims = block.ordinals.length > 0 ? block.q.length / block.ordinals.length : this._model.dimensions;
      const keep = blockRows(block, dims).filter((row) => !ordinals.has(row.ordinal));
      if (keep.length === block.ordinals.length) continue;
      dropped += block.ordinals.length - keep.length;
      await blocks.put(packBlock(block.modelId, docId, block.block, dims, keep));
    }
    if (modelId !== this._model.id) return;
    const document = await tx.objectStore('documents').get(docId);
    if (document && dropped > 0) {
      await tx.objectStore('documents').put({ ...document, indexedCount: Math.max(0, document.indexedCount - dropped) });
    }
  }

  /** Removes every document, text, passage and vector; the model record stays. */
  async clear(): Promise<void> {
    const tx = this._db.transaction(['documents', 'textChunks', 'passages', 'vectors', 'vectorBlocks', 'wordIndex'], 'readwrite');
    await Promise.all([
      tx.objectStore('wordIndex').delete('snapshot'),
      tx.objectStore('documents').clear(),
      tx.objectStore('textChunks').clear(),
      tx.objectStore('passages').clear(),
      tx.objectStore('vectors').clear(),
      tx.objectStore('vectorBlocks').clear(),
      tx.done,
    ]);
    this._pendingFrom.clear();
  }

  /** Every document, oldest first, with how many of its passages have a vector for the current model. */
  async listDocuments(): Promise<DocumentSummary[]> {
    const documents = await this._db.getAll('documents');
    return documents.sort((a, b) => a.added - b.added).map((d) => summaryOf(d));
  }

  /** Documents whose passages were made by an older SPLIT_RECIPE, oldest first: they should be split again. */
  async staleDocumentIds(): Promise<string[]> {
    const documents = await this._db.getAll('documents');
    return documents
      .filter((d) => (d.splitRecipe ?? 1) < SPLIT_RECIPE)
      .sort((a, b) => a.added - b.added)
      .map((d) => d.id);
  }

  getDocument(id: string): Promise<DocumentRecord | undefined> {
    return this._db.get('documents', id);
  }

  /** The document's extracted text (what its passages are slices of). */
  async getText(id: string): Promise<string | undefined> {
    const chunks = await this._db.getAll('textChunks', documentChunks(id));
    return chunks.length === 0 ? undefined : chunks.map((c) => c.text).join('');
  }

  async getPassage(id: string): Promise<Passage | undefined> {
    return (await this.getPassagesById([id]))[0];
  }

  /** The passages with these ids, in the same order (undefined for one that is gone), in one transaction. */
  async getPassagesById(ids: readonly string[]): Promise<(Passage | undefined)[]> {
    const tx = this._db.transaction(['passages', 'textChunks'], 'readonly');
    const records = await Promise.all(ids.map((id) => tx.objectStore('passages').get(id)));
    const found = records.filter((p): p is PassageRecord => p !== undefined);
    const withText = new Map((await withTexts(tx.objectStore('textChunks'), found)).map((p) => [p.id, p]));
    await tx.done;
    return records.map((p) => (p ? withText.get(p.id) : undefined));
  }

  /** The saved word index, or null when there is none or it no longer fits the stored texts. */
  async savedWordIndex(): Promise<{ ids: string[]; bytes: Uint8Array } | null> {
    const tx = this._db.transaction('wordIndex', 'readonly');
    const [stamp, saved] = await Promise.all([tx.store.get('stamp'), tx.store.get('snapshot')]);
    await tx.done;
    if (!saved?.ids || !saved.bytes || saved.stamp !== (stamp?.stamp ?? 0)) return null;
    return { ids: saved.ids, bytes: saved.bytes };
  }

  /** Saves the word index made from the texts stored now (the caller took it after every change it knows of). */
  async saveWordIndex(ids: string[], bytes: Uint8Array): Promise<void> {
    const tx = this._db.transaction('wordIndex', 'readwrite');
    const stamp = (await tx.store.get('stamp'))?.stamp ?? 0;
    await tx.store.put({ stamp, ids, bytes }, 'snapshot');
    await tx.done;
  }

  /**
   * The passages shown as hits, each with the sentence codes stored beside its vector (null where there are none),
   * in one transaction: each passage's vector is asked for as soon as its record arrives (measured: two
   * transactions one after the other made "read" the largest part of a query at 100k passages).
   */
  async readHits(ids: readonly string[]): Promise<{ passage: Passage | undefined; codes: Uint8Array | null }[]> {
    const tx = this._db.transaction(['passages', 'vectors', 'textChunks'], 'readonly');
    const passages = tx.objectStore('passages');
    const vectors = tx.objectStore('vectors');
    const chunks = tx.objectStore('textChunks');
    const hits = await Promise.all(
      ids.map(async (id) => {
        const record = await passages.get(id);
        if (!record) return { passage: undefined, codes: null };
        // The codes and the text chunk (one, or two across a boundary) are asked for together.
        const [vector, [passage]] = await Promise.all([vectors.get([this._model.id, record.contentHash]), withTexts(chunks, [record], false)]);
        return { passage, codes: vector?.sentences ?? null };
      }),
    );
    await tx.done;
    return hits;
  }

  /** A document's passages in reading order, with their texts. */
  async getPassages(docId: string): Promise<Passage[]> {
    const tx = this._db.transaction(['passages', 'textChunks'], 'readonly');
    const records = await tx.objectStore('passages').index('by-position').getAll(documentPositions(docId));
    const passages = await withTexts(tx.objectStore('textChunks'), records);
    await tx.done;
    return passages;
  }

  /** The passage and up to `radius` passages either side of it in its document, in reading order. */
  async neighbours(id: string, radius: number): Promise<NeighbourPassage[]> {
    const docId = docIdOf(id);
    const ordinal = ordinalOf(id);
    const tx = this._db.transaction(['passages', 'textChunks'], 'readonly');
    const range = IDBKeyRange.bound([docId, Math.max(0, ordinal - radius)], [docId, ordinal + radius]);
    const records = await tx.objectStore('passages').index('by-position').getAll(range);
    const found = records.some((p) => p.id === id) ? await withTexts(tx.objectStore('textChunks'), records, false) : [];
    await tx.done;
    return found.map((passage) => ({ passage, isCentre: passage.id === id }));
  }

  /** How many passages still need a vector for the current model (from the documents' counts: no passage read). */
  async pendingCount(): Promise<number> {
    const documents = await this._db.getAll('documents');
    return documents.reduce((sum, d) => sum + Math.max(0, d.passageCount - d.indexedCount), 0);
  }

  /**
   * Up to `limit` passages without a vector for the current model, one per content hash, in the order documents
   * were added. Reads only documents that have pending passages, a chunk at a time from where the previous call
   * stopped in that document, so embedding a 70k-passage document never rereads what it already embedded.
   */
  async pendingTexts(limit = Infinity): Promise<PendingText[]> {
    const pending = new Map<string, PendingText>();
    const documents = (await this._db.getAll('documents'))
      .filter((d) => d.indexedCount < d.passageCount)
      .sort((a, b) => a.added - b.added);
    for (const document of documents) {
      let from = this._pendingFrom.get(document.id);
      // Started at the top: one pass suffices. Started at a marker: read to the end, then once from the top
      // (passages handed out to a run that was cancelled before storing them are found again there).
      let wrapped = from === undefined;
      while (pending.size < limit) {
        const range = IDBKeyRange.bound([document.id, from ?? -1], [document.id, Infinity], true, true);
        const tx = this._db.transaction(['passages', 'vectors', 'textChunks'], 'readonly');
        const chunk = await tx.objectStore('passages').index('by-position').getAll(range, PENDING_CHUNK);
        const vectorKeys = await Promise.all(
          chunk.map((p) => tx.objectStore('vectors').getKey([this._model.id, p.contentHash])),
        );
        let last: PassageRecord | undefined;
        const wanted: PassageRecord[] = [];
        const hashes = new Set(pending.keys());
        for (const [i, passage] of chunk.entries()) {
          if (hashes.size >= limit) break;
          last = passage;
          if (vectorKeys[i] === undefined && !hashes.has(passage.contentHash)) {
            hashes.add(passage.contentHash);
            wanted.push(passage);
          }
        }
        // Their texts: one read of the chunks these neighbouring passages span.
        for (const { contentHash, context, text } of await withTexts(tx.objectStore('textChunks'), wanted)) {
          pending.set(contentHash, { contentHash, context, text });
        }
        await tx.done;
        if (!last) {
          this._pendingFrom.delete(document.id);
          if (wrapped) break;
          wrapped = true;
          from = undefined;
          continue;
        }
        // Everything up to `last` is either embedded or handed out now; the next call continues after it.
        from = last.ordinal;
        this._pendingFrom.set(document.id, from);
      }
      if (pending.size >= limit) break;
    }
    return [...pending.values()];
  }

  /**
   * Stores one batch of vectors in one transaction and returns the passages that now have a vector. A hash whose
   * passages were all deleted while it was being embedded is skipped, so no orphan vector is written.
   */
  async storeVectors(modelId: string, batch: readonly NewVector[]): Promise<IndexedPassage[]> {
    if (modelId !== this._model.id) throw new Error(`Passage: vectors of ${modelId} offered to a ${this._model.id} library`);
    const tx = this._db.transaction(['documents', 'passages', 'vectors', 'vectorBlocks', 'textChunks', 'meta'], 'readwrite');
    // Another tab switched the library to another model (it restarts too, model-manager.ts): documents now count
    // that model's rows, so a batch of this model's is not stored (it is embedded again when this model returns).
    const meta = await tx.objectStore('meta').get(META_KEY);
    if (meta && meta.modelId !== modelId) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw new Error(`Passage: the library now uses ${meta.modelId}; vectors of ${modelId} were not stored`);
    }
    const byHash = tx.objectStore('passages').index('by-hash');
    const vectors = tx.objectStore('vectors');
    const found = await Promise.all(batch.map((item) => Promise.all([byHash.getAll(item.contentHash), vectors.getKey([modelId, item.contentHash])])));
    const rows: { passage: PassageRecord; vector: Row }[] = [];
    batch.forEach((item, i) => {
      const [passages, existing] = found[i]!;
      // Gone while it was being embedded (no orphan vector), or stored already by an earlier run.
      if (passages.length === 0 || existing !== undefined) return;
      const vector: VectorRecord = item.sentences ? { sentences: item.sentences } : {};
      void vectors.put(vector, [modelId, item.contentHash]);
      const row = rowOf(item);
      for (const passage of passages) rows.push({ passage, vector: row });
    });
    // The transaction also spans `meta` (the check above); _appendRows uses only the stores its type names.
    await this._appendRows(
      tx as unknown as ReadWriteTransaction,
      rows.map(({ passage, vector }) => ({ docId: passage.docId, ordinal: passage.ordinal, ...vector })),
    );
    // The search index needs their texts: the batch is neighbouring passages, so this is a read or two.
    const texts = new Map((await withTexts(tx.objectStore('textChunks'), rows.map((r) => r.passage))).map((p) => [p.id, p]));
    await tx.done;
    return rows.map(({ passage, vector }) => ({ passage: texts.get(passage.id)!, vector }));
  }

  /**
   * Stores whole documents brought in by a library file, with their passages, the vectors the library lacks and
   * the search rows of every passage that has a vector — in one transaction, so none is ever seen half-stored.
   * A document whose text is already here is skipped. A vector new to the library also gives rows to stored
   * passages (of other documents) that share its text and were still waiting for it.
   */
  async addImported(group: readonly ImportedDocument[], ownVectors?: ImportedVectorKeys): Promise<{ id: string; passages: number }[]> {
    const tx = this._db.transaction(['documents', 'textChunks', 'passages', 'vectors', 'vectorBlocks'], 'readwrite');
    try {
      return await this._addImported(tx, group, ownVectors);
    } catch (error) {
      // A write issued on a plain store (import-writes.ts) that failed aborted the transaction: its error is the
      // cause, not the AbortError of whatever was awaited next. Any other failure aborts it here, so nothing
      // issued so far commits.
      const cause = tx.error ?? error;
      try {
        tx.abort();
      } catch {
        // finished or aborted already
      }
      throw cause;
    }
  }

  private async _addImported(tx: ReadWriteTransaction, group: readonly ImportedDocument[], ownVectors?: ImportedVectorKeys): Promise<{ id: string; passages: number }[]> {
    const modelId = this._model.id;
    tx.done.catch(() => undefined); // awaited at the end; an abort surfaces through the first await that sees it
    const documents = tx.objectStore('documents');
    const vectors = tx.objectStore('vectors');
    const plainDocuments = plainStore(documents);
    const plainChunks = plainStore(tx.objectStore('textChunks'));
    const plainPassages = plainStore(tx.objectStore('passages'));
    const plainVectors = plainStore(vectors);
    // Which documents are here already, and which ids are taken: asked for all at once (one round-trip).
    const [present, taken, waiting, vectorCount] = await Promise.all([
      Promise.all(group.map(({ document }) => documents.index('by-sha256').count(document.sha256))),
      Promise.all(group.map(({ document }) => documents.count(document.id))),
      documents.getAll(),
      ownVectors?.usable ? vectors.count(modelRange(modelId)) : Promise.resolve(-1),
    ]);
    const stored: { id: string; passages: ImportedDocument['passages'] }[] = [];
    // Vectors of documents already here: stored only where one of their passages still waits for it.
    const forSkipped = new Map<string, Row>();
    group.forEach(({ document, passages }, g) => {
      if (present[g]) {
        for (const p of passages) if (p.vector) forSkipped.set(p.contentHash, p.vector);
        return;
      }
      // A random id collision is unlikely, but must not overwrite another document.
      const id = taken[g] ? crypto.randomUUID() : document.id;
      const { text, ...metadata } = document;
      // `put`, not `add`: the id is free (checked above, in this transaction), so no record of it can be
      // overwritten, and `add` would cost a look-up per record in the browser process.
      for (const chunk of textChunks(id, text)) plainChunks.put(chunk);
      for (const { vector: _vector, ...p } of passages) plainPassages.put({ ...p, id: passageId(id, p.ordinal), docId: id });
      stored.push({ id, passages });
      plainDocuments.add({ ...metadata, id, passageCount: passages.length, indexedCount: 0 });
    });
    // Which texts have a vector already (keys only), and which get one from the file.
    const hashes = [...new Set([...stored.flatMap((d) => d.passages.map((p) => p.contentHash)), ...forSkipped.keys()])];
    let known: Set<string>;
    if (ownVectors?.answers(vectorCount)) {
      known = new Set(hashes.filter((h) => ownVectors.keys.has(h)));
    } else {
      const existing = await Promise.all(hashes.map((h) => vectors.getKey([modelId, h])));
      known = new Set(hashes.filter((_h, i) => existing[i] !== undefined));
    }
    const fresh = new Map<string, Row>();
    for (const { passages } of stored) {
      for (const p of passages) {
        if (!p.vector || known.has(p.contentHash) || fresh.has(p.contentHash)) continue;
        fresh.set(p.contentHash, p.vector);
        plainVectors.add({}, [modelId, p.contentHash]);
      }
    }
    // Stored passages wait for a vector only in documents not fully indexed: with none (the usual import into an
    // indexed library) no text of the file can be waiting, and no sharer is looked up per vector.
    const someWait = waiting.some((d) => d.indexedCount < d.passageCount);
    const byHash = tx.objectStore('passages').index('by-hash');
    if (someWait) {
      for (const [hash, v] of forSkipped) {
        if (known.has(hash) || fresh.has(hash) || (await byHash.count(hash)) === 0) continue;
        fresh.set(hash, v);
        plainVectors.add({}, [modelId, hash]);
      }
    }
    const ownIds = new Set(stored.map((d) => d.id));
    // A passage whose text the library had embedded already: its row from the file, else from the sharer's block.
    const missing = stored.flatMap((d) => d.passages.filter((p) => !p.vector && known.has(p.contentHash)).map((p) => p.contentHash));
    const borrowed = await this._sharedRows(tx, [...new Set(missing)], (id) => !ownIds.has(docIdOf(id)));
    const rows: BlockRow[] = [];
    for (const { id, passages } of stored) {
      for (const p of passages) {
        const vector = known.has(p.contentHash) ? (p.vector ?? borrowed.get(p.contentHash)) : fresh.get(p.contentHash);
        if (vector) rows.push({ docId: id, ordinal: p.ordinal, ...rowOf(vector) });
      }
    }
    if (someWait) {
      // Keys only: a sharer's id says its document and ordinal, all a block row needs.
      const sharers = await Promise.all([...fresh.keys()].map((hash) => byHash.getAllKeys(hash)));
      [...fresh.values()].forEach((vector, i) => {
        for (const id of sharers[i]!) {
          const docId = docIdOf(id);
          if (!ownIds.has(docId)) rows.push({ docId, ordinal: ordinalOf(id), ...vector });
        }
      });
    }
    await this._appendRows(tx, rows);
    await tx.done;
    for (const hash of fresh.keys()) ownVectors?.keys.add(hash); // committed: the set may answer for them
    return stored.map((d) => ({ id: d.id, passages: d.passages.length }));
  }

  /** Appends search rows to their documents' last vector blocks (new blocks when full) and raises their counts. */
  private async _appendRows(tx: ReadWriteTransaction, items: readonly BlockRow[]): Promise<void> {
    const byDoc = new Map<string, BlockRow[]>();
    for (const item of items) {
      const rows = byDoc.get(item.docId);
      if (rows) rows.push(item);
      else byDoc.set(item.docId, [item]);
    }
    const blocks = tx.objectStore('vectorBlocks');
    const dims = this._model.dimensions;
    await Promise.all(
      [...byDoc].map(async ([docId, added]) => {
        const [cursor, document] = await Promise.all([
          blocks.openCursor(documentBlocks(this._model.id, docId), 'prev'),
          tx.objectStore('documents').get(docId),
        ]);
        const last = cursor?.value;
        let rows = last ? blockRows(last, dims) : [];
        let block = last?.block ?? 0;
        for (const row of added) {
          if (rows.length === BLOCK_ROWS) {
            void blocks.put(packBlock(this._model.id, docId, block++, dims, rows));
            rows = [];
          }
          rows.push(row);
        }
        void blocks.put(packBlock(this._model.id, docId, block, dims, rows));
        if (document) await tx.objectStore('documents').put({ ...document, indexedCount: document.indexedCount + added.length });
      }),
    );
  }

  /**
   * The int8 rows of texts that have a vector already, from the block of a passage with the same text that
   * `usable` accepts (passages of the documents being written have no row yet). A text whose row cannot be found
   * — the store broke its rule that every passage of an embedded text has a row — loses its vector record, so it
   * is embedded again instead of waiting forever.
   */
  private async _sharedRows(tx: ReadWriteTransaction, hashes: readonly string[], usable: (passageId: string) => boolean): Promise<Map<string, Row>> {
    const out = new Map<string, Row>();
    if (hashes.length === 0) return out;
    const byHash = tx.objectStore('passages').index('by-hash');
    const sharers = await Promise.all(hashes.map((hash) => byHash.getAllKeys(hash)));
    const wanted = new Map<string, Map<number, string>>(); // docId → ordinal → hash
    hashes.forEach((hash, i) => {
      const id = sharers[i]!.find(usable);
      if (id === undefined) return;
      const ordinals = wanted.get(docIdOf(id)) ?? new Map<number, string>();
      ordinals.set(ordinalOf(id), hash);
      wanted.set(docIdOf(id), ordinals);
    });
    const dims = this._model.dimensions;
    for (const [docId, ordinals] of wanted) {
      // Newest blocks first: a text embedded lately is near the end.
      let cursor = await tx.objectStore('vectorBlocks').openCursor(documentBlocks(this._model.id, docId), 'prev');
      let left = ordinals.size;
      while (cursor && left > 0) {
        const block = cursor.value;
        block.ordinals.forEach((ordinal, i) => {
          const hash = ordinals.get(ordinal);
          if (hash === undefined || out.has(hash)) return;
          out.set(hash, blockRow(block, i, dims));
          left--;
        });
        cursor = left > 0 ? await cursor.continue() : null;
      }
    }
    const lost = hashes.filter((hash) => !out.has(hash));
    await Promise.all(lost.map((hash) => tx.objectStore('vectors').delete([this._model.id, hash])));
    return out;
  }

  /**
   * The search rows of these passages (those that have one), from their documents' blocks, newest block first:
   * rows just stored by another tab are in the last blocks, so a notice of one batch reads one or two blocks.
   */
  async blockRows(passageIds: readonly string[]): Promise<Map<string, Row>> {
    const out = new Map<string, Row>();
    const wanted = new Map<string, Set<number>>();
    for (const id of passageIds) {
      const ordinals = wanted.get(docIdOf(id)) ?? new Set<number>();
      ordinals.add(ordinalOf(id));
      wanted.set(docIdOf(id), ordinals);
    }
    const dims = this._model.dimensions;
    const tx = this._db.transaction('vectorBlocks', 'readonly');
    await Promise.all(
      [...wanted].map(async ([docId, ordinals]) => {
        let cursor = await tx.store.openCursor(documentBlocks(this._model.id, docId), 'prev');
        let left = ordinals.size;
        while (cursor && left > 0) {
          const block = cursor.value;
          block.ordinals.forEach((ordinal, i) => {
            if (!ordinals.has(ordinal)) return;
            out.set(passageId(docId, ordinal), blockRow(block, i, dims));
            ordinals.delete(ordinal);
            left--;
          });
          cursor = left > 0 ? await cursor.continue() : null;
        }
      }),
    );
    await tx.done;
    return out;
  }

  /**
   * Every vector block of the current model, a few at a time (bounded memory however big the library), in key
   * order. This is the whole start-up read of the search index.
   */
  async forEachBlock(visit: (block: VectorBlock) => void, blocksPerRead = BLOCKS_PER_READ): Promise<number> {
    let rows = 0;
    let after: IDBValidKey | null = null;
    for (;;) {
      const range: IDBKeyRange =
        after === null ? modelRange(this._model.id) : IDBKeyRange.bound(after, [this._model.id, '\uffff'], true, false);
      const chunk = await this._db.getAll('vectorBlocks', range, blocksPerRead);
      for (const block of chunk) {
        visit(block);
        rows += block.ordinals.length;
      }
      const last = chunk.at(-1);
      if (!last || chunk.length < blocksPerRead) return rows;
      after = [last.modelId, last.docId, last.block];
    }
  }

  /**
   * Passage texts a chunk at a time (for building the word index in the background): document by document, in
   * reading order, each chunk of passages with the text chunks they span read in its own short transaction, so
   * writes are never held up behind a long read.
   */
  async forEachPassageChunk(visit: (passages: Passage[]) => PassageChunkVisit | Promise<PassageChunkVisit>, perRead = PASSAGES_PER_READ): Promise<void> {
    const documents = await this._db.getAllKeys('documents');
    for (const docId of documents) {
      for (let from = -1; ; ) {
        const tx = this._db.transaction(['passages', 'textChunks'], 'readonly');
        const range = IDBKeyRange.bound([docId, from], [docId, Infinity], true, true);
        const records = await tx.objectStore('passages').index('by-position').getAll(range, perRead);
        const chunk = await withTexts(tx.objectStore('textChunks'), records, false);
        await tx.done;
        if (chunk.length > 0 && (await visit(chunk)) === 'stop') return;
        if (records.length < perRead) break;
        from = records.at(-1)!.ordinal;
      }
    }
  }
}

/** What a visitor of forEachPassageChunk says: 'stop' ends the walk (no more reads), anything else goes on. */
export type PassageChunkVisit = void | 'stop';

/** Where a row goes: a document's block, under the passage's ordinal. */
interface BlockRow extends Row {
  docId: string;
  ordinal: number;
}

/** The text chunks store as withTexts reads it (in any transaction that includes it). */
interface ChunkReader {
  getAll(query: IDBKeyRange): Promise<TextChunkRecord[]>;
}

/**
 * The passages with their texts (and contexts, unless `context` is false: an empty string then), in the same
 * order. Passages of one document whose spans share or touch a chunk are read together: one getAll of the chunks
 * they span, so a run of neighbouring passages costs one read, and a single hit one or two chunks.
 */
export async function withTexts(chunks: ChunkReader, passages: readonly PassageRecord[], context = true): Promise<Passage[]> {
  const spans = passages.map((p) => {
    const from = context ? p.contextStart : p.start;
    return { p, first: Math.floor(from / TEXT_CHUNK_CHARS), last: Math.floor(Math.max(from, p.end - 1) / TEXT_CHUNK_CHARS) };
  });
  const byDoc = new Map<string, typeof spans>();
  for (const span of spans) byDoc.set(span.p.docId, [...(byDoc.get(span.p.docId) ?? []), span]);
  const reads: { docId: string; first: number; last: number; members: typeof spans }[] = [];
  for (const [docId, list] of byDoc) {
    list.sort((a, b) => a.first - b.first);
    for (const span of list) {
      const open = reads.at(-1);
      if (open && open.docId === docId && span.first <= open.last + 1) {
        open.last = Math.max(open.last, span.last);
        open.members.push(span);
      } else {
        reads.push({ docId, first: span.first, last: span.last, members: [span] });
      }
    }
  }
  const texts = new Map<PassageRecord, Passage>();
  await Promise.all(
    reads.map(async ({ docId, first, last, members }) => {
      const found = await chunks.getAll(IDBKeyRange.bound([docId, first], [docId, last]));
      const joined = found.map((c) => c.text).join('');
      const base = first * TEXT_CHUNK_CHARS;
      for (const { p } of members) {
        const text = joined.slice(p.start - base, p.end - base);
        texts.set(p, { ...p, text, context: context ? joined.slice(p.contextStart - base, p.start - base) : '' });
      }
    }),
  );
  return passages.map((p) => texts.get(p)!);
}

/**
 * Requests issued together in one transaction and awaited once: every promise is observed — the requests' and the
 * transaction's own (a failed request aborts the rest, which then fail too) — and `done()` throws the first
 * failure, i.e. the cause. The caller still awaits `tx.done` once it has issued everything.
 */
function requestGroup(tx: { done: Promise<void> }): { issue: (request: Promise<unknown>) => void; done: () => Promise<unknown[]> } {
  tx.done.catch(() => undefined);
  const requests: Promise<unknown>[] = [];
  return {
    issue: (request) => {
      request.catch(() => undefined);
      requests.push(request);
    },
    done: () => Promise.all(requests),
  };
}

/** A block's rows as (ordinal, codes, scale, residual code if any), the codes as views into the block. */
function blockRows(block: VectorBlock, dims: number): ({ ordinal: number } & Row)[] {
  const stride = residualStride(dims);
  return Array.from(block.ordinals, (ordinal, i) => ({
    ordinal,
    q: block.q.subarray(i * dims, (i + 1) * dims),
    scale: block.scales[i]!,
    ...(block.residuals ? { residual: block.residuals.subarray(i * stride, (i + 1) * stride) } : {}),
  }));
}

/** Row `i` of a block, copied out of it. */
function blockRow(block: VectorBlock, i: number, dims: number): Row {
  const stride = residualStride(dims);
  const q = block.q.slice(i * dims, (i + 1) * dims);
  const scale = block.scales[i]!;
  return block.residuals ? { q, scale, residual: block.residuals.slice(i * stride, (i + 1) * stride) } : { q, scale };
}

/** Only the row's fields (a library file's vector may carry others). */
function rowOf(vector: Row): Row {
  return vector.residual ? { q: vector.q, scale: vector.scale, residual: vector.residual } : { q: vector.q, scale: vector.scale };
}

function summaryOf(document: DocumentRecord): DocumentSummary {
  const { id, title, type, size, sha256, added, passageCount, indexedCount } = document;
  return { id, title, type, size, sha256, added, passageCount, indexedCount };
}

export function docIdOf(id: string): string {
  return id.slice(0, id.lastIndexOf(':'));
}

export function ordinalOf(id: string): number {
  return Number(id.slice(id.lastIndexOf(':') + 1));
}

type ReadWriteTransaction = IDBPTransaction<PassageDB, ('documents' | 'passages' | 'vectors' | 'vectorBlocks' | 'textChunks' | 'wordIndex')[], 'readwrite'>;
