/**
 * Sentence boundaries for splitting long paragraphs and for highlighting. Rule-based and English-leaning: a
 * boundary is a run of . ! ? or … (plus closing quotes/brackets) followed by whitespace, unless the next word
 * starts in lower case or the period belongs to an abbreviation, an initial ("N. Korea") or an initialism
 * ("U.S."). Decimals ("3.5") never match because no whitespace follows their period. Blank lines always break.
 */
import { findParagraphs, trimSpan, type Span } from './text-spans.ts';

/** Abbreviations that are always followed by more of the same sentence (titles, "No. 5", "e.g."). */
const NEVER_FINAL = new Set([
  'Mr', 'Mrs', 'Ms', 'Dr', 'Prof', 'St', 'Mt', 'Ft', 'Gen', 'Gov', 'Sen', 'Rep', 'Reps', 'Sens', 'Col', 'Lt',
  'Capt', 'Sgt', 'Adm', 'Cmdr', 'Maj', 'Rev', 'Hon', 'Pres', 'Supt', 'No', 'Nos', 'Vol', 'Fig', 'vs', 'e.g',
  'i.e', 'cf', 'viz', 'approx', 'Dept', 'Messrs',
]);

/**
 * Abbreviations that may also end a sentence ("…by Dec. 22" vs "…in Dec. The talks…"): a boundary only when
 * the next word is a typical sentence opener. Single initials and dotted initialisms are treated the same way.
 */
const SOMETIMES_FINAL = new Set([
  'Jan', 'Feb', 'Mar', 'Apr', 'Jun', 'Jul', 'Aug', 'Sep', 'Sept', 'Oct', 'Nov', 'Dec', 'Inc', 'Co', 'Corp',
  'Ltd', 'Bros', 'Jr', 'Sr', 'etc', 'al',
]);

const SENTENCE_OPENERS = new Set([
  'The', 'A', 'An', 'It', 'Its', 'He', 'She', 'They', 'We', 'I', 'You', 'This', 'That', 'These', 'Those',
  'There', 'But', 'And', 'Or', 'So', 'Yet', 'In', 'On', 'At', 'As', 'If', 'When', 'While', 'After', 'Before',
  'Meanwhile', 'However', 'His', 'Her', 'Their', 'Our', 'My', 'Some', 'Many', 'Most', 'All', 'No', 'Not',
  'What', 'Why', 'How', 'Who', 'Since', 'For', 'Earlier', 'Later', 'Also', 'Now', 'Then', 'Still',
]);

// Terminators, then closing quotes/brackets, then the whitespace that makes it a candidate boundary.
const CANDIDATE = /[.!?…]+["'”’»)\]]*(?=\s)/gu;
const WORD_BEFORE_PERIOD = /([\p{L}.]+)\.$/u;
const INITIALISM = /^(?:\p{L}\.)*\p{L}$/u; // "N", "U.S", "a.m", "D.C"
const LOWERCASE_START = /^\p{Ll}/u;
const NEXT_WORD = /\s*(\S*)/uy;

/** Sentence spans of `text`, trimmed, in order, covering every non-space character. */
export function splitSentences(text: string): Span[] {
  const sentences: Span[] = [];
  for (const block of findParagraphs(text)) {
    let start = block.start;
    const candidates = new RegExp(CANDIDATE.source, 'gu');
    candidates.lastIndex = block.start;
    for (let match = candidates.exec(text); match && match.index < block.end; match = candidates.exec(text)) {
      const end = match.index + match[0].length;
      if (end < block.end && isBoundary(text, match.index, match[0], end)) {
        pushTrimmed(text, sentences, start, end);
        start = end;
      }
    }
    pushTrimmed(text, sentences, start, block.end);
  }
  return sentences;
}

function pushTrimmed(text: string, into: Span[], start: number, end: number): void {
  const span = trimSpan(text, { start, end });
  if (span.end > span.start) into.push(span);
}

function isBoundary(text: string, at: number, terminator: string, end: number): boolean {
  const next = new RegExp(NEXT_WORD.source, 'uy');
  next.lastIndex = end;
  const nextWord = next.exec(text)?.[1] ?? '';
  if (nextWord.length === 0) return true;
  if (LOWERCASE_START.test(nextWord)) return false;
  if (!/^\.["'”’»)\]]*$/u.test(terminator)) return true; // ! ? … and "..." are not abbreviation periods

  const before = WORD_BEFORE_PERIOD.exec(text.slice(Math.max(0, at - 24), at + 1));
  if (!before) return true;
  const word = (before[1] ?? '').replace(/^[.]+/u, '');
  if (NEVER_FINAL.has(word)) return false;
  if (SOMETIMES_FINAL.has(word) || INITIALISM.test(word)) {
    return SENTENCE_OPENERS.has(nextWord.replace(/^["'“‘([]+/u, '').replace(/[,;:]$/u, ''));
  }
  return true;
}
