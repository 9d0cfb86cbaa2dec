/**
 * Splits a document into passages the embedding model can read whole.
 *
 * 1. Paragraphs are runs of text between blank lines (CRLF, CR, LF, U+2028/2029 and Unicode spaces handled).
 * 2. Boilerplate lines are dropped when they sit at the edge of a paragraph (a whole paragraph of them
 *    disappears): lines with no letter at all (rules, page numbers, "* * *", table borders) and lines that
 *    occur three or more times in the document (page headers and footers of extracted PDFs). A boilerplate line
 *    in the middle of a paragraph stays, because a passage is always one contiguous slice of the original.
 * 3. Paragraphs shorter than `minChars` (headings, bylines, datelines, navigation crumbs) are joined to the
 *    next paragraph — a heading introduces what follows, so a run of them joins the first longer paragraph
 *    after it — or, at the end of the document, to the previous one.
 * 4. A paragraph over the token budget is cut at sentence boundaries into windows that repeat the previous
 *    window's last sentence (when it is short) so a fact that straddles a cut is whole in one window; a sentence
 *    that alone exceeds the budget is cut between words.
 *
 * 5. Each passage after the first carries `context`: the previous passage's last sentence and the whitespace
 *    up to this passage. The model reads `context + text`, and the passage's vector is pooled from the passage's
 *    own tokens (core/pooling.ts), so a paragraph that leans on the one before ("The pact, called …") is still
 *    found by what it is about; BM25, highlighting and display use `text` alone. The context is left out when the
 *    two together would not fit the model's input.
 *
 * Every passage satisfies `passage.text === original.slice(passage.start, passage.end)` and
 * `passage.context === original.slice(passage.start - passage.context.length, passage.start)`; joined paragraphs
 * keep the blank lines between them.
 */
import { CONTEXT_TOKEN_WEIGHT } from './pooling.ts';
import { splitSentences } from './sentences.ts';
import { findLines, findParagraphs, type Span } from './text-spans.ts';

export { splitSentences } from './sentences.ts';
export type { Span } from './text-spans.ts';

export interface PassageSpan {
  ordinal: number;
  start: number;
  end: number;
  text: string;
  /** Text just before the passage that the model reads before it (may be empty); see step 5 above. */
  context: string;
}

/**
 * Passages as offsets into their document's text: what crosses between the workers and the page for a document
 * of any size (three typed arrays instead of tens of thousands of objects, each cloned on the main thread).
 */
export interface SpanOffsets {
  starts: Uint32Array;
  ends: Uint32Array;
  /** Where each passage's context begins (= its start when it has none). */
  contextStarts: Uint32Array;
}

export function toOffsets(spans: readonly PassageSpan[]): SpanOffsets {
  return {
    starts: Uint32Array.from(spans, (s) => s.start),
    ends: Uint32Array.from(spans, (s) => s.end),
    contextStarts: Uint32Array.from(spans, (s) => s.start - s.context.length),
  };
}

/** The spans back from their offsets; ordinals are positions. Throws on offsets that don't fit `text`. */
export function fromOffsets(text: string, { starts, ends, contextStarts }: SpanOffsets): PassageSpan[] {
  if (starts.length !== ends.length || starts.length !== contextStarts.length) {
    throw new Error('Passage: passage offsets of different lengths');
  }
  return Array.from(starts, (start, ordinal) => {
    const end = ends[ordinal]!;
    const contextStart = contextStarts[ordinal]!;
    if (!(contextStart <= start && start <= end && end <= text.length)) {
      throw new Error(`Passage: passage ${ordinal} is out of its document's range`);
    }
    return { ordinal, start, end, text: text.slice(start, end), context: text.slice(contextStart, start) };
  });
}

/** What the embedding engine needs to embed a passage. */
export type PassageInput = Pick<PassageSpan, 'context' | 'text'>;

/**
 * The string whose sha-256 keys a passage's vector (its content hash): equal keys, equal vectors. Without context
 * it is the text itself; with context it names the pooling recipe and where the passage starts, so no two
 * different (context, text) pairs share a key, and a change of recipe re-embeds exactly the passages it affects.
 */
export function vectorKey(passage: PassageInput, contextWeight = CONTEXT_TOKEN_WEIGHT): string {
  if (passage.context === '') return passage.text;
  return `context-weight-${contextWeight}\u0000${passage.context.length}\u0000${passage.context}${passage.text}`;
}

/** Word pieces of a text as the model counts them, including [CLS] and [SEP]. */
export type CountTokens = (text: string) => number;

export interface SplitOptions {
  /** The model's input limit in word pieces, special tokens included (256 for MiniLM). */
  maxTokens: number;
  /** Aim for windows of at most this many word pieces when a paragraph must be cut; defaults to `maxTokens`. */
  targetTokens?: number;
  /** Paragraphs shorter than this many characters are joined to a neighbour. */
  minChars?: number;
}

export const MIN_PASSAGE_CHARS = 40;
/**
 * Bump when what splitDocument returns for a text changes (2: passages carry context). Documents split by an
 * older recipe are split again, and so embedded again, when the app starts.
 */
export const SPLIT_RECIPE = 2;
/** A line seen this often in one document is a running header or footer. */
const REPEATED_LINE_COUNT = 3;
const HAS_LETTER = /\p{L}/u;

export function splitDocument(text: string, countTokens: CountTokens, options: SplitOptions): PassageSpan[] {
  const budget = Math.min(options.targetTokens ?? options.maxTokens, options.maxTokens);
  const paragraphs = dropBoilerplate(text, findParagraphs(text));
  const units = joinShortParagraphs(paragraphs, options.minChars ?? MIN_PASSAGE_CHARS);
  const spans = units.flatMap((unit) => fitToBudget(text, unit, countTokens, budget));
  return spans.map((span, ordinal) => ({
    ordinal,
    ...span,
    text: text.slice(span.start, span.end),
    context: ordinal === 0 ? '' : contextBefore(text, span, spans[ordinal - 1]!, countTokens, options.maxTokens),
  }));
}

