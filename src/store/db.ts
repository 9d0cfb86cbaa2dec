/**
 * The IndexedDB schema and its upgrades. The schema is a type (idb's DBSchema), so store names, keys and index
 * names are checked by the compiler.
 *
 * Versions:
 * - v1: documents (by sha256), passages (by document), vectors. It was the first development cut and never
 *   shipped; it is kept as a real migration step so the upgrade path is exercised by a test from day one.
 * - v2: passages get a by-hash index (to find which passages share a vector), a `meta` store records the model
 *   the vectors belong to, and documents get `passageCount` (back-filled from their passages).
 * - v3: passages get `context`, the text before them that the model reads with them (see core/split.ts). Stored
 *   passages get an empty context, whose vector key is the text alone, so their content hashes and vectors stay.
 * - v4: a document's text moves to its own `texts` store, so listing documents (on every library change) no longer
 *   reads every text; documents keep their metadata only.
 * - v5: the search copy of the vectors moves into `vectorBlocks`: per document, up to BLOCK_ROWS passages' int8 rows
 *   in one record, so start-up reads the whole index in a few large reads instead of one cursor step per passage.
 *   Documents get `indexedCount` (passages with a vector for the current model), so listing documents and finding
 *   pending work read no passages. Built from the stored vectors: nothing is embedded again. Passages get a
 *   by-position index ([docId, ordinal]) so pending work is read in reading order, a chunk at a time; the word
 *   index is saved in `wordIndex`.
 * To add v6: append one step to MIGRATIONS and bump nothing else.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { DocumentType } from '../app/api.ts';

export interface DocumentRecord {
  id: string;
  title: string;
  type: DocumentType;
  /** Size of the original file in bytes. */
  size: number;
  /** sha256 of the document's text: two documents with the same text are the same document. */
  sha256: string;
  added: number;
  passageCount: number;
  /** The core/split.ts SPLIT_RECIPE its passages were made with; absent = 1 (before passage context). */
  splitRecipe?: number;
  /** Passages that have a row in `vectorBlocks` for the current model (kept in the same transactions). */
  indexedCount: number;
}

/** A document's extracted plain text, kept for re-indexing and export (passages hold their own slices). */
export interface TextRecord {
  docId: string;
  text: string;
}

export interface PassageRecord {
  /** `${docId}:${ordinal}` */
  id: string;
  docId: string;
  ordinal: number;
  /** Offsets into the document's text: `text === documentText.slice(start, end)`. */
  start: number;
  end: number;
  text: string;
  /** Text just before the passage that the model reads with it: `documentText.slice(start - context.length, start)`. */
  context: string;
  /**
   * sha256 of the passage's vector key (core/split.ts `vectorKey`: the text alone, or text and context); a vector
   * is stored once per (model, contentHash), however many passages share it.
   */
  contentHash: string;
}

export interface VectorRecord {
  modelId: string;
  contentHash: string;
  q: Int8Array;
  scale: number;
  /**
   * The passage's sentence codes (core/sentence-codes.ts: sign bits of each sentence's late-pooled vector), read
   * for the hits shown to pick the sentence to highlight without a model call. Absent for vectors stored before.
   */
  sentences?: Uint8Array;
}

/**
 * Rows of one document's passages for the search index, in the order they were embedded: `ordinals[i]` is the
 * passage (`${docId}:${ordinal}`) whose int8 vector is `q[i·dims … (i+1)·dims)` with scale `scales[i]`.
 * A copy of what `vectors` holds per content hash, laid out so start-up reads it in a few large reads.
 */
export interface VectorBlock {
  modelId: string;
  docId: string;
  block: number;
  ordinals: Uint32Array;
  q: Int8Array;
  scales: Float32Array;
}

/** Rows per vector block: ~400 KB at 384 dims — large reads at start-up, cheap rewrites while indexing. */
export const BLOCK_ROWS = 1024;

/**
 * The saved word (BM25) index, so a reload does not read every passage's text before words count in search:
 * `bytes` is core/bm25 `snapshot()`, `ids` the passage id of each of its rows ('' for a hole). Under key
 * 'snapshot'; key 'stamp' holds only the stamp, bumped whenever stored passages change text (re-indexing), which
 * makes an older snapshot stale. Passages added or deleted since a snapshot are caught up from their ids.
 */
export interface WordIndexRecord {
  stamp: number;
  ids?: string[];
  bytes?: Uint8Array;
}

/** Which model the stored vectors belong to. */
export interface LibraryMeta {
  modelId: string;
  dims: number;
  schemaVersion: number;
}

export const META_KEY = 'library';

export interface PassageDB extends DBSchema {
  documents: { key: string; value: DocumentRecord; indexes: { 'by-sha256': string } };
  texts: { key: string; value: TextRecord };
  passages: {
    key: string;
    value: PassageRecord;
    indexes: { 'by-doc': string; 'by-hash': string; 'by-position': [docId: string, ordinal: number] };
  };
  vectors: { key: [modelId: string, contentHash: string]; value: VectorRecord };
  vectorBlocks: { key: [modelId: string, docId: string, block: number]; value: VectorBlock };
  wordIndex: { key: 'snapshot' | 'stamp'; value: WordIndexRecord };
  meta: { key: typeof META_KEY; value: LibraryMeta };
}

export type Database = IDBPDatabase<PassageDB>;
type UpgradeTransaction = IDBPTransaction<PassageDB, StoreNames<PassageDB>[], 'versionchange'>;
/**
 * Schema changes must happen while the versionchange transaction is active: synchronously, or right after
 * awaiting one of its requests. Never await anything else inside a step.
 */
