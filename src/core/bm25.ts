/**
 * BM25 over passages identified by row numbers (the same rows as the vector index), held in typed arrays so a
 * library of a million passages fits in memory and saves as one compact snapshot.
 *
 * - Vocabulary: bm25-terms.ts (term ↔ id in a char table + hash table; no string per term).
 * - Postings: an immutable *base* — every term's postings back to back in one Uint8Array, sorted by row,
 *   varint-coded as (row gap, term frequency) with tf = 1 folded into the gap's low bit (~1.3–2 bytes a
 *   posting) — plus a small mutable *tail* of recent additions as linked lists in typed arrays. When the tail
 *   outgrows a fraction of the base it is merged in: the base's bytes are copied as they are and only the tail
 *   is encoded, so appending stays amortised O(1) per posting.
 * - A removed row is marked and skipped at scoring time (document frequencies then count live postings), and its
 *   postings are dropped for good by `remap` after a compaction, as before.
 *
 * Scores equal the previous array-of-arrays index bit for bit: the same formula evaluated in the same order
 * (bm25-reference.test-support.ts keeps that index; bm25.test.ts compares the two on State of the Union text).
 */
import { decodeBm25Snapshot, encodeBm25Snapshot } from './bm25-snapshot.ts';
import { grow, TermTable } from './bm25-terms.ts';
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

/** Row state in `_lengths` besides a token count ≥ 0. */
const EMPTY = -1;
/** Removed, but its postings are still stored until the next rebuild. */
const REMOVED = -2;

/** Rows are < 2^30 so a row gap shifted left by one still fits a positive int32 in the varint coder. */
const MAX_ROW = 2 ** 30 - 1;

/** Tail size (postings) before a merge: at least this many, so small libraries merge rarely... */
const MIN_TAIL_POSTINGS = 1 << 16;
/**
 * ...and at most this share of the base, which bounds the tail's memory (16 bytes a posting vs ~1.5–2 in the
 * base) while keeping the copies of the base amortised. Letting the tail grow to a quarter of the base (1M–8M
 * postings) during `build` was slower, not faster: 22.4 vs 19.5 CPU-s for 1M passages (the larger tail misses cache).
 */
const TAIL_SHARE = 1 / 16;

export class Bm25Index {
  readonly params: Readonly<Bm25Params>;
  readonly tokenize: (text: string) => string[];
  private _terms: TermTable;
  /** Per term id: postings stored (base + tail), including those of removed rows not yet dropped. */
  private _stored = new Uint32Array(256);
  // Base: term id < _baseTerms has its postings at _baseBytes[_baseOffsets[id] .. _baseOffsets[id + 1]).
  private _baseTerms = 0;
  private _baseOffsets: Uint32Array = new Uint32Array(1);
  private _baseBytes: Uint8Array = new Uint8Array(0);
  private _baseLastRow: Int32Array = new Int32Array(0);
  private _basePostings = 0;
  // Tail: per term, a linked list (newest first) of postings; indices are stored + 1 so 0 ends a list. Queries
  // walk the lists; a merge reads the postings in order by term (`_tailTerm`), which is cache-friendly (walking
  // the lists there took most of the build time at 100k).
  private _tailHead = new Int32Array(256);
  private _tailNext = new Int32Array(1024);
  private _tailTerm = new Int32Array(1024);
  private _tailRow = new Int32Array(1024);
  private _tailTf = new Uint32Array(1024);
  private _tailPostings = 0;
  /** Per row: token count, EMPTY or REMOVED. Valid up to `_rowLimit`; capacity beyond is EMPTY. */
  private _lengths = new Int32Array(0).fill(EMPTY);
  private _rowLimit = 0;
  private _documentCount = 0;
  private _totalLength = 0;
  private _removedRows = 0;
  private _termScratch = new Int32Array(256);
  private _docStamp = new Int32Array(256);
  private _docCount = new Uint32Array(256);
  private _stamp = 0;
  private _rowScratch = new Int32Array(256);
  private _tfScratch = new Uint32Array(256);

