/**
 * The library on disk: documents, their passages and the vectors of the current model. Every change that must
 * not be seen half-done (a document with only some passages, a deletion that leaves orphans) is one transaction.
 * Vectors are keyed by (model, passage content hash), so identical passages share one vector and a passage is
 * never embedded twice for the same model.
 */
import type { DocumentSummary, ImportedText } from '../app/api.ts';
import { sha256Hex } from '../core/hash.ts';
import { SPLIT_RECIPE, vectorKey, type PassageInput, type PassageSpan } from '../core/split.ts';
import {
  DB_VERSION,
  META_KEY,
  openDatabase,
  type Database,
  type DocumentRecord,
  type OpenOptions,
  type PassageRecord,
  type VectorRecord,
} from './db.ts';

export interface LibraryModel {
  id: string;
  dimensions: number;
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
}

/** A passage together with its vector, ready for the in-memory search index. */
export interface IndexedPassage {
  passage: PassageRecord;
  vector: VectorRecord;
}

export interface NeighbourPassage {
  passage: PassageRecord;
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
  const { ordinal, start, end, text, context } = span;
  return { id: passageId(docId, ordinal), docId, ordinal, start, end, text, context, contentHash };
}

export class Library {
  /** True when the stored vectors belonged to another model (they were purged on open). */
  readonly modelChanged: boolean;
  private readonly _db: Database;
  private readonly _model: LibraryModel;

  private constructor(db: Database, model: LibraryModel, modelChanged: boolean) {
    this._db = db;
    this._model = model;
    this.modelChanged = modelChanged;
  }

  /** Opens the library for `model`; vectors of any other model are purged, so everything re-embeds. */
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

