/**
 * The coarse pass of dense search without a heap: the `pool` best live rows by sign-code score (sign-codes.ts),
 * ties to the lower row — exactly the set a TopK(pool) over `scanSigns` keeps — found by writing every row's
 * score into a reused Int32Array, counting scores in a histogram, and keeping the rows above the bin where the
 * pool fills (sorting only that bin). Profiled in the library worker at 100k rows, the heap's compares
 * (TopK._less) and sorting its 2,000 hits cost a third of the coarse pass; the scan also reads each row's sign
 * bits as 32-bit words (12 reads a row at 384 dims instead of 48).
 */

/** Histogram bins: the boundary bin holds ~rows/BINS rows, sorted exactly. */
const BINS = 4096;
/** Little-endian platforms (every engine Passage runs on): byte j of a 32-bit word is bits 8j…8j+7. */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Per-index buffers reused by every query (scores of all rows, the histogram). */
export interface PoolScratch {
  scores: Int32Array;
  counts: Int32Array;
}

export function createPoolScratch(): PoolScratch {
  return { scores: new Int32Array(0), counts: new Int32Array(BINS) };
}

/**
 * Rows (ascending) of the `pool` best rows in `[0, rows)` whose `alive` byte is set, by sign-code score against
 * the query's `tables` (`signTables`); all of them when there are no more than `pool`.
 */
export function signPool(
  signs: Uint8Array,
  stride: number,
  alive: Uint8Array,
  rows: number,
  tables: Int16Array,
  pool: number,
  scratch: PoolScratch,
): Int32Array {
  if (scratch.scores.length < rows) scratch.scores = new Int32Array(Math.max(rows, scratch.scores.length * 2));
  const scores = scratch.scores;
  const { live, min, max } = scoreRows(signs, stride, alive, rows, tables, scores);
  if (live <= pool) return liveRows(alive, rows, live);

  // Bins of equal width over [min, max]; the best scores are in the highest bins.
  const width = Math.max(1, Math.ceil((max - min + 1) / BINS));
  const counts = scratch.counts.fill(0);
  for (let row = 0; row < rows; row++) if (alive[row] !== 0) counts[((scores[row]! - min) / width) | 0]!++;
  let above = 0;
  let boundary = BINS - 1;
  while (above + counts[boundary]! < pool) above += counts[boundary--]!;
  const lowest = min + boundary * width; // scores ≥ this are in the boundary bin or above
  const highest = lowest + width; // scores ≥ this are above it

  const out = new Int32Array(pool);
  const tied: number[] = [];
  let n = 0;
  for (let row = 0; row < rows; row++) {
    if (alive[row] === 0) continue;
    const score = scores[row]!;
    if (score >= highest) out[n++] = row;
    else if (score >= lowest) tied.push(row);
  }
  // The boundary bin: best scores first, lower rows first among equals (TopK's order).
  tied.sort((a, b) => scores[b]! - scores[a]! || a - b);
  for (let i = 0; n < pool; i++) out[n++] = tied[i]!;
  return out.sort();
}

/** Writes each live row's score; returns how many rows are live and their lowest and highest scores. */
function scoreRows(
  signs: Uint8Array,
  stride: number,
  alive: Uint8Array,
  rows: number,
  tables: Int16Array,
  scores: Int32Array,
): { live: number; min: number; max: number } {
  let live = 0;
  let min = Infinity;
  let max = -Infinity;
  const aligned = LITTLE_ENDIAN && signs.byteOffset % 4 === 0;
  const words = aligned ? new Uint32Array(signs.buffer, signs.byteOffset, signs.length >> 2) : null;
  const wordsPerRow = stride >> 2;
  for (let row = 0, offset = 0; row < rows; row++, offset += stride) {
    if (alive[row] === 0) continue;
    let a = 0;
    let b = 0;
    if (words) {
      for (let j = offset >> 2, end = j + wordsPerRow, t = 0; j < end; j++, t += 1024) {
        const w = words[j]!;
        a += tables[t + (w & 255)]! + tables[t + 512 + ((w >>> 16) & 255)]!;
        b += tables[t + 256 + ((w >>> 8) & 255)]! + tables[t + 768 + (w >>> 24)]!;
      }
    } else {
      for (let j = 0, t = 0; j < stride; j += 4, t += 1024) {
        a += tables[t + signs[offset + j]!]! + tables[t + 512 + signs[offset + j + 2]!]!;
        b += tables[t + 256 + signs[offset + j + 1]!]! + tables[t + 768 + signs[offset + j + 3]!]!;
      }
    }
    const score = a + b;
    scores[row] = score;
    if (score < min) min = score;
    if (score > max) max = score;
    live++;
  }
  return { live, min, max };
}

function liveRows(alive: Uint8Array, rows: number, live: number): Int32Array {
  const out = new Int32Array(live);
  for (let row = 0, n = 0; row < rows; row++) if (alive[row] !== 0) out[n++] = row;
  return out;
}
