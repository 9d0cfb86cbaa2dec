/**
 * 2-bit residual codes: what int8 rounding threw away, kept coarsely so the last few candidates of a dense
 * search can be ranked finer than int8. Each component's residual r = x − c·s lies in [−s/2, s/2] (c the int8
 * code, s the row's scale); its code says which quarter of that interval it fell in, and decoding adds the
 * quarter's centre (±s/8, ±3s/8). That cuts the rounding error of a component from s/√12 to s/(4√12), so the
 * error of a score by ~4×. Four components a byte: dims/4 bytes a row (96 at 384 dims).
 *
 * Why: the misses of int8 re-scoring at 100k–1M rows were near-ties, not ties (float score gaps 6e-5 … 1.3e-3),
 * and scoring every row from its int8 code missed as many, so no larger pool could help; choosing the top 10
 * among the int8 top 20 with these codes brought recall@10 against exact float search from 0.990 / 0.990 / 0.980
 * to 0.995 at 100k / 300k / 1M rows (bench/dense-search.bench.ts, docs/BENCHMARKS.md).
 */

/** Bytes of residual code per row. */
export function residualStride(dims: number): number {
  return Math.ceil(dims / 4);
}

/**
 * Writes the residual code of `vec` against its int8 `codes` (at `codeOffset`) and `scale`: bits 2i…2i+1 of byte
 * j hold component 4j + i's quarter (0 = lowest). `scale` must be the stored (float32) scale.
 */
export function packResidual(
  vec: Float32Array,
  codes: Int8Array,
  codeOffset: number,
  scale: number,
  out: Uint8Array,
  outOffset: number,
): void {
  const dims = vec.length;
  for (let j = 0; j < residualStride(dims); j++) out[outOffset + j] = 0;
  if (scale === 0) return;
  for (let d = 0; d < dims; d++) {
    const residual = vec[d]! - codes[codeOffset + d]! * scale;
    // Quarter of [−s/2, s/2]; clamped because the stored float32 scale can put a residual a hair outside.
    const quarter = Math.min(3, Math.max(0, Math.floor((residual / scale + 0.5) * 4)));
    out[outOffset + (d >> 2)]! |= quarter << ((d & 3) * 2);
  }
}

/** The residual code of one vector, quantised as `codes`/`scale` (see `packResidual`). */
export function residualCode(vec: Float32Array, codes: Int8Array, scale: number): Uint8Array {
  const out = new Uint8Array(residualStride(vec.length));
  packResidual(vec, codes, 0, Math.fround(scale), out, 0);
  return out;
}

/** Decoded residual of quarter 0…3, in units of the row's scale: −3/8, −1/8, 1/8, 3/8. */
const QUARTER_CENTRE = [-0.375, -0.125, 0.125, 0.375] as const;

/** Component `d`'s decoded residual, in units of the row's scale (the row's code starts at `offset`). */
export function residualAt(residuals: Uint8Array, offset: number, d: number): number {
  return QUARTER_CENTRE[(residuals[offset + (d >> 2)]! >> ((d & 3) * 2)) & 3]!;
}

/**
 * Σ_d query_d · (decoded residual_d) / scale for one row: add `scale ×` this to the int8 score (Σ q_d·c_d·s) to
 * score the refined row.
 */
export function residualDot(query: Float32Array, residuals: Uint8Array, offset: number): number {
  const dims = query.length;
  let sum = 0;
  for (let d = 0; d < dims; d++) {
    const quarter = (residuals[offset + (d >> 2)]! >> ((d & 3) * 2)) & 3;
    sum += query[d]! * QUARTER_CENTRE[quarter]!;
  }
  return sum;
}