    const tx = this._db.transaction(['documents', 'texts', 'passages', 'vectors'], 'readwrite');
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
    };
    const writes: Promise<unknown>[] = [
      tx.objectStore('documents').add(document),
      tx.objectStore('texts').add({ docId: id, text: input.text }),
    ];
    const vectorReads = new Map<string, Promise<VectorRecord | undefined>>();
    const indexed: IndexedPassage[] = [];
    spans.forEach((span, i) => {
      const passage = passageRecord(id, span, hashes[i]!);
      writes.push(tx.objectStore('passages').add(passage));
      let vector = vectorReads.get(passage.contentHash);
      if (!vector) {
        vector = tx.objectStore('vectors').get([this._model.id, passage.contentHash]);
        vectorReads.set(passage.contentHash, vector);
      }
      writes.push(vector.then((v) => v && indexed.push({ passage, vector: v })));
    });
    await Promise.all([...writes, tx.done]);
    indexed.sort((a, b) => a.passage.ordinal - b.passage.ordinal);
    return { documentId: id, duplicate: false, passageCount: spans.length, indexed };
  }

  /**
   * Deletes a document, its passages and the vectors no remaining passage uses — in one transaction.
   * Returns the ids of the deleted passages (for the in-memory index).
   */
  async deleteDocument(id: string): Promise<string[]> {
    const tx = this._db.transaction(['documents', 'texts', 'passages', 'vectors'], 'readwrite');
    const passages = tx.objectStore('passages');
    const doomed = await passages.index('by-doc').getAll(id);
    await Promise.all(doomed.map((p) => passages.delete(p.id)));
    for (const contentHash of new Set(doomed.map((p) => p.contentHash))) {
      // Only the current model's vectors exist: others are purged when the model changes.
      if ((await passages.index('by-hash').count(contentHash)) === 0) {
        await tx.objectStore('vectors').delete([this._model.id, contentHash]);
      }
    }
    await tx.objectStore('documents').delete(id);
    await tx.objectStore('texts').delete(id);
    await tx.done;
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
    const tx = this._db.transaction(['documents', 'passages', 'vectors'], 'readwrite');
    const document = await tx.objectStore('documents').get(docId);
    if (!document) {
      await tx.done;
      return [];
    }
    const passages = tx.objectStore('passages');
    const old = await passages.index('by-doc').getAll(docId);
    await Promise.all(old.map((p) => passages.delete(p.id)));
    const removed = new Set(old.map((p) => p.id));
    for (const contentHash of new Set([...old.map((p) => p.contentHash), ...hashes])) {
      await tx.objectStore('vectors').delete([this._model.id, contentHash]);
      for (const id of await passages.index('by-hash').getAllKeys(contentHash)) removed.add(id);
    }
    await Promise.all(spans.map((span, i) => passages.add(passageRecord(docId, span, hashes[i]!))));
    await tx.objectStore('documents').put({ ...document, passageCount: spans.length, splitRecipe: SPLIT_RECIPE });
    await tx.done;
    return [...removed];
  }

  /** Removes every document, text, passage and vector; the model record stays. */
  async clear(): Promise<void> {
    const tx = this._db.transaction(['documents', 'texts', 'passages', 'vectors'], 'readwrite');
    await Promise.all([
      tx.objectStore('documents').clear(),
      tx.objectStore('texts').clear(),
      tx.objectStore('passages').clear(),
      tx.objectStore('vectors').clear(),
      tx.done,
    ]);
  }

  /** Every document, oldest first, with how many of its passages have a vector for the current model. */
  async listDocuments(): Promise<DocumentSummary[]> {
    const tx = this._db.transaction(['documents', 'passages', 'vectors'], 'readonly');
    const embedded = await this._embeddedHashes(tx.objectStore('vectors'));
    const indexedPerDoc = new Map<string, number>();
    // A key cursor over by-hash yields (hash, passage id) without loading any passage text.
    let cursor = await tx.objectStore('passages').index('by-hash').openKeyCursor();
    while (cursor) {
      if (embedded.has(cursor.key)) {
        const docId = docIdOf(cursor.primaryKey);
        indexedPerDoc.set(docId, (indexedPerDoc.get(docId) ?? 0) + 1);
      }
      cursor = await cursor.continue();
    }
    const documents = await tx.objectStore('documents').getAll();
    await tx.done;
    return documents
      .sort((a, b) => a.added - b.added)
      .map((summary) => ({ ...summary, indexedCount: indexedPerDoc.get(summary.id) ?? 0 }));
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
    return (await this._db.get('texts', id))?.text;
  }

  getPassage(id: string): Promise<PassageRecord | undefined> {
    return this._db.get('passages', id);
  }

  getPassages(docId: string): Promise<PassageRecord[]> {
    return this._db.getAllFromIndex('passages', 'by-doc', docId).then((ps) => ps.sort((a, b) => a.ordinal - b.ordinal));
  }

  /** The passage and up to `radius` passages either side of it in its document, in reading order. */
  async neighbours(id: string, radius: number): Promise<NeighbourPassage[]> {
    const centre = await this.getPassage(id);
    if (!centre) return [];
    const tx = this._db.transaction('passages', 'readonly');
    const ordinals: number[] = [];
    for (let o = Math.max(0, centre.ordinal - radius); o <= centre.ordinal + radius; o++) ordinals.push(o);
    const found = await Promise.all(ordinals.map((o) => tx.store.get(passageId(centre.docId, o))));
    await tx.done;
    return found
      .filter((p): p is PassageRecord => p !== undefined)
      .map((passage) => ({ passage, isCentre: passage.id === id }));
  }

  /** Passages without a vector for the current model, one per content hash, in the order documents were added. */
  async pendingTexts(): Promise<PendingText[]> {
    const tx = this._db.transaction(['documents', 'passages', 'vectors'], 'readonly');
    const embedded = await this._embeddedHashes(tx.objectStore('vectors'));
    const addedAt = new Map<string, number>();
    let docCursor = await tx.objectStore('documents').openCursor();
    while (docCursor) {
      addedAt.set(docCursor.value.id, docCursor.value.added);
      docCursor = await docCursor.continue();
    }
    const passages = await tx.objectStore('passages').getAll();
    await tx.done;
    passages.sort((a, b) => (addedAt.get(a.docId) ?? 0) - (addedAt.get(b.docId) ?? 0) || a.ordinal - b.ordinal);
    const pending = new Map<string, PendingText>();
    for (const { contentHash, context, text } of passages) {
      if (!embedded.has(contentHash) && !pending.has(contentHash)) pending.set(contentHash, { contentHash, context, text });
    }
    return [...pending.values()];
  }

  /**
   * Stores one batch of vectors in one transaction and returns the passages that now have a vector. A hash whose
   * passages were all deleted while it was being embedded is skipped, so no orphan vector is written.
   */
  async storeVectors(modelId: string, batch: readonly NewVector[]): Promise<IndexedPassage[]> {
    if (modelId !== this._model.id) throw new Error(`Passage: vectors of ${modelId} offered to a ${this._model.id} library`);
    const tx = this._db.transaction(['passages', 'vectors'], 'readwrite');
    const byHash = tx.objectStore('passages').index('by-hash');
    const indexed: IndexedPassage[] = [];
    for (const item of batch) {
      const passages = await byHash.getAll(item.contentHash);
      if (passages.length === 0) continue;
      const vector: VectorRecord = { modelId, contentHash: item.contentHash, q: item.q, scale: item.scale };
      await tx.objectStore('vectors').put(vector);
      for (const passage of passages) indexed.push({ passage, vector });
    }
    await tx.done;
    return indexed;
  }

  /** Calls `add` for every passage that has a vector for the current model; returns how many there were. */
  async forEachIndexed(add: (item: IndexedPassage) => void): Promise<number> {
    const tx = this._db.transaction(['passages', 'vectors'], 'readonly');
    const vectors = new Map<string, VectorRecord>();
    for (const v of await tx.objectStore('vectors').getAll(modelRange(this._model.id))) vectors.set(v.contentHash, v);
    let count = 0;
    let cursor = await tx.objectStore('passages').openCursor();
    while (cursor) {
      const vector = vectors.get(cursor.value.contentHash);
      if (vector) {
        add({ passage: cursor.value, vector });
        count++;
      }
      cursor = await cursor.continue();
    }
    await tx.done;
    return count;
  }

  private async _embeddedHashes(vectors: VectorKeySource): Promise<Set<string>> {
    const keys = await vectors.getAllKeys(modelRange(this._model.id));
    return new Set(keys.map(([, contentHash]) => contentHash));
  }
}

