/**
 * Int8 vectors in one contiguous, growable array, searched by brute force. Each vector is quantised
 * symmetrically with its own scale (maxabs / 127), so a row costs `dims` bytes + one float. Search runs integer
 * dot products over every row, keeps a generous candidate set, and re-scores those with the float query against
 * the dequantised rows, which puts int8 ranking within noise of float ranking (tested on real embeddings).
 */
import { TopK, type Hit } from './top-k.ts';

export type { Hit } from './top-k.ts';

export interface Quantized {
  q: Int8Array;
  scale: number;
}

export function quantize(vec: Float32Array): Quantized {
  let maxAbs = 0;
  for (let i = 0; i < vec.length; i++) maxAbs = Math.max(maxAbs, Math.abs(vec[i]!));
  const q = new Int8Array(vec.length);
  if (maxAbs === 0) return { q, scale: 0 };
  const scale = maxAbs / 127;
  for (let i = 0; i < vec.length; i++) q[i] = Math.round(vec[i]! / scale);
  return { q, scale };
}

/** Candidates kept from the int8 pass before exact re-scoring. */
export function candidateCount(k: number): number {
  return Math.max(k * 4, 50);
}

export class VectorIndex {
  private _codes: Int8Array;
  private _scales: Float32Array;
  private _alive: Uint8Array;
  private _rows = 0;
  private _removed = 0;

  constructor(
    readonly dims: number,
    initialCapacity = 1024,
  ) {
    if (!Number.isInteger(dims) || dims <= 0) throw new Error(`Passage: vector dimensions must be positive, got ${dims}`);
    const capacity = Math.max(1, initialCapacity);
    this._codes = new Int8Array(capacity * dims);
    this._scales = new Float32Array(capacity);
    this._alive = new Uint8Array(capacity);
  }

  /** Rows ever added and not yet compacted away, removed ones included (row numbers are `0 … rowCount-1`). */
  get rowCount(): number {
    return this._rows;
  }

  /** Live vectors. */
  get size(): number {
    return this._rows - this._removed;
  }

  get removedCount(): number {
    return this._removed;
  }

  isAlive(row: number): boolean {
    return row >= 0 && row < this._rows && this._alive[row] === 1;
  }

  add(q: Int8Array, scale: number): number {
    if (q.length !== this.dims) throw new Error(`Passage: vector has ${q.length} dimensions, index has ${this.dims}`);
    if (this._rows === this._scales.length) this._grow();
    const row = this._rows++;
    this._codes.set(q, row * this.dims);
    this._scales[row] = scale;
    this._alive[row] = 1;
    return row;
  }

  addVector(vec: Float32Array): number {
    const { q, scale } = quantize(vec);
    return this.add(q, scale);
  }

  /** Leaves a hole that search skips; `compact()` reclaims it. */
  remove(row: number): void {
    if (!this.isAlive(row)) return;
    this._alive[row] = 0;
    this._removed++;
  }

  /**
   * Moves live rows down over the holes. Returns old row → new row (−1 for removed rows) so owners of row
   * numbers (the BM25 index, id maps) can follow.
   */
  compact(): Int32Array {
    const remap = new Int32Array(this._rows).fill(-1);
    let next = 0;
    for (let row = 0; row < this._rows; row++) {
      if (!this._alive[row]) continue;
      if (row !== next) {
        this._codes.copyWithin(next * this.dims, row * this.dims, (row + 1) * this.dims);
        this._scales[next] = this._scales[row]!;
        this._alive[next] = 1;
      }
      remap[row] = next++;
    }
    this._alive.fill(0, next, this._rows);
    this._rows = next;
    this._removed = 0;
    return remap;
  }

  /** The stored vector, dequantised. */
  vector(row: number): Float32Array {
    const out = new Float32Array(this.dims);
    const scale = this._scales[row]!;
    const offset = row * this.dims;
    for (let d = 0; d < this.dims; d++) out[d] = this._codes[offset + d]! * scale;
    return out;
  }

  /** Top `k` live rows by dot product with `query` (cosine for normalised vectors), best first. */
  search(query: Float32Array, k: number): Hit[] {
    this._checkQuery(query);
    if (k <= 0 || this.size === 0) return [];
    const coarse = this._int8Candidates(query, candidateCount(k));
    return this._rescore(query, coarse, k);
  }

  /** Exact (float query × dequantised row) scores for the given rows; removed rows score −Infinity. */
  scoreRows(query: Float32Array, rows: readonly number[]): Float32Array {
    this._checkQuery(query);
    const scores = new Float32Array(rows.length);
    rows.forEach((row, i) => {
      scores[i] = this.isAlive(row) ? this._exactScore(query, row) : -Infinity;
    });
    return scores;
  }

  /** Float brute force over the dequantised rows: the reference the int8 pass is measured against. */
  searchExact(query: Float32Array, k: number): Hit[] {
    this._checkQuery(query);
    const top = new TopK(Math.min(k, this.size));
    for (let row = 0; row < this._rows; row++) if (this._alive[row]) top.push(row, this._exactScore(query, row));
    return top.sorted();
  }

  private _int8Candidates(query: Float32Array, count: number): number[] {
    // Int32Array: V8 multiplies int32 × int32 faster than it sign-extends two Int8Array reads.
    const q = Int32Array.from(quantize(query).q);
    const top = new TopK(Math.min(count, this.size));
    for (let row = 0, offset = 0; row < this._rows; row++, offset += this.dims) {
      if (!this._alive[row]) continue;
      // The query's own scale is the same for every row, so it can be left out of the comparison.
      const score = this._int8Dot(offset, q) * this._scales[row]!;
      if (score > top.threshold) top.push(row, score);
    }
    return top.sorted().map((hit) => hit.row);
  }

  /** Integer dot product of one stored row with the quantised query; four accumulators, int32 arithmetic. */
  private _int8Dot(offset: number, q: Int32Array): number {
    const codes = this._codes;
    const dims = this.dims;
    const unrolled = dims - (dims % 4);
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    let i = 0;
    for (; i < unrolled; i += 4) {
      a = (a + codes[offset + i]! * q[i]!) | 0;
      b = (b + codes[offset + i + 1]! * q[i + 1]!) | 0;
      c = (c + codes[offset + i + 2]! * q[i + 2]!) | 0;
      d = (d + codes[offset + i + 3]! * q[i + 3]!) | 0;
    }
    for (; i < dims; i++) a = (a + codes[offset + i]! * q[i]!) | 0;
    return a + b + c + d;
  }

  private _rescore(query: Float32Array, rows: number[], k: number): Hit[] {
    const top = new TopK(Math.min(k, rows.length));
    for (const row of rows) top.push(row, this._exactScore(query, row));
    return top.sorted();
  }

  private _exactScore(query: Float32Array, row: number): number {
    const offset = row * this.dims;
    let dot = 0;
    for (let d = 0; d < this.dims; d++) dot += this._codes[offset + d]! * query[d]!;
    return dot * this._scales[row]!;
  }

  private _checkQuery(query: Float32Array): void {
    if (query.length !== this.dims) {
      throw new Error(`Passage: query has ${query.length} dimensions, index has ${this.dims}`);
    }
  }

  private _grow(): void {
    const capacity = this._scales.length * 2;
    const codes = new Int8Array(capacity * this.dims);
    codes.set(this._codes);
    const scales = new Float32Array(capacity);
    scales.set(this._scales);
    const alive = new Uint8Array(capacity);
    alive.set(this._alive);
    this._codes = codes;
    this._scales = scales;
    this._alive = alive;
  }
}