type Migration = (db: Database, tx: UpgradeTransaction) => void | Promise<void>;

/** MIGRATIONS[v] upgrades a database from version v to v + 1. */
const MIGRATIONS: readonly Migration[] = [
  function createV1(db) {
    const documents = db.createObjectStore('documents', { keyPath: 'id' });
    documents.createIndex('by-sha256', 'sha256', { unique: true });
    const passages = db.createObjectStore('passages', { keyPath: 'id' });
    passages.createIndex('by-doc', 'docId');
    db.createObjectStore('vectors', { keyPath: ['modelId', 'contentHash'] });
  },
  async function v1ToV2(db, tx) {
    const passages = tx.objectStore('passages');
    passages.createIndex('by-hash', 'contentHash');
    db.createObjectStore('meta');
    // v1 documents had no passageCount: count their passages once here instead of on every listing.
    let cursor = await tx.objectStore('documents').openCursor();
    while (cursor) {
      const passageCount = await passages.index('by-doc').count(cursor.value.id);
      await cursor.update({ ...cursor.value, passageCount });
      cursor = await cursor.continue();
    }
  },
  async function v2ToV3(_db, tx) {
    let cursor = await tx.objectStore('passages').openCursor();
    while (cursor) {
      if (typeof cursor.value.context !== 'string') await cursor.update({ ...cursor.value, context: '' });
      cursor = await cursor.continue();
    }
  },
  async function v3ToV4(db, tx) {
    db.createObjectStore('texts', { keyPath: 'docId' });
    let cursor = await tx.objectStore('documents').openCursor();
    while (cursor) {
      const { text, ...document } = cursor.value as DocumentRecord & { text?: string };
      await tx.objectStore('texts').put({ docId: document.id, text: text ?? '' });
      await cursor.update(document);
      cursor = await cursor.continue();
    }
  },
  async function v4ToV5(db, tx) {
    db.createObjectStore('vectorBlocks', { keyPath: ['modelId', 'docId', 'block'] });
    db.createObjectStore('wordIndex');
    // Passage ids sort as strings ("doc:10" before "doc:2"); this index walks a document in reading order.
    tx.objectStore('passages').createIndex('by-position', ['docId', 'ordinal']);
    const meta = await tx.objectStore('meta').get(META_KEY);
    const vectors = new Map<string, VectorRecord>();
    if (meta) {
      for (const v of await tx.objectStore('vectors').getAll()) if (v.modelId === meta.modelId) vectors.set(v.contentHash, v);
    }
    let cursor = await tx.objectStore('documents').openCursor();
    while (cursor) {
      const document = cursor.value;
      const rows: { ordinal: number; vector: VectorRecord }[] = [];
      for (const passage of await tx.objectStore('passages').index('by-doc').getAll(document.id)) {
        const vector = vectors.get(passage.contentHash);
        if (vector) rows.push({ ordinal: passage.ordinal, vector });
      }
      rows.sort((a, b) => a.ordinal - b.ordinal);
      for (let start = 0, block = 0; start < rows.length && meta; start += BLOCK_ROWS, block++) {
        const slice = rows.slice(start, start + BLOCK_ROWS);
        await tx.objectStore('vectorBlocks').put(
          packBlock(meta.modelId, document.id, block, meta.dims, slice.map((r) => ({ ordinal: r.ordinal, ...r.vector }))),
        );
      }
      await cursor.update({ ...document, indexedCount: rows.length });
      cursor = await cursor.continue();
    }
  },
];

/** A block record from rows (ordinal, int8 codes, scale). */
export function packBlock(
  modelId: string,
  docId: string,
  block: number,
  dims: number,
  rows: readonly { ordinal: number; q: Int8Array; scale: number }[],
): VectorBlock {
  const q = new Int8Array(rows.length * dims);
  rows.forEach((row, i) => q.set(row.q, i * dims));
  return {
    modelId,
    docId,
    block,
    ordinals: Uint32Array.from(rows, (r) => r.ordinal),
    q,
    scales: Float32Array.from(rows, (r) => r.scale),
  };
}

export const DB_VERSION = MIGRATIONS.length;
export const DEFAULT_DB_NAME = 'passage';

export interface OpenOptions {
  name?: string;
  /** Only for tests that build an older database; the app always opens the latest version. */
  version?: number;
  /**
   * Another tab wants to upgrade the schema. This connection has already been closed so the upgrade can
   * proceed; the page should ask the user to reload.
   */
  onVersionChange?: () => void;
  /** This tab wants to upgrade while an older tab keeps the database open. */
  onBlocked?: () => void;
}

export function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const version = options.version ?? DB_VERSION;
  let db: Database | undefined;
  const opening = openDB<PassageDB>(options.name ?? DEFAULT_DB_NAME, version, {
    upgrade(database, oldVersion, newVersion, tx) {
      const steps = MIGRATIONS.slice(oldVersion, newVersion ?? version);
      // Upgrade callbacks are not awaited; a failed step aborts the versionchange transaction, so the open
      // fails and the old data stays as it was.
      void (async () => {
        for (const step of steps) {
          const pending = step(database, tx);
          if (pending) await pending; // Awaiting only when needed keeps the next step synchronous.
        }
      })().catch(() => tx.abort());
    },
    blocked: () => options.onBlocked?.(),
    blocking: () => {
      db?.close(); // Never hold an upgrade hostage: close, then tell the page.
      options.onVersionChange?.();
    },
  });
  return opening.then((opened) => (db = opened));
}
