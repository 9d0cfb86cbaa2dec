/**
 * Picks the sentence of a passage that best answers the query, for highlighting. With sentence embeddings the
 * choice is by cosine, plus a small bonus for query words present so near-ties go to the sentence that also
 * says the words; without embeddings (model still loading) the words alone decide.
 */
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
  if (sentences.length === 0) return { start: 0, end: passageText.length };
  const useVectors = sentenceVectors !== null && queryVector !== null;
  if (useVectors && sentenceVectors.length !== sentences.length * queryVector.length) {
    throw new Error(
      `Passage: expected ${sentences.length} sentence vectors of ${queryVector.length} dimensions, ` +
        `got ${sentenceVectors.length} numbers`,
    );
  }
  const queryWords = new Set(tokenize(queryText));
  let best = 0;
  let bestScore = -Infinity;
  sentences.forEach((sentence, i) => {
    const overlap = wordOverlap(queryWords, passageText.slice(sentence.start, sentence.end));
    const score = useVectors
      ? cosine(queryVector, sentenceVectors, i * queryVector.length) + LEXICAL_TIE_BREAK * overlap
      : overlap;
    if (score > bestScore) {
      best = i;
      bestScore = score;
    }
  });
  return sentences[best]!;
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
