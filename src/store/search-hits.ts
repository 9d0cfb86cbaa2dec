/**
 * One search over the loaded index: rank (dense, or fused with BM25 and titles), read the hits' passages and
 * titles, calibrate their relevance and pick each hit's sentence to highlight — no model call at query time.
 */
import type { SearchHit } from '../core/types.ts';
import { bestSentenceByCodes } from '../core/highlight.ts';
import { searchPassages } from '../core/rank.ts';
import { calibrateHits, closeMatchThreshold, hasCloseMatch } from '../core/relevance.ts';
import type { SearchIndex } from '../core/search-index.ts';
import type { DocumentTitles } from './document-titles.ts';
import type { Library } from './library.ts';
import { docIdOf } from './library-types.ts';
import { itemAt } from './checked.ts';

export interface SearchRequest {
  /** The query's vector, or null when the model is unavailable (words only). */
  queryVector: Float32Array | null;
  text: string;
  k: number;
  /** Dense + BM25 fusion (default) or dense alone. */
  hybrid: boolean;
  /** Rank only passages of these documents (absent or empty: the whole library). */
  documentIds?: readonly string[];
}

export interface SearchResponse {
  hits: SearchHit[];
  /** The word index is still being built: these results were ranked by meaning alone. */
  byMeaningOnly: boolean;
  /** Some hit is a close match (src/core/relevance.ts); false when nothing in the library is close. */
  closeMatch: boolean;
  /** Milliseconds spent ranking, reading the hits' passages and titles, and choosing highlights. */
  timings: { rank: number; read: number; highlight: number };
}

/** Hits ranked beyond `k`, to stand in for passages deleted between ranking and reading. */
const SPARE_HITS = 5;

/** Answers `request`; `lexicalReady` says whether the word index is complete (else: by meaning alone). */
export async function searchHits(
  library: Library,
  index: SearchIndex,
  titles: DocumentTitles,
  lexicalReady: boolean,
  request: SearchRequest,
): Promise<SearchResponse> {
  const started = performance.now();
  const byMeaningOnly = request.queryVector !== null && !lexicalReady;
  const mode = request.hybrid && !byMeaningOnly ? 'hybrid' : 'dense';
  // A few more than asked: a hit whose passage was deleted meanwhile is dropped below without leaving a gap.
  // The filter is part of ranking (core/row-filter.ts), so a search within a few documents still fills k hits.
  const within = request.documentIds?.length ? index.rowFilter(request.documentIds) : undefined;
  const titleField = { index: titles.index, documentOf: docIdOf };
  const ranked = searchPassages(index, request.queryVector, request.text, {
    k: request.k + SPARE_HITS,
    mode,
    titles: titleField,
    documentOf: docIdOf,
    ...(within ? { within } : {}),
  });
  // From the raw cosine and BM25 of each hit, apart from the ranking: the same scale for every query.
  const relevance = calibrateHits(index.lexical, request.text, ranked);
  const rankedAt = performance.now();

  const [read, titleOf] = await Promise.all([library.readHits(ranked.map((hit) => hit.id)), titles.all(library)]);
  const readAt = performance.now();
  const hits: SearchHit[] = [];
  ranked.forEach((hit, i) => {
    const { passage, codes } = itemAt(read, i, 'read');
    if (!passage || hits.length === request.k) return; // deleted meanwhile, or enough
    hits.push({
      passageId: passage.id,
      documentId: passage.docId,
      documentTitle: titleOf.get(passage.docId) ?? '',
      ordinal: passage.ordinal,
      text: passage.text,
      score: hit.score,
      relevance: itemAt(relevance, i, 'relevance'),
      dense: hit.dense ?? 0,
      lexical: hit.lexical ?? 0,
      // No model call at query time: the sentence codes stored at indexing, or the query's words without them.
      highlight: bestSentenceByCodes(passage.text, request.queryVector ? codes : null, request.queryVector, request.text),
    });
  });
  const done = performance.now();
  const closeMatch = hasCloseMatch(hits.map((hit) => hit.relevance), closeMatchThreshold(index.size));
  return { hits, byMeaningOnly, closeMatch, timings: { rank: rankedAt - started, read: readAt - rankedAt, highlight: done - readAt } };
}
