/**
 * Picks the sentence of a passage that best answers the query, for highlighting. With sentence embeddings the
 * choice is by cosine, plus a small bonus for query words present so near-ties go to the sentence that also
 * says the words; without embeddings (model still loading) the words alone decide. The sentence vectors are
 * either float rows (bestSentence) or a passage's stored sentence codes (bestSentenceByCodes): late-chunked at
 * indexing (core/sentence-pooling.ts, core/sentence-codes.ts), so highlighting needs no model call per query.
 */
import { scoreSentenceCodes, sentenceCodesFit } from './sentence-codes.ts';
import { splitSentences } from './sentences.ts';
import type { Span } from './text-spans.ts';
import { tokenize } from './tokenize.ts';

/** Lexical bonus scale: cosine gaps between sentences of one passage are often a few hundredths. */
export const LEXICAL_TIE_BREAK = 0.05;

/**
 * @param sentenceVectors row-major, one row per sentence of `splitSentences(passageText)`, or null.
 * @returns the chosen sentence's span within `passageText` (the whole text when it has no sentences).
 */
export function bestSentence(
  passageText: string,
  sentenceVectors: Float32Array | null,
  queryVector: Float32Array | null,
  queryText: string,
): Span {
  const sentences = splitSentences(passageText);
  if (sentenceVectors === null || queryVector === null) return pickSentence(passageText, sentences, null, queryText);
  if (sentenceVectors.length !== sentences.length * queryVector.length) {
    throw new Error(
      `Passage: expected ${sentences.length} sentence vectors of ${queryVector.length} dimensions, ` +
        `got ${sentenceVectors.length} numbers`,
    );
  }
  const scores = sentences.map((_, i) => cosine(queryVector, sentenceVectors, i * queryVector.length));
  return pickSentence(passageText, sentences, scores, queryText);
}

/**
 * The same choice from a passage's stored sentence codes (core/sentence-codes.ts), which estimate each sentence's
 * cosine up to a constant shared by the passage's sentences — all the choice needs. Codes that do not match the
 * passage's sentences (null, empty, split by other rules, another model's size) fall back to words alone rather than fail a search.
 */
export function bestSentenceByCodes(
  passageText: string,
  codes: Uint8Array | null,
  queryVector: Float32Array | null,
  queryText: string,
): Span {
  const sentences = splitSentences(passageText);
  const usable = codes !== null && queryVector !== null && sentenceCodesFit(codes, sentences.length, queryVector.length);
  const scores = usable && sentences.length > 1 ? scoreSentenceCodes(codes, queryVector) : null;
  return pickSentence(passageText, sentences, scores, queryText);
}

/**
 * The same choice from precomputed per-sentence scores on the cosine scale (any constant offset shared by the
 * passage's sentences is fine), one per sentence of `splitSentences(passageText)`; null: words alone.
 */
export function bestSentenceByScores(passageText: string, scores: ArrayLike<number> | null, queryText: string): Span {
  const sentences = splitSentences(passageText);
  if (scores !== null && scores.length !== sentences.length) {
    throw new Error(`Passage: expected ${sentences.length} sentence scores, got ${scores.length}`);
  }
  return pickSentence(passageText, sentences, scores, queryText);
}

/** Highest `score + LEXICAL_TIE_BREAK × word overlap`, or highest overlap without scores; first on ties. */
function pickSentence(
  passageText: string,
  sentences: readonly Span[],
  scores: ArrayLike<number> | null,
  queryText: string,
): Span {
  const [first] = sentences;
  if (first === undefined) return { start: 0, end: passageText.length };
  const queryWords = new Set(tokenize(queryText));
  let best = first;
  let bestScore = -Infinity;
  sentences.forEach((sentence, i) => {
    const overlap = wordOverlap(queryWords, passageText.slice(sentence.start, sentence.end));
    const score = scores ? scores[i]! + LEXICAL_TIE_BREAK * overlap : overlap;
    if (score > bestScore) {
      best = sentence;
      bestScore = score;
    }
  });
  return best;
}

/** Share of the query's words that occur in `sentence` (0 for a query without words). */
function wordOverlap(queryWords: ReadonlySet<string>, sentence: string): number {
  if (queryWords.size === 0) return 0;
  const words = new Set(tokenize(sentence));
  let shared = 0;
  for (const word of queryWords) if (words.has(word)) shared++;
  return shared / queryWords.size;
}

function cosine(query: Float32Array, rows: Float32Array, offset: number): number {
  let dot = 0;
  let queryNorm = 0;
  let rowNorm = 0;
  for (let d = 0; d < query.length; d++) {
    const a = query[d]!;
    const b = rows[offset + d]!;
    dot += a * b;
    queryNorm += a * a;
    rowNorm += b * b;
  }
  return queryNorm > 0 && rowNorm > 0 ? dot / Math.sqrt(queryNorm * rowNorm) : 0;
}
