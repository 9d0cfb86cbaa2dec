/**
 * The saved form of a Bm25Index: one Uint8Array (cheap to structured-clone into IndexedDB) holding a 64-byte
 * header and the index's typed arrays back to back, each 8-byte aligned so loading wraps them in views instead
 * of parsing anything. Little-endian, like every platform a browser runs on; a big-endian host is refused.
 *
 * Header (byte offset: field): 0 magic "PB25", 4 format version (u32), 8 row limit, 12 documents, 16 removed rows
 * awaiting a rebuild, 20 terms, 24 term characters, 28 hash slots, 32 posting bytes (all u32), 40 total length
 * (f64). Then: term characters (u16), term starts (u32 × terms + 1), hash slots (i32), stored postings per term
 * (u32), posting offsets (u32 × terms + 1), last row per term (i32), length per row (i32), postings (u8).
 */
export const BM25_SNAPSHOT_VERSION = 1;

const MAGIC = [0x50, 0x42, 0x32, 0x35]; // "PB25"
const HEADER_BYTES = 64;

export interface Bm25SnapshotState {
  rowLimit: number;
  documentCount: number;
  removedRows: number;
  totalLength: number;
  termCount: number;
  chars: Uint16Array;
  starts: Uint32Array;
  slots: Int32Array;
  stored: Uint32Array;
  offsets: Uint32Array;
  lastRow: Int32Array;
  lengths: Int32Array;
  postings: Uint8Array;
}

export class Bm25SnapshotError extends Error {
  override name = 'Bm25SnapshotError';
}

const align8 = (n: number) => (n + 7) & ~7;

function littleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function sections(state: Bm25SnapshotState): ArrayBufferView[] {
  return [
    state.chars,
    state.starts,
    state.slots,
    state.stored,
    state.offsets,
    state.lastRow,
    state.lengths,
    state.postings,
  ];
}

export function encodeBm25Snapshot(state: Bm25SnapshotState): Uint8Array {
  if (!littleEndian()) throw new Bm25SnapshotError('Passage: BM25 snapshots need a little-endian platform');
  const parts = sections(state);
  const size = parts.reduce((total, part) => total + align8(part.byteLength), HEADER_BYTES);
  const bytes = new Uint8Array(size);
  const header = new DataView(bytes.buffer);
  MAGIC.forEach((byte, i) => header.setUint8(i, byte));
  header.setUint32(4, BM25_SNAPSHOT_VERSION, true);
  header.setUint32(8, state.rowLimit, true);
  header.setUint32(12, state.documentCount, true);
  header.setUint32(16, state.removedRows, true);
  header.setUint32(20, state.termCount, true);
  header.setUint32(24, state.chars.length, true);
  header.setUint32(28, state.slots.length, true);
  header.setUint32(32, state.postings.length, true);
  header.setFloat64(40, state.totalLength, true);
  let offset = HEADER_BYTES;
  for (const part of parts) {
    bytes.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), offset);
    offset += align8(part.byteLength);
  }
  return bytes;
}

/**
 * Reads a snapshot. The returned arrays are views into `snapshot` (copied first only when it is not 8-byte
 * aligned); the caller must not modify the snapshot afterwards, and must copy any array it will write in place.
 */
export function decodeBm25Snapshot(snapshot: Uint8Array): Bm25SnapshotState {
  if (!(snapshot instanceof Uint8Array)) throw new Bm25SnapshotError('Passage: a BM25 snapshot must be a Uint8Array');
  if (snapshot.byteLength < HEADER_BYTES || MAGIC.some((byte, i) => snapshot[i] !== byte)) {
    throw new Bm25SnapshotError('Passage: not a BM25 index snapshot');
  }
  const header = new DataView(snapshot.buffer, snapshot.byteOffset, HEADER_BYTES);
  const version = header.getUint32(4, true);
  if (version !== BM25_SNAPSHOT_VERSION) {
    throw new Bm25SnapshotError(
      `Passage: BM25 snapshot format version ${version} is not supported (this build reads version ${BM25_SNAPSHOT_VERSION}); rebuild the index from the passages`,
    );
  }
  if (!littleEndian()) throw new Bm25SnapshotError('Passage: BM25 snapshots need a little-endian platform');
  const bytes = snapshot.byteOffset % 8 === 0 ? snapshot : snapshot.slice();
  const rowLimit = header.getUint32(8, true);
  const termCount = header.getUint32(20, true);
  const charCount = header.getUint32(24, true);
  const slotCount = header.getUint32(28, true);
  const postingBytes = header.getUint32(32, true);
  let offset = bytes.byteOffset + HEADER_BYTES;
  const end = bytes.byteOffset + bytes.byteLength;
  const take = <T>(Type: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number }, length: number): T => {
    const byteLength = length * Type.BYTES_PER_ELEMENT;
    if (offset + byteLength > end) throw new Bm25SnapshotError('Passage: BM25 snapshot is truncated');
    const view = new Type(bytes.buffer, offset, length);
    offset += align8(byteLength);
    return view;
  };
  const state: Bm25SnapshotState = {
    rowLimit,
    documentCount: header.getUint32(12, true),
    removedRows: header.getUint32(16, true),
    totalLength: header.getFloat64(40, true),
    termCount,
    chars: take(Uint16Array, charCount),
    starts: take(Uint32Array, termCount + 1),
    slots: take(Int32Array, slotCount),
    stored: take(Uint32Array, termCount),
    offsets: take(Uint32Array, termCount + 1),
    lastRow: take(Int32Array, termCount),
    lengths: take(Int32Array, rowLimit),
    postings: take(Uint8Array, postingBytes),
  };
  if (state.offsets[termCount] !== postingBytes || state.starts[termCount] !== charCount) {
    throw new Bm25SnapshotError('Passage: BM25 snapshot is corrupt (section sizes disagree)');
  }
  return state;
}
