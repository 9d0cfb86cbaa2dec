/**
 * Sentence vectors pooled from a passage's own token states ("late chunking"): the model reads a passage once
 * (after its context, core/pooling.ts) and each sentence's vector is the mean of that sentence's word pieces, so
 * highlighting needs no model call per sentence at query time and indexing needs no extra call either.
 *
 * Where each sentence's word pieces sit: WordPiece pre-tokenises on whitespace and punctuation, so no piece
 * straddles whitespace, and sentences (core/sentences.ts) are cut at whitespace. The pieces of a passage are
 * therefore the pieces of its sentences, in order, and counting each sentence's pieces with the model's own
 * tokenizer locates it exactly. The counts are checked against the passage's total; when they disagree (a
 * tokenizer that does not behave as above) no ranges are returned and the caller highlights by words alone.
 */
import type { Span } from './text-spans.ts';

/** `[start, end)` rows of the model's last hidden state. */
export interface TokenRange {
  start: number;
  end: number;
}

/** Word pieces of a text as the model counts them, including [CLS] and [SEP] (as core/split.ts CountTokens). */
export type CountTokens = (text: string) => number;

/**
 * Token rows of each sentence of `passageText`.
 * @param sentences spans within `passageText` (splitSentences), in order, not overlapping.
 * @param firstToken row of the passage's first word piece in the model's input ([CLS] + context pieces).
 * @param passagePieces the passage's word pieces without [CLS] and [SEP], as the model read them.
 * @returns one range per sentence, together covering `[firstToken, firstToken + passagePieces)` exactly; null when
 *   the sentences' counts do not add up to `passagePieces`.
 */
export function sentenceTokenRanges(
  passageText: string,
  sentences: readonly Span[],
  countTokens: CountTokens,
  firstToken: number,
  passagePieces: number,
): TokenRange[] | null {
  const ranges: TokenRange[] = [];
  let at = firstToken;
  for (const sentence of sentences) {
    const pieces = countTokens(passageText.slice(sentence.start, sentence.end)) - 2;
    if (pieces < 0) return null;
    ranges.push({ start: at, end: at + pieces });
    at += pieces;
  }
  return at === firstToken + passagePieces ? ranges : null;
}

/**
 * Mean of each range's rows of `hidden` (row-major `tokens × dims`), L2-normalised when `normalize` is set.
 * Returns row-major `ranges.length × dims`; an empty range (a sentence the tokenizer drops entirely, e.g. only
 * control characters) gives a zero row, which scores 0 against any query.
 */
export function poolTokenRanges(
  hidden: ArrayLike<number>,
  tokens: number,
  dims: number,
  ranges: readonly TokenRange[],
  normalize: boolean,
): Float32Array {
  if (hidden.length !== tokens * dims) {
    throw new Error(`Passage: ${hidden.length} hidden values are not ${tokens} tokens × ${dims} dimensions`);
  }
  const out = new Float32Array(ranges.length * dims);
  ranges.forEach((range, i) => {
    if (!(range.start >= 0 && range.start <= range.end && range.end <= tokens)) {
      throw new Error(`Passage: token range [${range.start}, ${range.end}) is outside ${tokens} tokens`);
    }
    const row = out.subarray(i * dims, (i + 1) * dims);
    const count = range.end - range.start;
    if (count === 0) return;
    for (let t = range.start; t < range.end; t++) {
      for (let d = 0; d < dims; d++) row[d]! += hidden[t * dims + d]!;
    }
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      row[d]! /= count;
      norm += row[d]! * row[d]!;
    }
    if (normalize && norm > 0) {
      const inverse = 1 / Math.sqrt(norm);
      for (let d = 0; d < dims; d++) row[d]! *= inverse;
    }
  });
  return out;
}
