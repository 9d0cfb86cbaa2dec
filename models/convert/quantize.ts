// int8 weight quantization. Weights are symmetric int8 (zero point 0, range ±127); activations
// are quantized at run time by DynamicQuantizeLinear (uint8 with a zero point), so a Linear
// layer becomes DynamicQuantizeLinear → MatMulInteger → Cast → Mul(scales) → Add(bias),
// the pattern both onnxruntime-node and onnxruntime-web run.

export type Granularity = 'per-tensor' | 'per-column';

export interface QuantizedMatrix {
  values: Int8Array;
  /** One scale (per-tensor) or one per column (per-column); real ≈ value × scale. */
  scales: Float32Array;
}

function symmetricScale(maxAbs: number): number {
  return maxAbs > 0 ? maxAbs / 127 : 1; // an all-zero column gets scale 1 and values 0
}

/** Round half away from zero, then clamp to ±127: deterministic on every platform. */
function toInt8(x: number): number {
  const r = Math.sign(x) * Math.round(Math.abs(x));
  return Math.max(-127, Math.min(127, r));
}

/** Quantize a row-major [rows, cols] matrix (MatMul layout [in, out]: columns are output channels). */
export function quantizeMatrix(w: Float32Array, rows: number, cols: number, granularity: Granularity): QuantizedMatrix {
  const scales = new Float32Array(granularity === 'per-tensor' ? 1 : cols);
  if (granularity === 'per-tensor') {
    let maxAbs = 0;
    for (const v of w) maxAbs = Math.max(maxAbs, Math.abs(v));
    scales[0] = symmetricScale(maxAbs);
  } else {
    const maxAbs = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) maxAbs[c] = Math.max(maxAbs[c]!, Math.abs(w[r * cols + c]!));
    }
    for (let c = 0; c < cols; c++) scales[c] = symmetricScale(maxAbs[c]!);
  }
  const values = new Int8Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const scale = scales.length === 1 ? scales[0]! : scales[c]!;
      values[r * cols + c] = toInt8(w[r * cols + c]! / scale);
    }
  }
  return { values, scales };
}

/** Quantize each row with its own scale (for embedding tables: one row per token). */
export function quantizeRows(table: Float32Array, rows: number, cols: number): QuantizedMatrix {
  const values = new Int8Array(rows * cols);
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let maxAbs = 0;
    for (let c = 0; c < cols; c++) maxAbs = Math.max(maxAbs, Math.abs(table[r * cols + c]!));
    const scale = symmetricScale(maxAbs);
    scales[r] = scale;
    for (let c = 0; c < cols; c++) values[r * cols + c] = toInt8(table[r * cols + c]! / scale);
  }
  return { values, scales };
}

/** Float values a quantized matrix stands for (for tests and error measurements). */
export function dequantizeMatrix(q: QuantizedMatrix, rows: number, cols: number, perRow = false): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const scale = q.scales.length === 1 ? q.scales[0]! : perRow ? q.scales[r]! : q.scales[c]!;
      out[r * cols + c] = q.values[r * cols + c]! * scale;
    }
  }
  return out;
}
