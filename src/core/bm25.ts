/**
 * BM25 over passages identified by row numbers (the same rows as the vector index), held in typed arrays so a
 * library of a million passages fits in memory and saves as one compact snapshot. This module is the index's face:
 * parameters, adding text, scoring, search and snapshots; how terms, postings and row lengths are stored, merged
 * and renumbered is bm25-store.ts.
 *
 * Scores equal the previous array-of-arrays index bit for bit: the same formula evaluated in the same order
 * (bm25-reference.test-support.ts keeps that index; bm25-sotu.test.ts compares the two on State of the Union text).
 */
import { decodeBm25Snapshot, encodeBm25Snapshot } from './bm25-snapshot.ts';
import { Bm25Store, EMPTY, MAX_ROW, REMOVED } from './bm25-store.ts';
import { TermTable } from './bm25-terms.ts';
import { TopK, type Hit } from './top-k.ts';
import { tokenize } from './tokenize.ts';

export { tokenize, stemPlural, STOP_WORDS, type TokenizeOptions } from './tokenize.ts';
export { BM25_SNAPSHOT_VERSION, Bm25SnapshotError } from './bm25-snapshot.ts';

export interface Bm25Params {
  /** Term-frequency saturation: how quickly repeats of a word stop adding score. */
  k1: number;
  /** Length normalisation: 0 ignores passage length, 1 fully normalises by it. */
  b: number;
}

/** The usual defaults (Robertson & Zaragoza; Lucene and MiniSearch use the same). */
export const DEFAULT_BM25_PARAMS: Readonly<Bm25Params> = { k1: 1.2, b: 0.75 };

