/**
 * Compact stored form of a passage's sentence vectors, enough to pick the sentence to highlight (core/highlight.ts)
 * without any model call at query time.
 *
 * The choice only compares a passage's sentences with each other, so what is stored is each sentence's difference
 * from the passage's mean sentence vector (the part that tells sentences apart; the shared part adds the same to
 * every score), as one sign bit per dimension plus one scale per sentence. The query stays float and is scored
 * against the signs (asymmetric), which estimates each sentence's cosine minus a constant shared by the passage, so
 * the word-overlap tie-break keeps its meaning.
 *
 * Chosen by measurement (bench/highlight.bench.ts, 200 passages of the eval sets, ~7 sentences each, 384 top-5
 * hits with 2+ sentences): these codes pick the same sentence as float late-chunked vectors for 92% of hits at
 * ~342 bytes per passage; centred 2-bit codes 95% (~690 B), centred int4 98% (~1.35 KB), int8 100% (~2.7 KB);
 * uncentred sign bits 86%; sign bits of random ±1 projections of the centred vectors (384/256/128 bits) 84/82/70%;
 * words alone 71%.
 *
 * Byte layout (little-endian), `n` sentences, `b = ceil(dims / 8)` bytes per sentence:
 *   0      uint8    format version (1)
 *   1      uint8    b
 *   2–3    uint16   n
 *   4–7    float32  maxScale (absent when n ≤ 1: one sentence needs no choosing)
 *   8…     uint8×n  scale_i = maxScale × byte / 255
 *   …      n × b    sign bits of sentence i's difference from the mean: dimension d is bit d & 7 of byte d >> 3
 *                   (1 = positive)
 * Size: 4 bytes for a passage of one sentence (or none), else 8 + n × (1 + b); 8 + 49·n for 384 dimensions.
 */

export const SENTENCE_CODE_VERSION = 1;
const HEADER_BYTES = 4;

/**
 * @param rows row-major `n × dims` sentence vectors of one passage (L2-normalised, as the engine returns them).
 */
export function encodeSentenceVectors(rows: Float32Array, dims: number): Uint8Array {
  if (dims <= 0 || dims > 2040 || rows.length % dims !== 0) throw new Error(`Passage: ${rows.length} numbers are not rows of ${dims}`);
  const n = rows.length / dims;
  if (n > 0xffff) throw new Error(`Passage: ${n} sentences are too many to encode`);
  const codeBytes = Math.ceil(dims / 8);
  if (n <= 1) return header(codeBytes, n, HEADER_BYTES);

  const mean = new Float64Array(dims);
  for (let i = 0; i < n; i++) for (let d = 0; d < dims; d++) mean[d]! += rows[i * dims + d]! / n;
  const out = header(codeBytes, n, HEADER_BYTES + 4 + n * (1 + codeBytes));
  const scales = new Float64Array(n);
  const codesAt = HEADER_BYTES + 4 + n;
  for (let i = 0; i < n; i++) {
    let absSum = 0;
    for (let d = 0; d < dims; d++) {
      const x = rows[i * dims + d]! - mean[d]!;
      absSum += Math.abs(x);
      if (x > 0) out[codesAt + i * codeBytes + (d >> 3)]! |= 1 << (d & 7);
    }
    // The query's component along sign(x) is about sqrt(2/π)·corr and mean|x| about sqrt(2/π)·σ for Gaussian-like
    // components, so (π/2)·mean|x|·(q·sign(x)) estimates q·x (measured: 92–93% agreement with the scale, 92% with one scale for all).
    scales[i] = (Math.PI / 2) * (absSum / dims);
  }
  const maxScale = Math.max(...scales);
  new DataView(out.buffer).setFloat32(HEADER_BYTES, maxScale, true);
  for (let i = 0; i < n; i++) out[HEADER_BYTES + 4 + i] = maxScale > 0 ? Math.round((255 * scales[i]!) / maxScale) : 0;
  return out;
}

/** Sentences in `codes`; null for bytes that are not sentence codes of a known version. */
export function sentenceCodeCount(codes: Uint8Array): number | null {
  if (codes.length < HEADER_BYTES || codes[0] !== SENTENCE_CODE_VERSION) return null;
  const n = codes[2]! | (codes[3]! << 8);
  const expected = n <= 1 ? HEADER_BYTES : HEADER_BYTES + 4 + n * (1 + codes[1]!);
  return codes.length === expected ? n : null;
}

/** True when `codes` hold `sentences` sentences of `dims` dimensions (else highlight by words). */
export function sentenceCodesFit(codes: Uint8Array, sentences: number, dims: number): boolean {
  return sentenceCodeCount(codes) === sentences && (sentences <= 1 || codes[1] === Math.ceil(dims / 8));
}

/**
 * Per sentence, an estimate of `cosine(query, sentence) − c`, with `c` the same for all of the passage's sentences
 * (so differences between sentences are estimated cosine differences). All zeros for a single sentence.
 */
export function scoreSentenceCodes(codes: Uint8Array, queryVector: Float32Array): Float32Array {
  const n = sentenceCodeCount(codes);
  if (n === null) throw new Error('Passage: not sentence codes of a known version');
  const scores = new Float32Array(n);
  if (n <= 1) return scores;
  const dims = queryVector.length;
  const codeBytes = codes[1]!;
  if (codeBytes !== Math.ceil(dims / 8)) throw new Error(`Passage: sentence codes of ${codeBytes * 8} bits for ${dims} dimensions`);
  let queryNorm = 0;
  for (let d = 0; d < dims; d++) queryNorm += queryVector[d]! * queryVector[d]!;
  queryNorm = Math.sqrt(queryNorm) || 1;
  const maxScale = new DataView(codes.buffer, codes.byteOffset, codes.byteLength).getFloat32(HEADER_BYTES, true);
  const codesAt = HEADER_BYTES + 4 + n;
  for (let i = 0; i < n; i++) {
    let dot = 0;
    for (let d = 0; d < dims; d++) {
      const bit = (codes[codesAt + i * codeBytes + (d >> 3)]! >> (d & 7)) & 1;
      dot += bit ? queryVector[d]! : -queryVector[d]!;
    }
    scores[i] = ((maxScale * codes[HEADER_BYTES + 4 + i]!) / 255) * (dot / queryNorm);
  }
  return scores;
}

function header(codeBytes: number, n: number, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out[0] = SENTENCE_CODE_VERSION;
  out[1] = codeBytes;
  out[2] = n & 0xff;
  out[3] = n >> 8;
  return out;
}
