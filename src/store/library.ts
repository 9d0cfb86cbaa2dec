/**
 * The library on disk: documents, their passages and the vectors of the current model. Every change that must
 * not be seen half-done (a document with only some passages, a deletion that leaves orphans) is one transaction.
 * Vectors are keyed by (model, passage content hash), so identical passages share one vector and a passage is
 * never embedded twice for the same model.
 *
 * Schema 6 stores each text and each int8 row once: a passage record holds offsets into its document's text
 * chunks (read back by passage-texts.ts `withTexts`), and its row lives only in its document's vector block (a
 * text shared with another document borrows that document's row: vector-blocks.ts `sharedRows`).
 *
 * This class is the library's one face: it opens the database and hands each call to the module that does the
 * job — document-writes.ts (add, re-split, delete, clear), pending-vectors.ts (pending work, storing vectors),
 * passage-texts.ts (passages with their texts: hits, context, the word index build), vector-blocks.ts (search
 * rows), import-writes.ts (a library file's documents).
 */
import type { DocumentSummary, ImportedText } from '../core/types.ts';
import { SPLIT_RECIPE, type PassageSpan } from '../core/split.ts';
import { openDatabase, type Database, type DocumentRecord, type OpenOptions, type VectorBlock } from './db.ts';
import { useModel } from './model-vectors.ts';
import { addImported, type ImportedVectorKeys } from './import-writes.ts';
import { addDocument, clearLibrary, deleteDocument, replacePassages } from './document-writes.ts';
import { pendingCount, pendingTexts, storeVectors } from './pending-vectors.ts';
import { forEachPassageChunk, readHits, readNeighbours, readPassages, readPassagesById, readText } from './passage-texts.ts';
import { forEachBlock, readBlockRows } from './vector-blocks.ts';
import type {
  AddedDocument,
  ImportedDocument,
  IndexedPassage,
  LibraryModel,
  LibraryState,
  NeighbourPassage,
  NewVector,
  Passage,
  PassageChunkVisit,
  PendingText,
  Row,
} from './library-types.ts';

export type {
  AddedDocument,
  ImportedDocument,
  IndexedPassage,
  LibraryModel,
  NeighbourPassage,
  NewVector,
  Passage,
  PassageChunkVisit,
  PendingText,
  Row,
} from './library-types.ts';
export { docIdOf, ordinalOf, passageId } from './library-types.ts';

export class Library {
  /** True when the library was last opened with another model (its vectors stay; see model-vectors.ts). */
  readonly modelChanged: boolean;
  private readonly _state: LibraryState;

  private constructor(db: Database, model: LibraryModel, modelChanged: boolean) {
    this._state = { db, model, pendingFrom: new Map() };
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
    return this._state.model;
  }

  /** The raw database, for export/import which work across all stores in one transaction. */
  get db(): Database {
    return this._state.db;
  }

  close(): void {
    this._state.db.close();
  }

  findBySha256(sha256: string): Promise<DocumentRecord | undefined> {
    return this._state.db.getFromIndex('documents', 'by-sha256', sha256);
  }

  /** Stores the document and all its passages in one transaction; a duplicate of stored text writes nothing. */
  addDocument(input: ImportedText, spans: readonly PassageSpan[]): Promise<AddedDocument> {
    return addDocument(this._state, input, spans);
  }

  /** Deletes a document with its passages, rows and unused vectors; returns the deleted passages' ids. */
  deleteDocument(id: string): Promise<string[]> {
    return deleteDocument(this._state, id);
  }

  /** Replaces a document's passages by a fresh split; returns the ids of every passage that left the search index. */
  replacePassages(docId: string, spans: readonly PassageSpan[]): Promise<string[]> {
    return replacePassages(this._state, docId, spans);
  }

  /** Removes every document, text, passage and vector; the model record stays. */
  clear(): Promise<void> {
    return clearLibrary(this._state);
  }

  /** Every document, oldest first, with how many of its passages have a vector for the current model. */
  async listDocuments(): Promise<DocumentSummary[]> {
    const documents = await this._state.db.getAll('documents');
    return documents.sort((a, b) => a.added - b.added).map((d) => summaryOf(d));
  }

  /** Documents whose passages were made by an older SPLIT_RECIPE, oldest first: they should be split again. */
  async staleDocumentIds(): Promise<string[]> {
    const documents = await this._state.db.getAll('documents');
    return documents
      .filter((d) => (d.splitRecipe ?? 1) < SPLIT_RECIPE)
      .sort((a, b) => a.added - b.added)
      .map((d) => d.id);
  }

