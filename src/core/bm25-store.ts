/**
 * The BM25 index's storage, below its scoring (bm25.ts): the vocabulary (bm25-terms.ts), every term's postings
 * and every row's length.
 *
 * - Postings: an immutable *base* — every term's postings back to back in one Uint8Array, sorted by row,
 *   varint-coded (bm25-postings.ts) — plus a small mutable *tail* of recent additions as linked lists in
 *   typed arrays. When the tail outgrows a fraction of the base it is merged in: the base's bytes are copied as
 *   they are and only the tail is encoded, so appending stays amortised O(1) per posting.
 * - A removed row is marked and skipped at scoring time (document frequencies then count live postings), and its
 *   postings are dropped for good at the next merge or `remap` (after a compaction).
 */
import { ByteWriter, decodePostings, groupByTerm, isIncreasing, sortPostings, type TailByTerm } from './bm25-postings.ts';
import { grow, TermTable } from './bm25-terms.ts';

/** Row state in `_lengths` besides a token count ≥ 0. */
export const EMPTY = -1;
/** Removed, but its postings are still stored until the next rebuild. */
export const REMOVED = -2;

/** Rows are < 2^30 so a row gap shifted left by one still fits a positive int32 in the varint coder. */
export const MAX_ROW = 2 ** 30 - 1;

/** Tail size (postings) before a merge: at least this many, so small libraries merge rarely... */
const MIN_TAIL_POSTINGS = 1 << 16;
/**
 * ...and at most this share of the base, which bounds the tail's memory (16 bytes a posting vs ~1.5–2 in the
 * base) while keeping the copies of the base amortised. Letting the tail grow to a quarter of the base (1M–8M
 * postings) during `build` was slower, not faster: 22.4 vs 19.5 CPU-s for 1M passages (the larger tail misses cache).
 */
const TAIL_SHARE = 1 / 16;

/** Base class of Bm25Index: its fields are the index's whole state (snapshots read and restore them). */
export class Bm25Store {
  protected _terms = new TermTable();
  /** Per term id: postings stored (base + tail), including those of removed rows not yet dropped. */
  protected _stored = new Uint32Array(256);
  // Base: term id < _baseTerms has its postings at _baseBytes[_baseOffsets[id] .. _baseOffsets[id + 1]).
  protected _baseTerms = 0;
  protected _baseOffsets: Uint32Array = new Uint32Array(1);
  protected _baseBytes: Uint8Array = new Uint8Array(0);
  protected _baseLastRow: Int32Array = new Int32Array(0);
  protected _basePostings = 0;
  // Tail: per term, a linked list (newest first) of postings; indices are stored + 1 so 0 ends a list. Queries
  // walk the lists; a merge reads the postings in order by term (`_tailTerm`), which is cache-friendly (walking
  // the lists there took most of the build time at 100k).
  protected _tailHead = new Int32Array(256);
  protected _tailNext = new Int32Array(1024);
  protected _tailTerm = new Int32Array(1024);
  protected _tailRow = new Int32Array(1024);
  protected _tailTf = new Uint32Array(1024);
  private _tailPostings = 0;
  /** Per row: token count, EMPTY or REMOVED. Valid up to `_rowLimit`; capacity beyond is EMPTY. */
  protected _lengths = new Int32Array(0).fill(EMPTY);
  protected _rowLimit = 0;
  protected _documentCount = 0;
  protected _totalLength = 0;
  protected _removedRows = 0;
  private _termScratch = new Int32Array(256);
  protected _docStamp = new Int32Array(256);
  protected _docCount = new Uint32Array(256);
  private _stamp = 0;
  private _rowScratch = new Int32Array(256);
  private _tfScratch = new Uint32Array(256);

