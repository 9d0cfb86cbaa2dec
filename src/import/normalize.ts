/**
 * Plain-text clean-up shared by every importer. Pure: no DOM, no Node, so it is unit-tested in Node.
 */

/**
 * Line endings to `\n`, no control characters (except tab and newline), no trailing spaces, at most one
 * blank line in a row, no leading/trailing blank lines. Paragraph breaks (blank lines) are kept because the
 * splitter uses them.
 */
export function normalizeText(text: string): string {
  return (
    text
      .replace(/^\uFEFF/, '')
      .replace(/\r\n?/g, '\n')
      .replace(/[\u2028\u2029]/g, '\n')
      // C0/C1 controls except \t and \n, and zero-width characters that break word matching.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '')
      .replace(/\u200B|\u200C|\u200D|\u2060|\uFEFF/g, '')
      .replace(/\u00A0/g, ' ')
      .replace(/[ \t]+\n/g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

/** True when the text has at least one letter or digit in any script. */
export function hasReadableText(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/**
 * Decodes file bytes as UTF-8 (BOM-aware). Bytes that are not valid UTF-8 are read as Windows-1252, the usual
 * encoding of older Western text files, rather than being turned into replacement characters.
 */
export function decodeText(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}
