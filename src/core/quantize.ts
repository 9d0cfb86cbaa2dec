/**
 * Int8 quantisation of one float vector: symmetric, with the vector's own scale (maxabs / 127), and optionally
 * the 2-bit residual code of what rounding lost (core/residual-codes.ts). What the vector index stores per row.
 */
import { packResidual, residualStride } from './residual-codes.ts';

export interface Quantized {
  q: Int8Array;
  scale: number;
}

export function quantize(vec: Float32Array): Quantized {
  let maxAbs = 0;
  for (const x of vec) maxAbs = Math.max(maxAbs, Math.abs(x));
  if (maxAbs === 0) return { q: new Int8Array(vec.length), scale: 0 };
  const scale = maxAbs / 127;
  return { q: Int8Array.from(vec, (x) => Math.round(x / scale)), scale };
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
