/**
 * Base64 for int8 vectors. Hand-written rather than `atob`/`btoa`: decoding goes straight into an Int8Array and
 * refuses anything that is not exactly the expected number of bytes, without a binary string in between
 * (`Uint8Array.fromBase64` would do, but Node 20 lacks it).
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Character code → 6-bit value, or -1 for characters outside the alphabet. */
const VALUES = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;
const PAD = 61; // '='

/** Characters of the padded base64 of `bytes` bytes (512 for 384). */
export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

export function encodeInt8(q: Int8Array): string {
  const bytes = new Uint8Array(q.buffer, q.byteOffset, q.byteLength);
  const out = new Uint8Array(base64Length(bytes.length));
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out[o++] = ALPHABET.charCodeAt(n >> 18);
    out[o++] = ALPHABET.charCodeAt((n >> 12) & 63);
    out[o++] = ALPHABET.charCodeAt((n >> 6) & 63);
    out[o++] = ALPHABET.charCodeAt(n & 63);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = ((bytes[i] ?? 0) << 16) | (rest === 2 ? (bytes[i + 1] ?? 0) << 8 : 0);
    out[o++] = ALPHABET.charCodeAt(n >> 18);
    out[o++] = ALPHABET.charCodeAt((n >> 12) & 63);
    out[o++] = rest === 2 ? ALPHABET.charCodeAt((n >> 6) & 63) : PAD;
    out[o] = PAD;
  }
  // ASCII codes → string in one call (512 arguments for 384 dims, far below the engines' argument limits).
  return String.fromCharCode.apply(null, out as unknown as number[]);
}

/** The bytes of `text`, or null unless it is padded base64 of exactly `bytes` bytes. */
export function decodeInt8(text: string, bytes: number): Int8Array | null {
  if (text.length !== base64Length(bytes)) return null;
  const q = new Int8Array(bytes);
  const padding = (3 - (bytes % 3)) % 3;
  for (let c = 0, o = 0; c < text.length; c += 4) {
    const last = c + 4 === text.length;
    const a = value(text, c);
    const b = value(text, c + 1);
    const x = last && padding === 2 ? (text.charCodeAt(c + 2) === PAD ? 0 : -1) : value(text, c + 2);
    const y = last && padding >= 1 ? (text.charCodeAt(c + 3) === PAD ? 0 : -1) : value(text, c + 3);
    if ((a | b | x | y) < 0) return null;
    const n = (a << 18) | (b << 12) | (x << 6) | y;
    q[o++] = n >> 16; // Int8Array stores the low 8 bits, signed
    if (o < bytes) q[o++] = n >> 8;
    if (o < bytes) q[o++] = n;
  }
  return q;
}

function value(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? (VALUES[code] ?? -1) : -1; // VALUES covers all of 0..127: the default is never used
}