  /**
   * Stores a passage's tokens at a free `row` (the caller checks it): its postings go to the tail, its length
   * and the statistics are updated, and the tail is merged into the base once it has grown enough.
   */
  protected _addTokens(row: number, tokens: readonly string[]): void {
    // A removed row still has postings; reusing it before a remap needs them gone first.
    if (row < this._rowLimit && this._lengths[row] === REMOVED) this._rebuild(null);
    // Count each distinct term once: `_docStamp[id]` marks terms already seen in this passage.
    let ids = this._termScratch;
    if (ids.length < tokens.length) ids = this._termScratch = new Int32Array(tokens.length * 2);
    const stamp = ++this._stamp;
    let distinct = 0;
    // Hot loops (every token of every passage added): ids come from the table, so `!` instead of checks.
    for (const token of tokens) {
      const id = this._terms.intern(token);
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

  /** Term `id`'s document frequency: its postings of live rows (0 for an unknown term, id < 0). */
  protected _documentFrequency(id: number): number {
    const stored = this._stored[id] ?? 0;
    if (stored === 0) return 0;
    return this._removedRows === 0 ? stored : this._livePostings(id);
  }

  private _mergeThreshold(): number {
    return Math.max(MIN_TAIL_POSTINGS, this._basePostings * TAIL_SHARE);
  }

  protected _mergeTail(): void {
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
    // Per posting, at query time while removals are pending: rows are < _rowLimit, so `!` instead of checks.
    for (let i = 0; i < n; i++) if (this._lengths[this._rowScratch[i]!]! >= 0) live++;
    return live;
  }

  /** Decodes term `id`'s base postings into the scratch arrays from `start`; returns the end. */
  private _decodeBase(id: number, start: number): number {
    if (id >= this._baseTerms) return start;
    const from = this._baseOffsets[id]!; // id < _baseTerms: both offsets exist
    const to = this._baseOffsets[id + 1]!;
    this._ensureScratch(start + (to - from));
    return decodePostings(this._baseBytes, from, to, this._rowScratch, this._tfScratch, start);
  }

  /** Decodes term `id`'s tail postings, oldest first, into the scratch arrays from `start`; returns the end. */
  private _decodeTail(id: number, start: number): number {
    let count = 0;
    // Per tail posting of every merge: list links are valid by construction, so `!` instead of checks.
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
   * tail from `tail` (see `groupByTerm`) when given, else from its linked list.
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
    // Per posting of a renumbering merge: rows are < rowMap.length, so `!` instead of checks.
    for (let i = 0; i < n; i++) {
      const row = rowMap[this._rowScratch[i]!]!;
      if (row < 0) continue;
      this._rowScratch[kept] = row;
      this._tfScratch[kept++] = this._tfScratch[i]!;
    }
    return kept;
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
  protected _rebuild(remap: Int32Array | null): void {
    const termCount = this._terms.count;
    this._ensureTermCapacity(termCount);
    const purge = remap !== null || this._removedRows > 0;
    const rowMap = purge ? this._rowMap(remap) : null;
    const out = new ByteWriter(this._baseBytes.length + this._tailPostings * 3 + 16);
    const offsets = new Uint32Array(termCount + 1);
    const lastRow = new Int32Array(termCount);
    const baseOffsets = this._baseOffsets;
    const tail = groupByTerm(termCount, this._tailTerm, this._tailRow, this._tailTf, this._tailPostings);
    let postings = 0;
    // Terms without tail postings keep their bytes: they are copied in runs (`copyFrom` = first uncopied byte).
    let copyFrom = 0;
    // Per term of every merge (up to millions): ids < termCount index every array, so `!` instead of checks.
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
        out.copy(this._baseBytes.subarray(copyFrom, baseOffsets[id + 1]));
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
    if (rowMap !== null) this._applyRowMap(rowMap, remap !== null);
  }

  /** Old row → new row for a rebuild that drops removed rows (and renumbers by `remap` when given). */
  private _rowMap(remap: Int32Array | null): Int32Array {
    const lengths = this._lengths.subarray(0, this._rowLimit);
    return lengths.map((length, row) => (length < 0 ? -1 : remap === null ? row : (remap[row] ?? -1)));
  }

  /** New lengths after a rebuild; only a remap moves the row limit (`scores` keeps its length otherwise, as before). */
  private _applyRowMap(rowMap: Int32Array, renumbered: boolean): void {
    let rowLimit = renumbered ? 0 : this._rowLimit;
    if (renumbered) for (const to of rowMap) rowLimit = Math.max(rowLimit, to + 1);
    const lengths = new Int32Array(rowLimit).fill(EMPTY);
    rowMap.forEach((to, row) => {
      const length = this._lengths[row] ?? EMPTY; // rowMap has one entry per row below _rowLimit
      if (length < 0) return;
      if (to >= 0) {
        lengths[to] = length;
      } else {
        this._documentCount--;
        this._totalLength -= length;
      }
    });
    this._lengths = lengths;
    this._rowLimit = rowLimit;
    this._removedRows = 0;
  }
}