  constructor(options: Bm25Options = {}) {
    this.params = { ...DEFAULT_BM25_PARAMS, ...options.params };
    this.tokenize = options.tokenize ?? ((text) => tokenize(text));
    this._terms = new TermTable();
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
    return row >= 0 && row < this._rowLimit && this._lengths[row]! >= 0;
  }

  add(row: number, text: string): void {
    if (!Number.isInteger(row) || row < 0) throw new Error(`Passage: BM25 row must be a non-negative integer, got ${row}`);
    if (row > MAX_ROW) throw new Error(`Passage: BM25 row ${row} is beyond the largest supported row ${MAX_ROW}`);
    if (this.has(row)) throw new Error(`Passage: BM25 row ${row} is already in use`);
    // A removed row still has postings; reusing it before a remap needs them gone first.
    if (row < this._rowLimit && this._lengths[row] === REMOVED) this._rebuild(null);
    const tokens = this.tokenize(text);
    // Count each distinct term once: `_docStamp[id]` marks terms already seen in this passage.
    let ids = this._termScratch;
    if (ids.length < tokens.length) ids = this._termScratch = new Int32Array(tokens.length * 2);
    const stamp = ++this._stamp;
    let distinct = 0;
    for (let i = 0; i < tokens.length; i++) {
      const id = this._terms.intern(tokens[i]!);
      if (id >= this._docStamp.length) this._ensureTermCapacity(id + 1);
      if (this._docStamp[id] === stamp) {
        this._docCount[id]!++;
      } else {
        this._docStamp[id] = stamp;
        this._docCount[id] = 1;
        ids[distinct++] = id;
      }
    }
    for (let i = 0; i < distinct; i++) this._appendTail(ids[i]!, row, this._docCount[ids[i]!]!);
    if (row >= this._lengths.length) {
      const previous = this._lengths.length;
      this._lengths = grow(this._lengths, row + 1);
      this._lengths.fill(EMPTY, previous);
    }
    this._lengths[row] = tokens.length;
    this._rowLimit = Math.max(this._rowLimit, row + 1);
    this._documentCount++;
    this._totalLength += tokens.length;
    if (this._tailPostings >= this._mergeThreshold()) this._mergeTail();
  }

  /** Adds many passages (the same as `add` for each; a convenience for batches). */
  addMany(rows: Iterable<readonly [row: number, text: string]>): void {
    for (const [row, text] of rows) this.add(row, text);
  }

