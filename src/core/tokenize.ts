/**
 * Word tokens for BM25 and for the lexical part of highlighting: NFKC, lower case, runs of Unicode letters and
 * digits (apostrophes inside a word are dropped, a possessive 's goes), a small English stop-word list, and an
 * optional S-stemmer (Harman 1991: plural → singular only) for plain Latin words.
 */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const POSSESSIVE = /['’]s$/u;
const APOSTROPHE = /['’]/gu;
const PLAIN_LATIN = /^[a-z]+$/;

export const STOP_WORDS: ReadonlySet<string> = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'been', 'but', 'by', 'did', 'do', 'does', 'for', 'from', 'had',
  'has', 'have', 'he', 'her', 'his', 'how', 'i', 'if', 'in', 'into', 'is', 'it', 'its', 'me', 'my', 'of', 'on',
  'or', 'our', 'she', 'so', 'than', 'that', 'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this',
  'those', 'to', 'was', 'we', 'were', 'what', 'when', 'where', 'which', 'who', 'whom', 'why', 'will', 'with',
  'would', 'you', 'your',
]);

export interface TokenizeOptions {
  /** Fold plurals to singular ("sanctions" → "sanction"). */
  stem?: boolean;
}

export const DEFAULT_TOKENIZE_OPTIONS: Required<TokenizeOptions> = { stem: true };

export function tokenize(text: string, options: TokenizeOptions = DEFAULT_TOKENIZE_OPTIONS): string[] {
  const stem = options.stem ?? DEFAULT_TOKENIZE_OPTIONS.stem;
  const tokens: string[] = [];
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(WORD)) {
    const word = match[0].replace(POSSESSIVE, '').replace(APOSTROPHE, '');
    if (STOP_WORDS.has(word)) continue;
    tokens.push(stem ? stemPlural(word) : word);
  }
  return tokens;
}

/** Harman's S-stemmer: "-ies" → "-y", "-es" → "-e", "-s" → "" (not after "u" or "s"); other words unchanged. */
export function stemPlural(word: string): string {
  if (word.length <= 3 || !PLAIN_LATIN.test(word)) return word;
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies')) return word.slice(0, -3) + 'y';
  if (word.endsWith('es') && !word.endsWith('aes') && !word.endsWith('ees') && !word.endsWith('oes')) {
    return word.slice(0, -1);
  }
  if (word.endsWith('s') && !word.endsWith('us') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}