  getDocument(id: string): Promise<DocumentRecord | undefined> {
    return this._state.db.get('documents', id);
  }

  /** The document's extracted text (what its passages are slices of). */
  getText(id: string): Promise<string | undefined> {
    return readText(this._state.db, id);
  }

  async getPassage(id: string): Promise<Passage | undefined> {
    return (await this.getPassagesById([id]))[0];
  }

  /** The passages with these ids, in the same order (undefined for one that is gone), in one transaction. */
  getPassagesById(ids: readonly string[]): Promise<(Passage | undefined)[]> {
    return readPassagesById(this._state.db, ids);
  }

  /** The saved word index, or null when there is none or it no longer fits the stored texts. */
  async savedWordIndex(): Promise<{ ids: string[]; bytes: Uint8Array } | null> {
    const tx = this._state.db.transaction('wordIndex', 'readonly');
    const [stamp, saved] = await Promise.all([tx.store.get('stamp'), tx.store.get('snapshot')]);
    await tx.done;
    if (!saved?.ids || !saved.bytes || saved.stamp !== (stamp?.stamp ?? 0)) return null;
    return { ids: saved.ids, bytes: saved.bytes };
  }

  /** Saves the word index made from the texts stored now (the caller took it after every change it knows of). */
  async saveWordIndex(ids: string[], bytes: Uint8Array): Promise<void> {
    const tx = this._state.db.transaction('wordIndex', 'readwrite');
    const stamp = (await tx.store.get('stamp'))?.stamp ?? 0;
    await tx.store.put({ stamp, ids, bytes }, 'snapshot');
    await tx.done;
  }

  /** The passages shown as hits, each with the sentence codes stored beside its vector (null where there are none). */
  readHits(ids: readonly string[]): Promise<{ passage: Passage | undefined; codes: Uint8Array | null }[]> {
    return readHits(this._state.db, this._state.model.id, ids);
  }

  /** A document's passages in reading order, with their texts. */
  getPassages(docId: string): Promise<Passage[]> {
    return readPassages(this._state.db, docId);
  }

  /** The passage and up to `radius` passages either side of it in its document, in reading order. */
  neighbours(id: string, radius: number): Promise<NeighbourPassage[]> {
    return readNeighbours(this._state.db, id, radius);
  }

  /** How many passages still need a vector for the current model (from the documents' counts: no passage read). */
  pendingCount(): Promise<number> {
    return pendingCount(this._state.db);
  }

  /** Up to `limit` passages without a vector for the current model, one per content hash, oldest documents first. */
  pendingTexts(limit = Infinity): Promise<PendingText[]> {
    return pendingTexts(this._state, limit);
  }

  /** Stores one batch of vectors in one transaction and returns the passages that now have a vector. */
  storeVectors(modelId: string, batch: readonly NewVector[]): Promise<IndexedPassage[]> {
    return storeVectors(this._state, modelId, batch);
  }

  /** Stores whole documents brought in by a library file (one transaction); a document already here is skipped. */
  addImported(group: readonly ImportedDocument[], ownVectors?: ImportedVectorKeys): Promise<{ id: string; passages: number }[]> {
    return addImported(this._state, group, ownVectors);
  }

  /** The search rows of these passages (those that have one), from their documents' blocks. */
  blockRows(passageIds: readonly string[]): Promise<Map<string, Row>> {
    return readBlockRows(this._state.db, this._state.model, passageIds);
  }

  /** Every vector block of the current model, a few at a time, in key order: the start-up read of the index. */
  forEachBlock(visit: (block: VectorBlock) => void, blocksPerRead?: number): Promise<number> {
    return forEachBlock(this._state.db, this._state.model.id, visit, blocksPerRead);
  }

  /** Passage texts a chunk at a time, document by document in reading order (the word index build). */
  forEachPassageChunk(visit: (passages: Passage[]) => PassageChunkVisit | Promise<PassageChunkVisit>, perRead?: number): Promise<void> {
    return forEachPassageChunk(this._state.db, visit, perRead);
  }
}

function summaryOf(document: DocumentRecord): DocumentSummary {
  const { id, title, type, size, sha256, added, passageCount, indexedCount } = document;
  return { id, title, type, size, sha256, added, passageCount, indexedCount };
}