/** The vectors store of any transaction, as far as listing keys goes. */
interface VectorKeySource {
  getAllKeys(query: IDBKeyRange): Promise<[modelId: string, contentHash: string][]>;
}

/** All vector keys of one model: [modelId, ''] … [modelId, '\uffff'] (content hashes are hex). */
export function modelRange(modelId: string): IDBKeyRange {
  return IDBKeyRange.bound([modelId, ''], [modelId, '\uffff']);
}

function docIdOf(id: string): string {
  return id.slice(0, id.lastIndexOf(':'));
}

/** Records the model in `meta`; if it changed, purges the old model's vectors. Returns whether it changed. */
async function useModel(db: Database, model: LibraryModel): Promise<boolean> {
  const tx = db.transaction(['meta', 'vectors'], 'readwrite');
  const meta = await tx.objectStore('meta').get(META_KEY);
  const same = meta?.modelId === model.id && meta.dims === model.dimensions && meta.schemaVersion === DB_VERSION;
  if (!same) {
    await tx.objectStore('meta').put({ modelId: model.id, dims: model.dimensions, schemaVersion: DB_VERSION }, META_KEY);
    let cursor = await tx.objectStore('vectors').openCursor();
    while (cursor) {
      if (cursor.value.modelId !== model.id || cursor.value.q.length !== model.dimensions) await cursor.delete();
      cursor = await cursor.continue();
    }
  }
  await tx.done;
  return meta !== undefined && (meta.modelId !== model.id || meta.dims !== model.dimensions);
}
