/**
 * Checks a .docx (a zip) before its parts are unpacked, so a zip bomb is refused in milliseconds instead of
 * freezing and crashing the tab (issue 11: a 1.8 MB .docx whose word/document.xml inflates to 524 MB).
 *
 * Two checks, both with JSZip (mammoth's own zip reader): the central directory's declared sizes before anything
 * is inflated (`checkDocxEntries`, pure), and — because declared sizes can lie — every part mammoth may read is
 * inflated once into a counter that stops as soon as the running total passes the limit (`measureUnpacked`),
 * keeping nothing. Pictures are never unpacked for text extraction, so they are not counted.
 */
import JSZip from 'jszip';
import { MAX_DOCX_ENTRIES, MAX_DOCX_UNPACKED_BYTES } from './limits.ts';

export interface DocxLimits {
  /** Largest total unpacked size of the parts that are read (everything but pictures and embedded objects). */
  unpackedBytes: number;
  entries: number;
}

export const DOCX_LIMITS: DocxLimits = { unpackedBytes: MAX_DOCX_UNPACKED_BYTES, entries: MAX_DOCX_ENTRIES };

export interface ZipEntryInfo {
  name: string;
  /** The unpacked size the zip declares (the central directory's), when JSZip knows it. */
  declaredSize: number | null;
}

export type DocxProblem =
  | { kind: 'too-many-entries'; entries: number }
  | { kind: 'too-large-unpacked'; bytes: number }
  /** The declared sizes were within the limit, the real ones are not (the zip lies about its sizes). */
  | { kind: 'unpacks-beyond-limit' };

/** Parts that text extraction never unpacks (mammoth reads images only when converting to HTML). */
export function isPicture(name: string): boolean {
  return /^word\/(media|embeddings)\//i.test(name);
}

/** The declared sizes against the limits. Pure. */
export function checkDocxEntries(entries: readonly ZipEntryInfo[], limits: DocxLimits = DOCX_LIMITS): DocxProblem | null {
  if (entries.length > limits.entries) return { kind: 'too-many-entries', entries: entries.length };
  let total = 0;
  for (const entry of entries) if (!isPicture(entry.name)) total += entry.declaredSize ?? 0;
  return total > limits.unpackedBytes ? { kind: 'too-large-unpacked', bytes: total } : null;
}

/** JSZip keeps the central directory's sizes on a private `_data`; read defensively (the guard holds without it). */
function declaredSize(file: JSZip.JSZipObject): number | null {
  const data = (file as unknown as { _data?: { uncompressedSize?: unknown } })._data;
  return typeof data?.uncompressedSize === 'number' ? data.uncompressedSize : null;
}

interface ChunkStream {
  on(event: 'data', listener: (chunk: Uint8Array) => void): ChunkStream;
  on(event: 'error', listener: (error: Error) => void): ChunkStream;
  on(event: 'end', listener: () => void): ChunkStream;
  resume(): ChunkStream;
  pause(): ChunkStream;
}

/**
 * Inflates one part into a counter (JSZip's documented `internalStream`): resolves with its real size, or with
 * null as soon as it passes `budget`. Inflation runs in 16 KB input chunks, so at most one chunk's output
 * (≤ 17 MB at DEFLATE's maximum ratio) is produced beyond the budget, and none of it is kept.
 */
function unpackedSize(file: JSZip.JSZipObject, budget: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    let total = 0;
    let stopped = false;
    const stream = (file as unknown as { internalStream(type: 'uint8array'): ChunkStream }).internalStream('uint8array');
    stream
      .on('data', (chunk) => {
        if (stopped) return;
        total += chunk.length;
        if (total > budget) {
          stopped = true;
          stream.pause();
          resolve(null);
        }
      })
      .on('error', (error) => {
        if (!stopped) reject(error);
      })
      .on('end', () => {
        if (!stopped) resolve(total);
      })
      .resume();
  });
}

/**
 * Reads the zip's directory and checks it, then measures what the parts really unpack to. Null when the
 * document is within the limits; throws JSZip's error when the bytes are not a zip at all.
 */
export async function inspectDocx(bytes: Uint8Array, limits: DocxLimits = DOCX_LIMITS): Promise<DocxProblem | null> {
  // loadAsync reads the central directory and local headers only; nothing is inflated here.
  const zip = await JSZip.loadAsync(bytes, { checkCRC32: false });
  const files = Object.values(zip.files).filter((f) => !f.dir);
  const declared = checkDocxEntries(
    files.map((f) => ({ name: f.name, declaredSize: declaredSize(f) })),
    limits,
  );
  if (declared) return declared;
  let left = limits.unpackedBytes;
  for (const file of files) {
    if (isPicture(file.name)) continue;
    const size = await unpackedSize(file, left);
    if (size === null) return { kind: 'unpacks-beyond-limit' };
    left -= size;
  }
  return null;
}
