/**
 * SHA-256 as lowercase hex, through WebCrypto so the same code runs in the page, the worker and Node ≥ 20.
 * The core compiles without DOM or Node types, so the two globals it needs are typed here, minimally.
 */
interface MinimalSubtle {
  digest(algorithm: 'SHA-256' | 'SHA-1', data: Uint8Array): Promise<ArrayBuffer>;
}
interface MinimalGlobals {
  crypto: { subtle: MinimalSubtle };
  TextEncoder: new () => { encode(text: string): Uint8Array };
}

const runtime = globalThis as unknown as MinimalGlobals;
const encoder = new runtime.TextEncoder();
/** Two hex digits per byte value: a 100k-passage library-file import hashes every passage, and building each digit
 * pair with toString + padStart was ~4 s of its library-worker profile (docs/BENCHMARKS.md, import). */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  const digest = new Uint8Array(await runtime.crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of digest) hex += HEX[byte] ?? ''; // HEX has all 256 bytes; the default is never used
  return hex;
}

/**
 * The id git gives a file's content (sha-1 of "blob <size>\0" + bytes): what the Hugging Face hub lists as `oid`
 * for files kept in git rather than LFS (configs, tokenizers), so they can be checked after download too.
 */
export async function gitBlobSha1Hex(bytes: Uint8Array): Promise<string> {
  const header = new runtime.TextEncoder().encode(`blob ${bytes.byteLength}\0`);
  const whole = new Uint8Array(header.byteLength + bytes.byteLength);
  whole.set(header);
  whole.set(bytes, header.byteLength);
  const digest = new Uint8Array(await runtime.crypto.subtle.digest('SHA-1', whole));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
