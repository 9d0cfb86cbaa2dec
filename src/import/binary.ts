/**
 * Is a file that claims to be text (.txt, .md, .html) really text? Pure; unit-tested.
 *
 * Random bytes named .txt used to import as hundreds of passages of mojibake (issue 11). Text never holds NUL
 * bytes (unless it is UTF-16, which starts with a byte-order mark), and decoded text has almost no control
 * characters; binary data decoded as Windows-1252 has ~13 % of them. Three windows (start, middle, end) are
 * read, so the check costs the same for any file size.
 */

const WINDOW = 32 * 1024;
/** Share of control or replacement characters above which decoded "text" is binary data. Text files have ~0. */
const MAX_SUSPICIOUS_SHARE = 0.05;

function windows(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length <= 3 * WINDOW) return [bytes];
  const middle = Math.floor(bytes.length / 2 - WINDOW / 2);
  return [bytes.subarray(0, WINDOW), bytes.subarray(middle, middle + WINDOW), bytes.subarray(bytes.length - WINDOW)];
}

/** A window's text as the importer would decode it: UTF-8 if it is valid (a cut sequence at either end is fine). */
function decodeWindow(bytes: Uint8Array, utf16: 'utf-16le' | 'utf-16be' | null): string {
  if (utf16) return new TextDecoder(utf16).decode(bytes);
  let start = 0;
  while (start < 3 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start++; // mid-character (past the end: 0, not one)
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start), { stream: true });
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** Control characters other than tab, line feed, carriage return and form feed; C1 controls; U+FFFD. */
function suspiciousShare(text: string): number {
  if (text.length === 0) return 0;
  let suspicious = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || (c >= 0x7f && c <= 0x9f) || c === 0xfffd) {
      suspicious++;
    }
  }
  return suspicious / text.length;
}

/** True when bytes that claim to be text are binary data (an image, an archive, random bytes…). */
export function looksBinary(bytes: Uint8Array): boolean {
  const utf16 =
    bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : null;
  for (const window of windows(bytes)) {
    if (!utf16 && window.includes(0)) return true;
    if (suspiciousShare(decodeWindow(window, utf16)) > MAX_SUSPICIOUS_SHARE) return true;
  }
  return false;
}
