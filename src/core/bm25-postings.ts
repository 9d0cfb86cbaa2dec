/**
 * The BM25 postings' coding, for merges (bm25-store.ts): one term's postings sorted by row, varint-coded as (row
 * gap, term frequency) with tf = 1 folded into the gap's low bit (~1.3–2 bytes a posting) — the writer, the
 * decoder, and the order and grouping steps a merge needs. `Bm25Index.scores` inlines its own copy of the decoder.
 */
export interface TailByTerm {
  /** Term `id`'s tail postings are `rows`/`tfs` [starts[id], starts[id + 1]). */
  starts: Uint32Array;
  rows: Int32Array;
  tfs: Uint32Array;
}

/** `count` postings given as parallel arrays, grouped by term (a stable counting sort: each term's stay in order). */
export function groupByTerm(termCount: number, terms: Int32Array, rowsIn: Int32Array, tfsIn: Uint32Array, count: number): TailByTerm {
  const starts = new Uint32Array(termCount + 1);
  // Loops over every tail posting of a merge: indices are in range by construction, `!` instead of checks.
  for (let i = 0; i < count; i++) starts[terms[i]! + 1]!++;
  for (let id = 0; id < termCount; id++) starts[id + 1]! += starts[id]!;
  const next = starts.slice(0, termCount);
  const rows = new Int32Array(count);
  const tfs = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const at = next[terms[i]!]!++;
    rows[at] = rowsIn[i]!;
    tfs[at] = tfsIn[i]!;
  }
  return { starts, rows, tfs };
}

/** Decodes the postings in `bytes[from, to)` into `rows`/`tfs` from index `n` (they must have room); returns the end. */
export function decodePostings(bytes: Uint8Array, from: number, to: number, rows: Int32Array, tfs: Uint32Array, n: number): number {
  let row = -1;
  // Hot loop (every posting of a merge): the coding keeps `p` inside [from, to), so `!` instead of checks.
  for (let p = from; p < to; ) {
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
    rows[n] = row;
    tfs[n++] = tf;
  }
  return n;
}
export function isIncreasing(rows: Int32Array, from: number, to: number, previous: number): boolean {
  // Per posting of a merge, with `i` inside the arrays: `!` instead of checks, here and in `postings` below.
  for (let i = from; i < to; i++) {
    if (rows[i]! <= previous) return false;
    previous = rows[i]!;
  }
  return true;
}

/** Sorts the first `n` (row, tf) pairs by row (rare: only when rows were added out of order or remapped so). */
export function sortPostings(rows: Int32Array, tfs: Uint32Array, n: number): void {
  // `!`: every index is below n, and n is within both arrays.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => rows[a]! - rows[b]!);
  const sortedRows = order.map((i) => rows[i]!);
  const sortedTfs = order.map((i) => tfs[i]!);
  rows.set(sortedRows);
  tfs.set(sortedTfs);
}

/** Growable byte buffer for the varint-coded postings. */
export class ByteWriter {
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
