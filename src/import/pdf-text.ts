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
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
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
  const lines = toLines(runs);
  if (lines.length === 0) return '';
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const gap = lines[i - 1].y - lines[i].y;
    if (gap > 0) gaps.push(gap);
  }
  const usual = median(gaps);
  const paragraphs: string[][] = [[lines[0].text]];
  for (let i = 1; i < lines.length; i++) {
    const gap = lines[i - 1].y - lines[i].y;
    const height = Math.max(lines[i - 1].height, lines[i].height);
    // Upward jumps (new column) and gaps well beyond the usual spacing end a paragraph.
    const breaks = gap <= 0 || (gap > usual * 1.35 && gap > height * 1.2) || gap > height * 2.2;
    if (breaks) paragraphs.push([lines[i].text]);
    else paragraphs[paragraphs.length - 1].push(lines[i].text);
  }
  return paragraphs.map(joinLines).join('\n\n');
}
