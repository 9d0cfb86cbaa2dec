/**
 * Int8 vectors in one contiguous, growable array, plus a 1-bit sign code per row for the coarse pass. Each vector
 * is quantised symmetrically with its own scale (maxabs / 127). Search scores every live row by its sign code
 * against the float query (core/sign-codes.ts: dims/8 table reads per row instead of dims multiply-adds), keeps a
 * pool of the best, re-scores the pool exactly (float query × dequantised int8 row), and picks the k of the best
 * `refineCount(k)` with each row's 2-bit residual code when it has one (core/residual-codes.ts), which settles
 * the near-ties at the cut that int8 rounding gets wrong. A row costs `dims + signStride(dims) + 4 + 1` bytes (437 at
 * 384 dims, 437 MB per million rows), plus `residualStride(dims) + 1` (97) once any row has a residual code.
 */
import type { RowFilter } from './row-filter.ts';
import { packResidual, residualAt, residualDot, residualStride } from './residual-codes.ts';
import { packSigns, signStride, signTables } from './sign-codes.ts';
import { createPoolScratch, signPool } from './sign-pool.ts';
import { compareHits, TopK, type Hit } from './top-k.ts';

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

/** Candidates kept from the full int8 scan before exact re-scoring (the pre-sign-code path, `searchInt8Scan`). */
export function candidateCount(k: number): number {
  return Math.max(k * 4, 50);
}

/**
 * Re-scored candidates ranked again with residual codes: the float top 10 was inside the int8 top 20 for every
 * query at 100k / 300k / 1M rows (bench/dense-search.bench.ts), so twice the hits asked for, at least 20.
 */
export const REFINE_MIN = 20;

export function refineCount(k: number): number {
  return Math.max(2 * k, REFINE_MIN);
}

/** A quantised vector with the residual code of what rounding lost (see core/residual-codes.ts). */
export interface RefinedQuantized extends Quantized {
  residual: Uint8Array;
}

export function quantizeRefined(vec: Float32Array): RefinedQuantized {
  const { q, scale } = quantize(vec);
  const residual = new Uint8Array(residualStride(vec.length));
  packResidual(vec, q, 0, Math.fround(scale), residual, 0);
  return { q, scale, residual };
}

/**
 * Rows kept from the sign-code pass for exact re-scoring: the larger of POOL_MIN, POOL_PER_HIT per requested hit
 * (the fusion asks for 50: recall@50 was 0.987 with a pool of 1,000 at 100k rows) and POOL_FRACTION of the live rows. The coarse score's error is per row, so the number
 * of rows that wrongly outscore a true top-10 row grows with the index: on real MiniLM vectors grown with noise
 * (bench/dense-search.bench.ts) recall@10 against exact float search at 100k rows was 0.928 / 0.974 / 0.993 with
 * pools of 100 / 250 / 1,000, the last equal to the full int8 scan's. Re-scoring 10,000 rows (1M × 1%) reads
 * 3.8 MB, a few ms; the scan costs the rest.
 */
export const POOL_MIN = 1000;
export const POOL_PER_HIT = 40;
export const POOL_FRACTION = 0.01;

export function poolSize(k: number, rows: number): number {
  return Math.max(POOL_MIN, k * POOL_PER_HIT, Math.ceil(rows * POOL_FRACTION));
}

export class VectorIndex {
  private readonly _stride: number;
  private _codes: Int8Array;
  private _signs: Uint8Array;
  private _scales: Float32Array;
  private _alive: Uint8Array;
  /** Residual codes and which rows have one; allocated when the first row with a code arrives. */
  private readonly _residualStride: number;
  private _residuals: Uint8Array | null = null;
  private _refined: Uint8Array | null = null;
  private _rows = 0;
  private _removed = 0;
  /** False only inside `searchInt8` (the benchmark's comparison). */
  private _refining = true;
  /** Buffers of the coarse pass, reused by every search (sign-pool.ts). */
  private readonly _scratch = createPoolScratch();

