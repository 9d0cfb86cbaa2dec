/**
 * The IndexedDB schema of schema version DB_VERSION (migrations.ts): the records each store holds, the layout
 * constants they are cut by, and the builders of text-chunk and vector-block records. The schema is a type (idb's
 * DBSchema), so store names, keys and index names are checked by the compiler.
 */
import type { DBSchema, IDBPDatabase } from 'idb';
import type { DocumentSummary } from '../core/types.ts';
import { residualStride } from '../core/residual-codes.ts';

/** A document as stored: what the library lists, and the recipe its passages were split with. */
export interface DocumentRecord extends DocumentSummary {
  /** The core/split.ts SPLIT_RECIPE its passages were made with; absent = 1 (before passage context). */
  splitRecipe?: number;
}

/** v4–v5: a document's whole extracted text in one record (v6 keeps it in `textChunks`). */
export interface TextRecord {
  docId: string;
  text: string;
}

/**
 * One piece of a document's extracted text (kept for hits, re-indexing and export): chunk `chunk` is
 * `text.slice(chunk · TEXT_CHUNK_CHARS, (chunk + 1) · TEXT_CHUNK_CHARS)`.
 */
export interface TextChunkRecord {
  docId: string;
  chunk: number;
  text: string;
}

/**
 * Characters per text chunk: a hit reads one chunk (two when its passage straddles a boundary) instead of the
 * whole text, and a 20 MB text is ~2,500 records. Not tuned against other sizes yet (hits at 10k read in a median of
 * 11 ms with it, against 16.5 ms for schema 5's records: docs/BENCHMARKS.md).
 */
export const TEXT_CHUNK_CHARS = 8192;

export interface PassageRecord {
  /** `${docId}:${ordinal}` */
  id: string;
  docId: string;
  ordinal: number;
  /** Offsets into the document's text: the passage is `documentText.slice(start, end)`. */
  start: number;
  end: number;
  /**
   * Where the text the model reads before the passage begins (its context): `documentText.slice(contextStart,
   * start)`; `contextStart === start` when there is none.
   */
  contextStart: number;
  /**
   * sha256 of the passage's vector key (core/split.ts `vectorKey`: the text alone, or text and context); a vector
   * is stored once per (model, contentHash), however many passages share it.
   */
  contentHash: string;
}

/** v1–v5 passages carried their text and context (v6 reads them from the document's text chunks). */
export interface PassageRecordV5 extends Omit<PassageRecord, 'contextStart'> {
  text: string;
  context: string;
}

/**
 * This text (contentHash) has a vector for this model — so no passage with it is embedded again — and the
 * passage's sentence codes. The int8 row itself is in the vector block of every passage with this text.
 */
export interface VectorRecord {
  /**
   * The passage's sentence codes (core/sentence-codes.ts: sign bits of each sentence's late-pooled vector), read
   * for the hits shown to pick the sentence to highlight without a model call. Absent for vectors stored before
   * schema 5 and for vectors brought by a library file.
   */
  sentences?: Uint8Array;
}

/** v1–v5 vector records held their key (keyPath [modelId, contentHash]) and the int8 row too. */
export interface VectorRecordV5 extends VectorRecord {
  modelId: string;
  contentHash: string;
  q: Int8Array;
  scale: number;
}

/**
 * Rows of one document's passages for the search index, in the order they were embedded: `ordinals[i]` is the
 * passage (`${docId}:${ordinal}`) whose int8 vector is `q[i·dims … (i+1)·dims)` with scale `scales[i]`.
 * The only copy of the rows (schema 6), laid out so start-up reads them in a few large reads.
 */
export interface VectorBlock {
  modelId: string;
  docId: string;
  block: number;
  ordinals: Uint32Array;
  q: Int8Array;
  scales: Float32Array;
  /**
   * The rows' residual codes (core/residual-codes.ts, `residualStride(dims)` bytes each), when every row has one.
   * Optional, so blocks written before them need no migration: their rows are ranked by the int8 codes alone.
   */
  residuals?: Uint8Array;
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
  /** Per model id, the build hash its stored vectors were made with (model-vectors.ts `useModel`). */
  builds?: Record<string, string>;
}

export const META_KEY = 'library';

export interface PassageDB extends DBSchema {
  documents: { key: string; value: DocumentRecord; indexes: { 'by-sha256': string } };
  /** v4–v5 only. */
  texts: { key: string; value: TextRecord };
  textChunks: { key: [docId: string, chunk: number]; value: TextChunkRecord };
  passages: {
    key: string;
    value: PassageRecord;
    /** 'by-doc' until v5: v6 reads a document's passages by id range (`${docId}:` …) instead. */
    indexes: { 'by-doc': string; 'by-hash': string; 'by-position': [docId: string, ordinal: number] };
  };
  /** Keyed out of line from v6 (the key is not repeated in the value); v1–v5 had keyPath [modelId, contentHash]. */
  vectors: { key: [modelId: string, contentHash: string]; value: VectorRecord };
  vectorBlocks: { key: [modelId: string, docId: string, block: number]; value: VectorBlock };
  wordIndex: { key: 'snapshot' | 'stamp'; value: WordIndexRecord };
  meta: { key: typeof META_KEY; value: LibraryMeta };
}

export type Database = IDBPDatabase<PassageDB>;

/** A document's text as chunk records (an empty text is one empty chunk, so the document still has its text). */
export function textChunks(docId: string, text: string): TextChunkRecord[] {
  const out: TextChunkRecord[] = [];
  for (let chunk = 0, at = 0; at < text.length || chunk === 0; chunk++, at += TEXT_CHUNK_CHARS) {
    out.push({ docId, chunk, text: text.slice(at, at + TEXT_CHUNK_CHARS) });
  }
  return out;
}

/**
 * A block record from rows (ordinal, int8 codes, scale, residual code). The residual codes are kept only when
 * every row has one: a block that mixes rows from before them with new ones ranks all its rows by int8 alone.
 */
export function packBlock(
  modelId: string,
  docId: string,
  block: number,
  dims: number,
  rows: readonly { ordinal: number; q: Int8Array; scale: number; residual?: Uint8Array }[],
): VectorBlock {
  const q = new Int8Array(rows.length * dims);
  rows.forEach((row, i) => q.set(row.q, i * dims));
  const packed: VectorBlock = {
    modelId,
    docId,
    block,
    ordinals: Uint32Array.from(rows, (r) => r.ordinal),
    q,
    scales: Float32Array.from(rows, (r) => r.scale),
  };
  const stride = residualStride(dims);
  if (rows.length > 0 && rows.every((r) => r.residual?.length === stride)) {
    const residuals = new Uint8Array(rows.length * stride);
    rows.forEach((row, i) => {
      if (row.residual) residuals.set(row.residual, i * stride); // always there: checked just above
    });
    packed.residuals = residuals;
  }
  return packed;
}
