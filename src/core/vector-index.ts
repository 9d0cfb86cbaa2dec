/**
 * Dense search over the stored rows (core/vector-rows.ts). Search scores every live row by its sign code against
 * the float query (core/sign-codes.ts: dims/8 table reads per row instead of dims multiply-adds), keeps a pool of
 * the best, re-scores the pool exactly (float query × dequantised int8 row), and picks the k of the best
 * `refineCount(k)` with each row's 2-bit residual code when it has one (core/residual-codes.ts), which settles
 * the near-ties at the cut that int8 rounding gets wrong.
 */
import { quantize } from './quantize.ts';
import { residualDot } from './residual-codes.ts';
import type { RowFilter } from './row-filter.ts';
import { signTables } from './sign-codes.ts';
import { createPoolScratch, signPool } from './sign-pool.ts';
import { compareHits, TopK, type Hit } from './top-k.ts';
import { VectorRows } from './vector-rows.ts';

export type { Hit } from './top-k.ts';

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

export class VectorIndex extends VectorRows {
  /** False only inside `searchInt8` (the benchmark's comparison). */
  private _refining = true;
  /** Buffers of the coarse pass, reused by every search (sign-pool.ts). */
  private readonly _scratch = createPoolScratch();

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
      // `!`: row < rowCount, and a check per row would slow the scan.
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
    // Hot loop (every row of the scan): indices are in range by construction, so `!` instead of checks.
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
    const finalists = top
      .sorted()
      .map(({ row, score }) => ({ row, score: this._refinedScore(query, row, score), int8: score }));
    const chosen = finalists.sort(compareHits).slice(0, k);
    return chosen.map(({ row, int8 }) => ({ row, score: int8 })).sort(compareHits);
  }

  /** `hits` with their int8 scores, in int8 order (what `search` reports). */
  private _withInt8Scores(query: Float32Array, hits: Hit[]): Hit[] {
    for (const hit of hits) hit.score = this._exactScore(query, hit.row);
    return hits.sort(compareHits);
  }

  /** `int8Score` (the row's int8 score) plus its residual's share, when the row has a residual code. */
  private _refinedScore(query: Float32Array, row: number, int8Score: number): number {
    const residuals = this._residuals;
    if (!residuals || !this._refined || this._refined[row] !== 1) return int8Score;
    // `!`: row < rowCount here; a real check per scored row would cost in searchExact's loop.
    return int8Score + residualDot(query, residuals, row * this._residualStride) * this._scales[row]!;
  }

  private _exactScore(query: Float32Array, row: number): number {
    const offset = row * this.dims;
    let dot = 0;
    // Hot loop (every re-scored row): indices are in range by construction, so `!` instead of checks.
    for (let d = 0; d < this.dims; d++) dot += this._codes[offset + d]! * query[d]!;
    return dot * this._scales[row]!;
  }

  private _checkQuery(query: Float32Array): void {
    if (query.length !== this.dims) {
      throw new Error(`Passage: query has ${query.length} dimensions, index has ${this.dims}`);
    }
  }
}