/**
 * The previous passage's last sentence through to `span`. Empty when that sentence already opens `span` (the
 * overlap of a cut paragraph) or when context and passage together exceed the model's input.
 */
function contextBefore(text: string, span: Span, previous: Span, countTokens: CountTokens, maxTokens: number): string {
  const sentences = sentencesOf(text, previous);
  const from = Math.min(sentences[sentences.length - 1]?.start ?? span.start, span.start);
  if (from === span.start || countTokens(text.slice(from, span.end)) > maxTokens) return '';
  return text.slice(from, span.start);
}

function dropBoilerplate(text: string, paragraphs: Span[]): Span[] {
  const linesPerParagraph = paragraphs.map((p) => findLines(text, p.start, p.end));
  const occurrences = new Map<string, number>();
  for (const lines of linesPerParagraph) {
    for (const line of lines) {
      const key = lineKey(text, line);
      occurrences.set(key, (occurrences.get(key) ?? 0) + 1);
    }
  }
  const isBoilerplate = (line: Span) => {
    const content = text.slice(line.start, line.end);
    return !HAS_LETTER.test(content) || (occurrences.get(lineKey(text, line)) ?? 0) >= REPEATED_LINE_COUNT;
  };
  const kept: Span[] = [];
  for (const lines of linesPerParagraph) {
    let first = 0;
    let last = lines.length - 1;
    while (first <= last && isBoilerplate(lines[first]!)) first++;
    while (last >= first && isBoilerplate(lines[last]!)) last--;
    if (first <= last) kept.push({ start: lines[first]!.start, end: lines[last]!.end });
  }
  return kept;
}

function lineKey(text: string, line: Span): string {
  return text.slice(line.start, line.end).toLowerCase().replace(/\s+/gu, ' ');
}

function joinShortParagraphs(paragraphs: Span[], minChars: number): Span[] {
  const units: Span[] = [];
  let pendingStart: number | null = null;
  for (const paragraph of paragraphs) {
    const start: number = pendingStart ?? paragraph.start;
    if (paragraph.end - paragraph.start < minChars) {
      pendingStart = start;
      continue;
    }
    units.push({ start, end: paragraph.end });
    pendingStart = null;
  }
  if (pendingStart !== null) {
    const last = units.pop();
    const end = paragraphs[paragraphs.length - 1]!.end;
    units.push({ start: last ? last.start : pendingStart, end });
  }
  return units;
}

interface Piece extends Span {
  tokens: number;
  /** Cut between words: too long to be worth repeating as overlap. */
  partial: boolean;
}

function fitToBudget(text: string, unit: Span, countTokens: CountTokens, budget: number): Span[] {
  if (countTokens(text.slice(unit.start, unit.end)) <= budget) return [unit];
  const overhead = countTokens(''); // [CLS] and [SEP]
  const pieces: Piece[] = [];
  for (const sentence of sentencesOf(text, unit)) {
    const tokens = countTokens(text.slice(sentence.start, sentence.end)) - overhead;
    if (tokens + overhead <= budget) pieces.push({ ...sentence, tokens, partial: false });
    else pieces.push(...cutBetweenWords(text, sentence, countTokens, budget - overhead, overhead));
  }
  return packWindows(text, pieces, countTokens, budget, overhead);
}

function sentencesOf(text: string, unit: Span): Span[] {
  return splitSentences(text.slice(unit.start, unit.end)).map((s) => ({
    start: s.start + unit.start,
    end: s.end + unit.start,
  }));
}

/** Greedy packing; the next window starts again at the previous window's last sentence when that one is short. */
function packWindows(text: string, pieces: Piece[], countTokens: CountTokens, budget: number, overhead: number): Span[] {
  const windows: Span[] = [];
  let first = 0;
  while (first < pieces.length) {
    let next = first;
    let tokens = overhead;
    while (next < pieces.length && tokens + pieces[next]!.tokens <= budget) tokens += pieces[next++]!.tokens;
    next = Math.max(next, first + 1);
    // Word pieces are counted per sentence; confirm the joined window (tokenizers can merge across a cut).
    while (next > first + 1 && countTokens(text.slice(pieces[first]!.start, pieces[next - 1]!.end)) > budget) next--;
    windows.push({ start: pieces[first]!.start, end: pieces[next - 1]!.end });
    if (next >= pieces.length) break;
    const last = pieces[next - 1]!;
    const overlap = next - 1 > first && !last.partial && last.tokens <= budget / 4;
    first = overlap ? next - 1 : next;
  }
  return windows;
}

function cutBetweenWords(text: string, sentence: Span, countTokens: CountTokens, room: number, overhead: number): Piece[] {
  const pieces: Piece[] = [];
  let current: Piece | null = null;
  const words = /\S+/gu;
  words.lastIndex = sentence.start;
  for (let match = words.exec(text); match && match.index < sentence.end; match = words.exec(text)) {
    const end = Math.min(match.index + match[0].length, sentence.end);
    const tokens = countTokens(text.slice(match.index, end)) - overhead;
    if (current && current.tokens + tokens <= room) {
      current.end = end;
      current.tokens += tokens;
    } else {
      // A single word over the budget becomes its own piece; the model truncates it.
      current = { start: match.index, end, tokens, partial: true };
      pieces.push(current);
    }
  }
  return pieces;
}
