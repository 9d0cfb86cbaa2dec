/**
 * Turns the positioned text runs pdf.js reports for one page into lines and paragraphs. Pure; unit-tested.
 *
 * PDF has no paragraphs, only glyph runs at coordinates. Runs on the same baseline form a line; a vertical gap
 * clearly larger than the page's usual line spacing starts a new paragraph; lines inside a paragraph are joined
 * with a space (and a word hyphenated across lines is rejoined), because the splitter treats a single newline
 * as nothing special and blank lines as paragraph ends.
 */

/** The fields of pdf.js's `TextItem` that are used here. */
export interface PdfTextRun {
  str: string;
  /** [a, b, c, d, x, y]: the run's text matrix; y grows upwards. */
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

interface Line {
  text: string;
  y: number;
  height: number;
}

function toLines(runs: readonly PdfTextRun[]): Line[] {
  const lines: Line[] = [];
  let text = '';
  let y = Number.NaN;
  let height = 0;
  let endX = Number.NaN;
  const flush = () => {
    if (text.trim()) lines.push({ text: text.replace(/\s+/g, ' ').trim(), y, height });
    text = '';
    y = Number.NaN;
    height = 0;
    endX = Number.NaN;
  };
  for (const run of runs) {
    const runX = run.transform[4] ?? 0;
    const runY = run.transform[5] ?? 0;
    const runHeight = Math.abs(run.height) || Math.abs(run.transform[3] ?? 0) || 1;
    if (!Number.isNaN(y) && run.str && Math.abs(runY - y) > runHeight * 0.5) flush();
    if (run.str) {
      if (Number.isNaN(y)) y = runY;
      // A visible gap between runs on one line is a word space the PDF did not encode as a character.
      if (text && !/\s$/.test(text) && !/^\s/.test(run.str) && runX - endX > runHeight * 0.15) text += ' ';
      text += run.str;
      height = Math.max(height, runHeight);
      endX = runX + run.width;
    }
    if (run.hasEOL) flush();
  }
  flush();
  return lines;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0; // none: 0
}

function joinLines(lines: readonly string[]): string {
  let out = '';
  for (const line of lines) {
    if (!out) out = line;
    else if (/\p{Ll}-$/u.test(out) && /^\p{Ll}/u.test(line)) out = out.slice(0, -1) + line;
    else out += ` ${line}`;
  }
  return out;
}

/** One page's runs → text with paragraphs separated by blank lines. */
export function pageText(runs: readonly PdfTextRun[]): string {
  const [first, ...rest] = toLines(runs);
  if (!first) return '';
  // Each line after the first, with the one above it.
  const pairs: { line: Line; above: Line }[] = [];
  let previous = first;
  for (const line of rest) {
    pairs.push({ line, above: previous });
    previous = line;
  }
  const gaps = pairs.map(({ line, above }) => above.y - line.y).filter((gap) => gap > 0);
  const usual = median(gaps);
  let paragraph = [first.text];
  const paragraphs = [paragraph];
  for (const { line, above } of pairs) {
    const gap = above.y - line.y;
    const height = Math.max(above.height, line.height);
    // Upward jumps (new column) and gaps well beyond the usual spacing end a paragraph.
    const breaks = gap <= 0 || (gap > usual * 1.35 && gap > height * 1.2) || gap > height * 2.2;
    if (breaks) {
      paragraph = [line.text];
      paragraphs.push(paragraph);
    } else paragraph.push(line.text);
  }
  return paragraphs.map(joinLines).join('\n\n');
}
