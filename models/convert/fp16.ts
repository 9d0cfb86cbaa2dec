// IEEE 754 half precision → float32. Node 20 has no Float16Array, so decode through a
// 65,536-entry table (256 KB, built once): exact for every half value, including
// subnormals, ±0, ±Infinity and NaN.

let table: Float32Array | undefined;

/** Float32 value of one binary16 bit pattern, by arithmetic (used to build the table). */
export function halfBitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero or subnormal
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function halfTable(): Float32Array {
  if (!table) {
    table = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits++) table[bits] = halfBitsToNumber(bits);
  }
  return table;
}

/** Decode little-endian binary16 values to float32. */
export function decodeFloat16(halves: Uint16Array): Float32Array {
  const lut = halfTable();
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) out[i] = lut[halves[i]!]!;
  return out;
}