/** One term's contribution, with Lucene's always-positive idf `ln(1 + (N − df + 0.5) / (df + 0.5))`. */
export function bm25TermScore(
  termFrequency: number,
  documentFrequency: number,
  documentCount: number,
  length: number,
  averageLength: number,
  params: Bm25Params = DEFAULT_BM25_PARAMS,
): number {
  const idf = Math.log(1 + (documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
  const norm = params.k1 * (1 - params.b + (params.b * length) / averageLength);
  return (idf * (termFrequency * (params.k1 + 1))) / (termFrequency + norm);
}

export interface Bm25Options {
  params?: Partial<Bm25Params>;
  /** Must be the same function for passages and queries. */
  tokenize?: (text: string) => string[];
}

export class Bm25Index extends Bm25Store {
  readonly params: Readonly<Bm25Params>;
  readonly tokenize: (text: string) => string[];

  constructor(options: Bm25Options = {}) {
    super();
    this.params = { ...DEFAULT_BM25_PARAMS, ...options.params };
    this.tokenize = options.tokenize ?? ((text) => tokenize(text));
  }

  /** Builds an index from many passages at once: `addMany`, then everything merged into the compact base. */
  static build(rows: Iterable<readonly [row: number, text: string]>, options: Bm25Options = {}): Bm25Index {
    const index = new Bm25Index(options);
    index.addMany(rows);
    index._mergeTail();
    return index;
  }

  /**
   * An index restored from `snapshot()` output. `options` must name the same tokenizer the saved index used (the
   * snapshot holds terms, not the function); parameters may differ, they only apply at query time. Throws
   * Bm25SnapshotError for anything but a snapshot of this format version. The index keeps views into
   * `snapshot`'s buffer: do not modify it afterwards.
   */
  static fromSnapshot(snapshot: Uint8Array, options: Bm25Options = {}): Bm25Index {
    const state = decodeBm25Snapshot(snapshot);
    const index = new Bm25Index(options);
    // Arrays written in place are copied; the rest are only ever replaced, so views are safe.
    index._terms = new TermTable({ chars: state.chars, starts: state.starts, slots: state.slots.slice(), count: state.termCount });
    // Per-term arrays share one capacity (add grows them together).
    const termCapacity = Math.max(state.termCount, 256);
    index._stored = new Uint32Array(termCapacity);
    index._stored.set(state.stored);
    index._docStamp = new Int32Array(termCapacity);
    index._docCount = new Uint32Array(termCapacity);
    index._baseTerms = state.termCount;
    index._baseOffsets = state.offsets;
    index._baseBytes = state.postings;
    index._baseLastRow = state.lastRow;
    index._basePostings = index._stored.reduce((total, n) => total + n, 0);
    index._tailHead = new Int32Array(termCapacity);
    index._lengths = state.lengths.slice();
    index._rowLimit = state.rowLimit;
    index._documentCount = state.documentCount;
    index._totalLength = state.totalLength;
    index._removedRows = state.removedRows;
    return index;
  }

  get size(): number {
    return this._documentCount;
  }

  has(row: number): boolean {
    return row >= 0 && row < this._rowLimit && (this._lengths[row] ?? EMPTY) >= 0;
  }

  add(row: number, text: string): void {
    if (!Number.isInteger(row) || row < 0) throw new Error(`Passage: BM25 row must be a non-negative integer, got ${row}`);
    if (row > MAX_ROW) throw new Error(`Passage: BM25 row ${row} is beyond the largest supported row ${MAX_ROW}`);
    if (this.has(row)) throw new Error(`Passage: BM25 row ${row} is already in use`);
    this._addTokens(row, this.tokenize(text));
  }

  /** Adds many passages (the same as `add` for each; a convenience for batches). */
  addMany(rows: Iterable<readonly [row: number, text: string]>): void {
    for (const [row, text] of rows) this.add(row, text);
  }

  remove(row: number): void {
    const length = this._lengths[row];
    if (length === undefined || !this.has(row)) return;
    this._documentCount--;
    this._totalLength -= length;
    this._lengths[row] = REMOVED;
    this._removedRows++;
  }

  /**
   * Renumbers rows after `VectorIndex.compact()` (old → new, −1 = gone) and drops postings of removed rows. A
   * passage whose row maps to −1 is dropped too (and no longer counts in the statistics).
   */
  remap(remap: Int32Array): void {
    this._rebuild(remap);
  }

  /** BM25 score of every row for `query` (index = row; 0 for rows without a query term or without a passage). */
  scores(query: string): Float32Array {
    const scores = new Float32Array(this._rowLimit);
    if (this._documentCount === 0) return scores;
    // Same expressions, in the same order, as bm25TermScore: results are bit-identical to it.
    const averageLength = this._totalLength / this._documentCount || 1;
    const { k1, b } = this.params;
    const k1PlusOne = k1 + 1;
    const oneMinusB = 1 - b;
    const lengths = this._lengths;
    const bytes = this._baseBytes;
    for (const token of new Set(this.tokenize(query))) {
      const id = this._terms.lookup(token);
      const df = this._documentFrequency(id);
      if (df === 0) continue;
      const idf = Math.log(1 + (this._documentCount - df + 0.5) / (df + 0.5));
      // Hot loops (every posting of every query term): the coding and the row limit keep indices in range, and a
      // check per posting would cost, so `!`. The decoding is bm25-postings.ts's decodePostings, inlined.
      if (id < this._baseTerms) {
        let row = -1;
        for (let p = this._baseOffsets[id]!, end = this._baseOffsets[id + 1]!; p < end; ) {
          let byte = bytes[p++]!;
          let value = byte & 0x7f;
          for (let shift = 7; byte & 0x80; shift += 7) {
            byte = bytes[p++]!;
            value |= (byte & 0x7f) << shift;
          }
          row += (value >>> 1) + 1;
          let tf = 1;
          if (value & 1) {
            byte = bytes[p++]!;
            tf = byte & 0x7f;
            for (let shift = 7; byte & 0x80; shift += 7) {
              byte = bytes[p++]!;
              tf |= (byte & 0x7f) << shift;
            }
            tf += 2;
          }
          const length = lengths[row]!;
          if (length < 0) continue; // removed, not compacted yet
          const norm = k1 * (oneMinusB + (b * length) / averageLength);
          scores[row]! += (idf * (tf * k1PlusOne)) / (tf + norm);
        }
      }
      for (let i = this._tailHead[id]!; i !== 0; i = this._tailNext[i - 1]!) {
        const row = this._tailRow[i - 1]!;
        const tf = this._tailTf[i - 1]!;
        const length = lengths[row]!;
        if (length < 0) continue;
        const norm = k1 * (oneMinusB + (b * length) / averageLength);
        scores[row]! += (idf * (tf * k1PlusOne)) / (tf + norm);
      }
    }
    return scores;
  }

  /**
   * The most any passage could score for `query`: each distinct query word at its idf × (k1 + 1), the limit of a
   * term's contribution as its frequency grows. A word the index has never seen counts at the idf of a word in no
   * passage. Dividing a passage's score by this gives the share of the query's word weight the passage holds — a
   * number in [0, 1) that means the same whatever the library's size (src/core/relevance.ts uses it).
   */
  queryCeiling(query: string): number {
    const n = this._documentCount;
    let ceiling = 0;
    for (const token of new Set(this.tokenize(query))) {
      const df = this._documentFrequency(this._terms.lookup(token));
      ceiling += Math.log(1 + (n - df + 0.5) / (df + 0.5)) * (this.params.k1 + 1);
    }
    return ceiling;
  }

  /** Top `k` rows with a positive score, best first. */
  search(query: string, k: number): Hit[] {
    const scores = this.scores(query);
    const top = new TopK(Math.max(0, k));
    // Hot loop (every row, every query): `row` < scores.length, so `!` rather than a check.
    for (let row = 0; row < scores.length; row++) if (scores[row]! > 0) top.push(row, scores[row]!);
    return top.sorted();
  }

  /**
   * The whole index as one Uint8Array (format BM25_SNAPSHOT_VERSION, see bm25-snapshot.ts), for IndexedDB.
   * Merges pending additions first; the snapshot shares no memory with the index.
   */
  snapshot(): Uint8Array {
    this._mergeTail();
    const terms = this._terms.arrays();
    return encodeBm25Snapshot({
      rowLimit: this._rowLimit,
      documentCount: this._documentCount,
      removedRows: this._removedRows,
      totalLength: this._totalLength,
      termCount: terms.count,
      chars: terms.chars,
      starts: terms.starts,
      slots: terms.slots,
      stored: this._stored.subarray(0, terms.count),
      offsets: this._baseOffsets,
      lastRow: this._baseLastRow,
      lengths: this._lengths.subarray(0, this._rowLimit),
      postings: this._baseBytes,
    });
  }

  /** Bytes held in typed arrays (capacity included): what the index costs beyond a few small objects. */
  get byteLength(): number {
    return (
      this._terms.byteLength +
      this._stored.byteLength +
      this._baseOffsets.byteLength +
      this._baseBytes.byteLength +
      this._baseLastRow.byteLength +
      this._tailHead.byteLength +
      this._tailNext.byteLength +
      this._tailTerm.byteLength +
      this._tailRow.byteLength +
      this._tailTf.byteLength +
      this._lengths.byteLength
    );
  }
}