  remove(row: number): void {
    if (!this.has(row)) return;
    this._documentCount--;
    this._totalLength -= this._lengths[row]!;
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
      if (id < 0 || this._stored[id] === 0) continue;
      const df = this._removedRows === 0 ? this._stored[id]! : this._livePostings(id);
      if (df === 0) continue;
      const idf = Math.log(1 + (this._documentCount - df + 0.5) / (df + 0.5));
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
      const id = this._terms.lookup(token);
      const df = id < 0 || this._stored[id] === 0 ? 0 : this._removedRows === 0 ? this._stored[id]! : this._livePostings(id);
      ceiling += Math.log(1 + (n - df + 0.5) / (df + 0.5)) * (this.params.k1 + 1);
    }
    return ceiling;
  }

  /** Top `k` rows with a positive score, best first. */
  search(query: string, k: number): Hit[] {
    const scores = this.scores(query);
    const top = new TopK(Math.max(0, k));
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

  private _mergeThreshold(): number {
    return Math.max(MIN_TAIL_POSTINGS, this._basePostings * TAIL_SHARE);
  }

  private _mergeTail(): void {
    if (this._tailPostings > 0 || this._removedRows > 0 || this._baseTerms < this._terms.count) this._rebuild(null);
  }

  private _ensureTermCapacity(count: number): void {
    if (count <= this._stored.length && count <= this._docStamp.length) return;
    this._stored = grow(this._stored, count);
    this._tailHead = grow(this._tailHead, count);
    this._docStamp = grow(this._docStamp, count);
    this._docCount = grow(this._docCount, count);
  }

  private _appendTail(id: number, row: number, tf: number): void {
    const i = this._tailPostings++;
    if (i >= this._tailRow.length) {
      this._tailNext = grow(this._tailNext, i + 1);
      this._tailTerm = grow(this._tailTerm, i + 1);
      this._tailRow = grow(this._tailRow, i + 1);
      this._tailTf = grow(this._tailTf, i + 1);
    }
    this._tailRow[i] = row;
    this._tailTf[i] = tf;
    this._tailNext[i] = this._tailHead[id]!;
    this._tailTerm[i] = id;
    this._tailHead[id] = i + 1;
    this._stored[id]!++;
  }

  /** Postings of term `id` whose row holds a passage (its document frequency while removals are pending). */
  private _livePostings(id: number): number {
    const n = this._collect(id, null);
    let live = 0;
    for (let i = 0; i < n; i++) if (this._lengths[this._rowScratch[i]!]! >= 0) live++;
    return live;
  }

  /** Decodes term `id`'s base postings into the scratch arrays from `start`; returns the end. */
  private _decodeBase(id: number, start: number): number {
    let n = start;
    if (id >= this._baseTerms) return n;
    const bytes = this._baseBytes;
    const end = this._baseOffsets[id + 1]!;
    this._ensureScratch(n + (end - this._baseOffsets[id]!));
    let row = -1;
    for (let p = this._baseOffsets[id]!; p < end; ) {
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
      this._rowScratch[n] = row;
      this._tfScratch[n++] = tf;
    }
    return n;
  }

  /** Decodes term `id`'s tail postings, oldest first, into the scratch arrays from `start`; returns the end. */
  private _decodeTail(id: number, start: number): number {
    let count = 0;
    for (let i = this._tailHead[id]!; i !== 0; i = this._tailNext[i - 1]!) count++;
    this._ensureScratch(start + count);
    let n = start + count;
    for (let i = this._tailHead[id]!; i !== 0; i = this._tailNext[i - 1]!) {
      this._rowScratch[--n] = this._tailRow[i - 1]!;
      this._tfScratch[n] = this._tailTf[i - 1]!;
    }
    return start + count;
  }

  /**
   * All postings of term `id` (base then tail) into the scratch arrays, rows mapped by `rowMap` when given; the
   * tail from `tail` (see `_tailByTerm`) when given, else from its linked list.
   */
  private _collect(id: number, rowMap: Int32Array | null, tail: TailByTerm | null = null): number {
    let n = this._decodeBase(id, 0);
    if (tail === null) {
      n = this._decodeTail(id, n);
    } else {
      const from = tail.starts[id]!;
      const to = tail.starts[id + 1]!;
      this._ensureScratch(n + to - from);
      this._rowScratch.set(tail.rows.subarray(from, to), n);
      this._tfScratch.set(tail.tfs.subarray(from, to), n);
      n += to - from;
    }
    if (rowMap === null) return n;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const row = rowMap[this._rowScratch[i]!]!;
      if (row < 0) continue;
      this._rowScratch[kept] = row;
      this._tfScratch[kept++] = this._tfScratch[i]!;
    }
    return kept;
  }

  /** The tail's postings grouped by term (a stable counting sort: each term's stay in the order they were added). */
  private _tailByTerm(termCount: number): TailByTerm {
    const starts = new Uint32Array(termCount + 1);
    const count = this._tailPostings;
    const terms = this._tailTerm;
    for (let i = 0; i < count; i++) starts[terms[i]! + 1]!++;
    for (let id = 0; id < termCount; id++) starts[id + 1]! += starts[id]!;
    const next = starts.slice(0, termCount);
    const rows = new Int32Array(count);
    const tfs = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const at = next[terms[i]!]!++;
      rows[at] = this._tailRow[i]!;
      tfs[at] = this._tailTf[i]!;
    }
    return { starts, rows, tfs };
  }

  /** After a merge: the emptied tail gives back its capacity beyond MIN_TAIL_POSTINGS (regrowing is cheap). */
  private _shrinkTail(): void {
    const capacity = MIN_TAIL_POSTINGS;
    if (this._tailPostings > 0 || this._tailRow.length <= capacity * 2) return;
    this._tailNext = this._tailNext.slice(0, capacity);
    this._tailTerm = this._tailTerm.slice(0, capacity);
    this._tailRow = this._tailRow.slice(0, capacity);
    this._tailTf = this._tailTf.slice(0, capacity);
  }

  private _ensureScratch(length: number): void {
    if (length <= this._rowScratch.length) return;
    this._rowScratch = grow(this._rowScratch, length);
    this._tfScratch = grow(this._tfScratch, length);
  }

  /**
   * Writes a new base holding every posting (base + tail). With `remap`, or with removed rows pending, rows are
   * renumbered and removed rows' postings dropped (remap null = keep numbers, drop removed rows).
   */
  private _rebuild(remap: Int32Array | null): void {
    const termCount = this._terms.count;
    this._ensureTermCapacity(termCount);
    const purge = remap !== null || this._removedRows > 0;
    const rowMap = purge ? this._rowMap(remap) : null;
    const out = new ByteWriter(this._baseBytes.length + this._tailPostings * 3 + 16);
    const offsets = new Uint32Array(termCount + 1);
    const lastRow = new Int32Array(termCount);
    const baseOffsets = this._baseOffsets;
    const tail = this._tailByTerm(termCount);
    let postings = 0;
    // Terms without tail postings keep their bytes: they are copied in runs (`copyFrom` = first uncopied byte).
    let copyFrom = 0;
    for (let id = 0; id < termCount; id++) {
      const inBase = id < this._baseTerms;
      if (rowMap === null && tail.starts[id] === tail.starts[id + 1] && inBase) {
        offsets[id] = out.length + baseOffsets[id]! - copyFrom;
        lastRow[id] = this._baseLastRow[id]!;
        postings += this._stored[id]!;
        continue;
      }
      if (rowMap === null && inBase) {
        // Flush the run up to and including this term's base bytes, then append its tail after them.
        offsets[id] = out.length + baseOffsets[id]! - copyFrom;
        out.copy(this._baseBytes.subarray(copyFrom, baseOffsets[id + 1]!));
        copyFrom = baseOffsets[id + 1]!;
        const from = tail.starts[id]!;
        const to = tail.starts[id + 1]!;
        const previous = this._baseLastRow[id]!;
        if (isIncreasing(tail.rows, from, to, previous)) {
          out.postings(tail.rows, tail.tfs, from, to, previous);
          lastRow[id] = to > from ? tail.rows[to - 1]! : previous;
          postings += this._stored[id]!;
          continue;
        }
        out.length = offsets[id]!; // rows added out of order: rewrite this term from scratch
      } else {
        if (copyFrom < this._baseBytes.length && rowMap === null) {
          out.copy(this._baseBytes.subarray(copyFrom));
          copyFrom = this._baseBytes.length;
        }
        offsets[id] = out.length;
      }
      const n = this._collect(id, rowMap, tail);
      if (!isIncreasing(this._rowScratch, 0, n, -1)) sortPostings(this._rowScratch, this._tfScratch, n);
      out.postings(this._rowScratch, this._tfScratch, 0, n, -1);
      lastRow[id] = n > 0 ? this._rowScratch[n - 1]! : -1;
      this._stored[id] = n;
      postings += n;
    }
    if (rowMap === null && copyFrom < this._baseBytes.length) out.copy(this._baseBytes.subarray(copyFrom));
    offsets[termCount] = out.length;
    if (out.length > 0xffffffff) throw new Error('Passage: BM25 postings exceed 4 GB');

    this._baseBytes = out.result();
    this._baseOffsets = offsets;
    this._baseLastRow = lastRow;
    this._baseTerms = termCount;
    this._basePostings = postings;
    this._tailHead.fill(0);
    this._tailPostings = 0;
    this._shrinkTail();
    if (purge) this._applyRowMap(rowMap!, remap !== null);
  }

  /** Old row → new row for a rebuild that drops removed rows (and renumbers by `remap` when given). */
  private _rowMap(remap: Int32Array | null): Int32Array {
    const rowMap = new Int32Array(this._rowLimit).fill(-1);
    for (let row = 0; row < this._rowLimit; row++) {
      if (this._lengths[row]! < 0) continue;
      rowMap[row] = remap === null ? row : (remap[row] ?? -1);
    }
    return rowMap;
  }

  /** New lengths after a rebuild; only a remap moves the row limit (`scores` keeps its length otherwise, as before). */
  private _applyRowMap(rowMap: Int32Array, renumbered: boolean): void {
    let rowLimit = renumbered ? 0 : this._rowLimit;
    if (renumbered) for (let row = 0; row < rowMap.length; row++) rowLimit = Math.max(rowLimit, rowMap[row]! + 1);
    const lengths = new Int32Array(rowLimit).fill(EMPTY);
    for (let row = 0; row < rowMap.length; row++) {
      const length = this._lengths[row]!;
      if (length < 0) continue;
      if (rowMap[row]! >= 0) {
        lengths[rowMap[row]!] = length;
      } else {
        this._documentCount--;
        this._totalLength -= length;
      }
    }
    this._lengths = lengths;
    this._rowLimit = rowLimit;
    this._removedRows = 0;
  }
}