  constructor(
    readonly dims: number,
    initialCapacity = 1024,
  ) {
    if (!Number.isInteger(dims) || dims <= 0) throw new Error(`Passage: vector dimensions must be positive, got ${dims}`);
    this._stride = signStride(dims);
    this._residualStride = residualStride(dims);
    const capacity = Math.max(1, initialCapacity);
    this._codes = new Int8Array(capacity * dims);
    this._signs = new Uint8Array(capacity * this._stride);
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

  /** Rows that fit before the arrays must grow. */
  get capacity(): number {
    return this._scales.length;
  }

  /** Bytes held per row of capacity: int8 codes, sign code, scale, alive flag (+ residual code and its flag). */
  get bytesPerRow(): number {
    return this.dims + this._stride + 4 + 1 + (this._residuals ? this._residualStride + 1 : 0);
  }

  /** Whether `row` has a residual code (rows stored before residual codes existed don't). */
  isRefined(row: number): boolean {
    return this._refined !== null && row >= 0 && row < this._rows && this._refined[row] === 1;
  }

  isAlive(row: number): boolean {
    return row >= 0 && row < this._rows && this._alive[row] === 1;
  }

  /**
   * Makes room for `rows` rows in total with at most one copy of what is stored. Call it with the library's row
   * count before loading it block by block: growing by doubling instead copies the arrays ~log2(n/1024) times and
   * can leave up to half of them unused.
   */
  reserve(rows: number): void {
    if (rows > this.capacity) this._resize(rows);
  }

  /** Appends one row; `residual` (`residualStride(dims)` bytes, from `quantizeRefined`) lets search refine it. */
  add(q: Int8Array, scale: number, residual?: Uint8Array | null): number {
    if (q.length !== this.dims) throw new Error(`Passage: vector has ${q.length} dimensions, index has ${this.dims}`);
    this._checkResiduals(residual, 1);
    if (this._rows === this.capacity) this._resize(this.capacity * 2);
    const row = this._rows++;
    this._codes.set(q, row * this.dims);
    this._scales[row] = scale;
    this._alive[row] = 1;
    packSigns(this._codes, row * this.dims, this.dims, this._signs, row * this._stride);
    this._setResiduals(row, 1, residual);
    return row;
  }

  /**
   * Appends `scales.length` rows at once from row-major int8 `codes` (`scales.length × dims`), as stored in a
   * block of the library; returns the first new row. No per-row allocation: the block is copied in with
   * `TypedArray.set` and its sign codes are packed in place. `residuals` (`count × residualStride(dims)`), when
   * given, are the rows' residual codes; without them the rows are ranked by their int8 codes alone.
   */
  addBlock(codes: Int8Array, scales: Float32Array, residuals?: Uint8Array | null): number {
    const count = scales.length;
    if (codes.length !== count * this.dims) {
      throw new Error(`Passage: block of ${count} rows needs ${count * this.dims} codes, got ${codes.length}`);
    }
    this._checkResiduals(residuals, count);
    const first = this._rows;
    if (first + count > this.capacity) this._resize(Math.max(first + count, this.capacity * 2));
    this._codes.set(codes, first * this.dims);
    this._scales.set(scales, first);
    this._alive.fill(1, first, first + count);
    for (let row = first; row < first + count; row++) {
      packSigns(this._codes, row * this.dims, this.dims, this._signs, row * this._stride);
    }
    this._rows += count;
    this._setResiduals(first, count, residuals);
    return first;
  }

  /** Quantises and appends a float vector, with its residual code. */
  addVector(vec: Float32Array): number {
    const { q, scale, residual } = quantizeRefined(vec);
    return this.add(q, scale, residual);
  }

  private _checkResiduals(residuals: Uint8Array | null | undefined, count: number): void {
    if (residuals && residuals.length !== count * this._residualStride) {
      throw new Error(`Passage: ${count} rows need ${count * this._residualStride} residual bytes, got ${residuals.length}`);
    }
  }

  /** Stores (or, without `residuals`, clears) the residual codes of rows `first … first+count-1`. */
  private _setResiduals(first: number, count: number, residuals: Uint8Array | null | undefined): void {
    if (!residuals) {
      this._refined?.fill(0, first, first + count);
      return;
    }
    if (!this._residuals || !this._refined) {
      this._residuals = new Uint8Array(this.capacity * this._residualStride);
      this._refined = new Uint8Array(this.capacity);
    }
    this._residuals.set(residuals, first * this._residualStride);
    this._refined.fill(1, first, first + count);
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
    const dims = this.dims;
    const stride = this._stride;
    let next = 0;
    for (let row = 0; row < this._rows; row++) {
      if (!this._alive[row]) continue;
      if (row !== next) {
        this._codes.copyWithin(next * dims, row * dims, (row + 1) * dims);
        this._signs.copyWithin(next * stride, row * stride, (row + 1) * stride);
        this._scales[next] = this._scales[row]!;
        this._alive[next] = 1;
        if (this._residuals && this._refined) {
          const rs = this._residualStride;
          this._residuals.copyWithin(next * rs, row * rs, (row + 1) * rs);
          this._refined[next] = this._refined[row]!;
        }
      }
      remap[row] = next++;
    }
    this._alive.fill(0, next, this._rows);
    this._refined?.fill(0, next, this._rows);
    this._rows = next;
    this._removed = 0;
    return remap;
  }

  /** The stored vector, dequantised (with its residual code when it has one). */
  vector(row: number): Float32Array {
    const out = new Float32Array(this.dims);
    const scale = this._scales[row]!;
    const offset = row * this.dims;
    for (let d = 0; d < this.dims; d++) out[d] = this._codes[offset + d]! * scale;
    if (this.isRefined(row)) {
      for (let d = 0; d < this.dims; d++) out[d]! += residualAt(this._residuals!, row * this._residualStride, d) * scale;
    }
    return out;
  }

  /**
   * Top `k` live rows by dot product with `query` (cosine for normalised vectors), best first: the sign-code
   * pass picks `pool` candidates (default `poolSize(k, size)`; the benchmark varies it), which are re-scored exactly.
   * An index no bigger than the pool is scored exactly throughout. With `within`, only its rows (live ones, as
   * `SearchIndex.rowFilter` builds it) are considered, and the pool is sized for them: a subset no bigger than
   * the pool is scored exactly, a larger one is scanned through its mask.
   */
  search(query: Float32Array, k: number, pool?: number, within?: RowFilter): Hit[] {
    this._checkQuery(query);
    const live = within ? within.rows.length : this.size;
    if (k <= 0 || live === 0) return [];
    pool = Math.max(pool ?? poolSize(k, live), k);
    if (live <= pool) return within ? this._rescore(query, within.rows, k) : this.searchExact(query, k);
    const mask = within ? within.mask : this._alive;
    const rows = Math.min(this._rows, mask.length);
    const candidates = signPool(this._signs, this._stride, mask, rows, signTables(query, this._stride), pool, this._scratch);
    return this._rescore(query, candidates, k);
  }

  /**
   * The previous search path, kept as the benchmark's baseline: integer dot products over every row, the best
   * `candidateCount(k)` re-scored exactly. Reads all `dims` bytes of every row (384 MB per query at 1M rows).
   */
  searchInt8Scan(query: Float32Array, k: number): Hit[] {
    this._checkQuery(query);
    if (k <= 0 || this.size === 0) return [];
    // Int32Array: V8 multiplies int32 × int32 faster than it sign-extends two Int8Array reads.
    const q = Int32Array.from(quantize(query).q);
    const top = new TopK(Math.min(candidateCount(k), this.size));
    for (let row = 0, offset = 0; row < this._rows; row++, offset += this.dims) {
      if (!this._alive[row]) continue;
      // The query's own scale is the same for every row, so it can be left out of the comparison.
      const score = this._int8Dot(offset, q) * this._scales[row]!;
      if (score > top.threshold) top.push(row, score);
    }
    return this._rescore(query, top.sorted(), k, false);
  }

  /** Exact (float query × dequantised int8 row) scores for the given rows; removed rows score −Infinity. */
  scoreRows(query: Float32Array, rows: readonly number[]): Float32Array {
    this._checkQuery(query);
    const scores = new Float32Array(rows.length);
    rows.forEach((row, i) => {
      scores[i] = this.isAlive(row) ? this._exactScore(query, row) : -Infinity;
    });
    return scores;
  }

  /**
   * Float brute force over the dequantised rows: what search returns when the index is no bigger than its pool,
   * and the reference the coarse pass is tested against. The k rows are chosen by residual-refined score, and
   * returned with their int8 scores, like `search`.
   */
  searchExact(query: Float32Array, k: number): Hit[] {
    this._checkQuery(query);
    const refine = this._refining && this._refined !== null;
    const top = new TopK(Math.min(k, this.size));
    for (let row = 0; row < this._rows; row++) {
      if (!this._alive[row]) continue;
      const score = this._exactScore(query, row);
      top.push(row, refine ? this._refinedScore(query, row, score) : score);
    }
    if (!refine) return top.sorted();
    return this._withInt8Scores(query, top.sorted());
  }

  /** Same as `search` without the residual step (int8 re-scoring only): the benchmark's previous path. */
  searchInt8(query: Float32Array, k: number, pool?: number): Hit[] {
    this._refining = false;
    try {
      return this.search(query, k, pool);
    } finally {
      this._refining = true;
    }
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

  /**
   * The best `k` of `candidates` (hits or bare rows): the best `refineCount(k)` by int8 score, of which the best
   * `k` by residual-refined score (rows without a residual code keep their int8 score) are returned, ranked and
   * scored by int8 score. Residual codes settle which near-ties make the cut (recall@k); the scores fusion and
   * relevance see, and their order, stay the int8 ones they were tuned on (`npm run eval` lost a question when the
   * refined scores ranked too — as it did with exact float scores: docs/BENCHMARKS.md).
   */
  private _rescore(query: Float32Array, candidates: readonly Hit[] | Int32Array, k: number, refining = this._refining): Hit[] {
    const refine = refining && this._refined !== null;
    const top = new TopK(Math.min(refine ? refineCount(k) : k, candidates.length));
    for (const candidate of candidates) {
      const row = typeof candidate === 'number' ? candidate : candidate.row;
      const score = this._exactScore(query, row);
      if (score > top.threshold) top.push(row, score);
    }
    if (!refine) return top.sorted();
    const finalists = top.sorted();
    const int8 = new Map(finalists.map((hit) => [hit.row, hit.score]));
    for (const hit of finalists) hit.score = this._refinedScore(query, hit.row, hit.score);
    const chosen = finalists.sort(compareHits).slice(0, k);
    for (const hit of chosen) hit.score = int8.get(hit.row)!;
    return chosen.sort(compareHits);
  }

  /** `hits` with their int8 scores, in int8 order (what `search` reports). */
  private _withInt8Scores(query: Float32Array, hits: Hit[]): Hit[] {
    for (const hit of hits) hit.score = this._exactScore(query, hit.row);
    return hits.sort(compareHits);
  }

  /** `int8Score` (the row's int8 score) plus its residual's share, when the row has a residual code. */
  private _refinedScore(query: Float32Array, row: number, int8Score: number): number {
    if (!this._refined || this._refined[row] !== 1) return int8Score;
    return int8Score + residualDot(query, this._residuals!, row * this._residualStride) * this._scales[row]!;
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

  /** Moves the arrays into ones of `capacity` rows (one copy each). */
  private _resize(capacity: number): void {
    const codes = new Int8Array(capacity * this.dims);
    codes.set(this._codes.subarray(0, this._rows * this.dims));
    const signs = new Uint8Array(capacity * this._stride);
    signs.set(this._signs.subarray(0, this._rows * this._stride));
    const scales = new Float32Array(capacity);
    scales.set(this._scales.subarray(0, this._rows));
    const alive = new Uint8Array(capacity);
    alive.set(this._alive.subarray(0, this._rows));
    this._codes = codes;
    this._signs = signs;
    this._scales = scales;
    this._alive = alive;
    if (this._residuals && this._refined) {
      const residuals = new Uint8Array(capacity * this._residualStride);
      residuals.set(this._residuals.subarray(0, this._rows * this._residualStride));
      const refined = new Uint8Array(capacity);
      refined.set(this._refined.subarray(0, this._rows));
      this._residuals = residuals;
      this._refined = refined;
    }
  }
}
