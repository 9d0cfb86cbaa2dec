/** Character spans over an original text, and the blank-line paragraph finder shared by splitting and sentences. */
export interface Span {
  start: number;
  end: number;
}

// JS `\s` already covers Unicode spaces (NBSP, U+2000–U+200A, U+3000, BOM) and line separators; the zero-width
// space is not whitespace to JS but is invisible padding in pasted text, so it trims too.
const SPACE = /[\s\u200b]/u;

export function isSpace(char: string): boolean {
  return SPACE.test(char);
}

/** Narrows `span` so it neither starts nor ends with whitespace; an all-space span becomes empty (start === end). */
export function trimSpan(text: string, span: Span): Span {
  let { start, end } = span;
  while (start < end && isSpace(text[start]!)) start++;
  while (end > start && isSpace(text[end - 1]!)) end--;
  return { start, end };
}

// A paragraph break is two or more line breaks with only horizontal space between them (any of CRLF, CR, LF,
// NEL, U+2028), or one U+2029 paragraph separator, or a form feed (a page break in extracted text).
const LINE_BREAK = String.raw`(?:\r\n|[\r\n\u0085\u2028])`;
const HORIZONTAL_SPACE = String.raw`[^\S\r\n\u0085\u2028\u2029\f]*`;
const PARAGRAPH_BREAK = new RegExp(`${LINE_BREAK}(?:${HORIZONTAL_SPACE}${LINE_BREAK})+|[\\u2029\\f]`, 'gu');

/** Trimmed, non-empty paragraphs of `text` (in `[from, to)`), separated by blank lines. */
export function findParagraphs(text: string, from = 0, to = text.length): Span[] {
  const paragraphs: Span[] = [];
  const pushTrimmed = (start: number, end: number) => {
    const span = trimSpan(text, { start, end });
    if (span.end > span.start) paragraphs.push(span);
  };
  const breaks = new RegExp(PARAGRAPH_BREAK.source, 'gu');
  breaks.lastIndex = from;
  let start = from;
  for (let match = breaks.exec(text); match && match.index < to; match = breaks.exec(text)) {
    pushTrimmed(start, Math.min(match.index, to));
    start = match.index + match[0].length;
  }
  if (start < to) pushTrimmed(start, to);
  return paragraphs;
}

const LINE = /[^\r\n\u0085\u2028\u2029\f]+/gu;

/** Trimmed, non-empty lines inside `[from, to)`. */
export function findLines(text: string, from: number, to: number): Span[] {
  const lines: Span[] = [];
  const pattern = new RegExp(LINE.source, 'gu');
  pattern.lastIndex = from;
  for (let match = pattern.exec(text); match && match.index < to; match = pattern.exec(text)) {
    const span = trimSpan(text, { start: match.index, end: Math.min(match.index + match[0].length, to) });
    if (span.end > span.start) lines.push(span);
  }
  return lines;
}
