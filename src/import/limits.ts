/**
 * What Passage agrees to read, in one place (documented in README "Limits"). Every refusal names the file and
 * says which limit it hit, so a person knows what to do.
 */
import { formatBytes } from '../core/byte-size.ts';
import { ImportError, quoted } from './errors.ts';

const MB = 1024 * 1024;

/** Any file larger than this is refused before it is read (the text of a 50 MB file already takes hours to embed). */
export const MAX_FILE_BYTES = 50 * MB;

/**
 * A .docx's parts (all but its pictures) may unpack to at most this much XML. Word's XML is 5–10× the text it
 * holds, so this is several MB of text — hundreds of pages; mammoth's parse needs ~10× the XML in memory
 * (the 524 MB zip bomb of issue 11 grew a tab to 5.9 GB).
 */
export const MAX_DOCX_UNPACKED_BYTES = 64 * MB;

/** More parts than any Word document has: a zip with more entries is refused before its entries are read. */
export const MAX_DOCX_ENTRIES = 5_000;

/** A PDF with more pages is refused (each page is a round trip to pdf.js's worker). */
export const MAX_PDF_PAGES = 5_000;

/** Extracted text (PDF, Word, HTML) longer than this is refused: the same bound a .txt meets through its size. */
export const MAX_TEXT_CHARS = 50 * MB;

/** 1536 → "1.5 KB", binary multiples like file managers. */
export function sizeLabel(bytes: number): string {
  // Under 1 KB in words ("1 byte", "300 bytes"), the rest as the library list shows sizes.
  return bytes < 1024 ? `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}` : formatBytes(bytes);
}

/** Refuses a document whose extracted text (so far) is longer than MAX_TEXT_CHARS, naming the file. */
export function refuseLongText(name: string, length: number): void {
  if (length > MAX_TEXT_CHARS) {
    throw new ImportError(`${quoted(name)} holds more than ${sizeLabel(MAX_TEXT_CHARS)} of text; split it into smaller documents.`);
  }
}
