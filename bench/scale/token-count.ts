/**
 * Counts BERT word pieces the way the model's tokenizer does (tokenizer.json: BertNormalizer lowercase + accent
 * stripping, BertPreTokenizer, WordPiece with "##"), with a memo per word. The Transformers.js tokenizer takes
 * ~2 ms per 1,000-character passage here and the splitter asks about two such strings per passage, so splitting
 * 1M passages with it would take over an hour; this takes seconds. `verifiedTokenCounter` checks it against the
 * real tokenizer on the caller's sample and falls back to the real one on any difference, so the splitter's
 * output is the app's either way.
 */
import { readFileSync } from 'node:fs';

const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const WORDS = new RegExp(`[^\\s${PUNCTUATION}]+|[${PUNCTUATION}]`, 'gu');
const CJK = /([\u4E00-\u9FFF\u3400-\u4DBF\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\uF900-\uFAFF\u{2F800}-\u{2FA1F}])/gu;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000\uFFFD]|[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;
const MAX_WORD_CHARS = 100;
// Printable ASCII and ordinary whitespace: no accents, CJK or control characters to handle (the common case).
const PLAIN_ASCII = /^[\t\n\r\x20-\x7E]*$/;
const ASCII_WORDS = /[a-z0-9]+|[!-/:-@[-`{-~]/g;

export type TokenCounter = (text: string) => number;

export function wordPieceCounter(tokenizerJson: string): TokenCounter {
  const spec = JSON.parse(readFileSync(tokenizerJson, 'utf8')) as { model: { vocab: Record<string, number> } };
  const vocab = new Set(Object.keys(spec.model.vocab));
  const memo = new Map<string, number>();

  const piecesOf = (word: string): number => {
    if ([...word].length > MAX_WORD_CHARS) return 1; // [UNK]
    let count = 0;
    let start = 0;
    while (start < word.length) {
      let end = word.length;
      let found = false;
      while (end > start) {
        const piece = (start > 0 ? '##' : '') + word.slice(start, end);
        if (vocab.has(piece)) {
          found = true;
          break;
        }
        end--;
      }
      if (!found) return 1; // the whole word becomes [UNK]
      count++;
      start = end;
    }
    return count;
  };

  return (text: string) => {
    const plain = PLAIN_ASCII.test(text);
    const normalised = plain
      ? text.toLowerCase()
      : text
      .replace(CONTROL, '')
      .replace(CJK, ' $1 ')
      .toLowerCase()
      .normalize('NFD')
      .replace(/\p{Mn}/gu, '');
    let count = 2; // [CLS] and [SEP]
    for (const match of normalised.matchAll(plain ? ASCII_WORDS : WORDS)) {
      const word = match[0];
      let n = memo.get(word);
      if (n === undefined) {
        n = piecesOf(word);
        if (memo.size < 1_000_000) memo.set(word, n);
      }
      count += n;
    }
    return count;
  };
}

/**
 * The fast counter when it agrees with `exact` on every sample string, else `exact` itself.
 * Returns which one was chosen and the first disagreement, if any.
 */
export function verifiedTokenCounter(
  fast: TokenCounter,
  exact: TokenCounter,
  sample: Iterable<string>,
): { count: TokenCounter; verified: number; mismatch: { text: string; fast: number; exact: number } | null } {
  let verified = 0;
  for (const text of sample) {
    const a = fast(text);
    const b = exact(text);
    if (a !== b) return { count: exact, verified, mismatch: { text: text.slice(0, 200), fast: a, exact: b } };
    verified++;
  }
  return { count: fast, verified, mismatch: null };
}