interface TailByTerm {
  /** Term `id`'s tail postings are `rows`/`tfs` [starts[id], starts[id + 1]). */
  starts: Uint32Array;
  rows: Int32Array;
  tfs: Uint32Array;
}

function isIncreasing(rows: Int32Array, from: number, to: number, previous: number): boolean {
  for (let i = from; i < to; i++) {
    if (rows[i]! <= previous) return false;
    previous = rows[i]!;
  }
  return true;
}

/** Sorts the first `n` (row, tf) pairs by row (rare: only when rows were added out of order or remapped so). */
function sortPostings(rows: Int32Array, tfs: Uint32Array, n: number): void {
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rows[a]! - rows[b]!);
  const sortedRows = order.map((i) => rows[i]!);
  const sortedTfs = order.map((i) => tfs[i]!);
  rows.set(sortedRows);
  tfs.set(sortedTfs);
}

/** Growable byte buffer for the varint-coded postings. */
class ByteWriter {
  private _bytes: Uint8Array<ArrayBuffer>;
  length = 0;

  constructor(capacity: number) {
    this._bytes = new Uint8Array(Math.max(capacity, 16));
  }

  copy(bytes: Uint8Array): void {
    this._reserve(bytes.length);
    this._bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Appends postings [from, to), rows increasing and all > `previous`. */
  postings(rows: Int32Array, tfs: Uint32Array, from: number, to: number, previous: number): void {
    this._reserve((to - from) * 10);
    const bytes = this._bytes;
    let p = this.length;
    for (let i = from; i < to; i++) {
      const row = rows[i]!;
      const tf = tfs[i]!;
      let value = ((row - previous - 1) << 1) | (tf > 1 ? 1 : 0);
      previous = row;
      while (value > 0x7f) {
        bytes[p++] = (value & 0x7f) | 0x80;
        value >>>= 7;
      }
      bytes[p++] = value;
      if (tf > 1) {
        value = tf - 2;
        while (value > 0x7f) {
          bytes[p++] = (value & 0x7f) | 0x80;
          value >>>= 7;
        }
        bytes[p++] = value;
      }
    }
    this.length = p;
  }

  /** The written bytes; copied into an exact-size array when more than an eighth would be wasted. */
  result(): Uint8Array {
    const waste = this._bytes.length - this.length;
    return waste > this.length / 8 ? this._bytes.slice(0, this.length) : this._bytes.subarray(0, this.length);
  }

  private _reserve(extra: number): void {
    if (this.length + extra <= this._bytes.length) return;
    const bytes = new Uint8Array(Math.max(this.length + extra, Math.ceil(this._bytes.length * 1.5)));
    bytes.set(this._bytes.subarray(0, this.length));
    this._bytes = bytes;
  }
}
