/**
 * Hybrid ranking: dense (cosine) and lexical (BM25) scores are min-max normalised over one candidate set — the
 * union of each method's top candidates — and mixed as `w·dense + (1 − w)·bm25`. Min-max keeps the two scales
 * comparable without training; taking the union lets a passage that only one method finds still win.
 */
import { DOCUMENT_PRIOR_DEPTH, documentPriorFor, standoutWordMatch, withDocumentPrior } from './document-prior.ts';
import { largeLibraryShare } from './library-size.ts';
import { inFilter, type RowFilter } from './row-filter.ts';
import type { SearchIndex } from './search-index.ts';
import type { TitleIndex } from './title-index.ts';
import type { Hit } from './top-k.ts';
import { TopK, compareHits } from './top-k.ts';

/** Weight of the dense score, measured on bench/eval (see docs/BENCHMARKS.md, "Answer quality"). */
export const DEFAULT_DENSE_WEIGHT = 0.8;
/**
 * Dense weight of a large library. With every SOTU address as a distractor (10,473 passages) 0.9 put 6 more
 * answers first than 0.8, while on the small sets (34–200 passages) 0.9 lost SOTU answers from the top 3: in a big
 * library many passages share a question's rarer words by chance, so word match tells less apart
 * (docs/BENCHMARKS.md, "Many documents"). Measured at those two sizes only; the ramp between is a guess.
 */
export const LARGE_LIBRARY_DENSE_WEIGHT = 0.9;
export { LARGE_LIBRARY_ROWS, SMALL_LIBRARY_ROWS } from './library-size.ts';

/** DEFAULT_DENSE_WEIGHT up to SMALL_LIBRARY_ROWS passages, LARGE_LIBRARY_DENSE_WEIGHT from LARGE_LIBRARY_ROWS, log-linear between. */
export function denseWeightFor(rows: number): number {
  return DEFAULT_DENSE_WEIGHT + largeLibraryShare(rows) * (LARGE_LIBRARY_DENSE_WEIGHT - DEFAULT_DENSE_WEIGHT);
}
/**
 * Weight of a document's title BM25 added to the BM25 of each of its passages among the candidates (a second
 * BM25 field), measured on bench/eval with every SOTU address as a distractor (docs/BENCHMARKS.md, "Many documents").
 */
export const DEFAULT_TITLE_WEIGHT = 1;
/** How many top rows each method contributes to the fusion candidate set. */
export const DEFAULT_FUSION_CANDIDATES = 50;

export type SearchMode = 'hybrid' | 'dense' | 'lexical';

export interface RankInput {
  /** Dense scores of the candidates (a candidate missing here counts as this list's minimum). */
  dense: readonly Hit[];
  /** Lexical scores of the candidates (missing = minimum). */
  lexical: readonly Hit[];
  k: number;
  /** Weight of the dense score in [0, 1]. */
  weight: number;
}

export interface RankedRow {
  row: number;
  /** Fused score in [0, 1]. */
  score: number;
  /** Min-max normalised components. */
  dense: number;
  lexical: number;
}

/**
 * Maps values linearly onto [0, 1] (min → 0, max → 1). When all values are equal the list carries no ranking
 * information, so every value maps to 0 and the other list decides.
 */
export function minMaxNormalise(values: ArrayLike<number>): Float32Array {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    min = Math.min(min, values[i]!);
    max = Math.max(max, values[i]!);
  }
  const out = new Float32Array(values.length);
  const range = max - min;
  if (!(range > 0)) return out;
  for (let i = 0; i < values.length; i++) out[i] = (values[i]! - min) / range;
  return out;
}

export function rank({ dense, lexical, k, weight }: RankInput): RankedRow[] {
  if (!(weight >= 0 && weight <= 1)) throw new Error(`Passage: dense weight must be in [0, 1], got ${weight}`);
  const rows = [...new Set([...dense.map((h) => h.row), ...lexical.map((h) => h.row)])];
  const denseNorm = minMaxNormalise(alignScores(rows, dense));
  const lexicalNorm = minMaxNormalise(alignScores(rows, lexical));
  const fused = rows.map((row, i) => ({
    row,
    score: weight * denseNorm[i]! + (1 - weight) * lexicalNorm[i]!,
    dense: denseNorm[i]!,
    lexical: lexicalNorm[i]!,
  }));
  return fused.sort(compareHits).slice(0, Math.max(0, k));
}

/** Scores of `hits` in the order of `rows`; rows without a score get the list's minimum. */
function alignScores(rows: readonly number[], hits: readonly Hit[]): Float64Array {
  const byRow = new Map(hits.map((h) => [h.row, h.score]));
  let min = Infinity;
  for (const score of byRow.values()) min = Math.min(min, score);
  return Float64Array.from(rows, (row) => byRow.get(row) ?? (Number.isFinite(min) ? min : 0));
}

/** The documents' titles as a second word-match field: which document each passage belongs to, and the titles. */
export interface TitleField<Id, DocId> {
  index: TitleIndex<DocId>;
  documentOf: (id: Id) => DocId;
  /** Defaults to DEFAULT_TITLE_WEIGHT. */
  weight?: number;
}

export interface SearchOptions<Id = unknown, DocId = unknown> {
  k?: number;
  mode?: SearchMode;
  /** Defaults to denseWeightFor(index.size). */
  denseWeight?: number;
  /** Top rows each method adds to the fusion candidates. */
  candidates?: number;
  /**
   * Only these rows may be returned (e.g. `index.rowFilter(documentIds)`). Applied inside each method's top-k,
   * so a filtered search still returns up to k hits from the subset.
   */
  within?: RowFilter;
  /**
   * Titles re-order the candidates (never add one): a candidate's word score is its passage's BM25 plus
   * `weight` × its document title's BM25. Not used in dense mode.
   */
  titles?: TitleField<Id, DocId>;
  /**
   * Which document each passage belongs to, for the document prior (core/document-prior.ts) in hybrid mode: each
   * of the best `documentPriorDepth` candidates gains `documentPrior` × its document's second-best fused score.
   */
  documentOf?: (id: Id) => DocId;
  /** The document prior's weight; defaults to documentPriorFor(index.size) (0 up to 1,000 passages); needs `documentOf`. */
  documentPrior?: number;
  /** How many of the best fused candidates the prior may re-order; defaults to DOCUMENT_PRIOR_DEPTH. */
  documentPriorDepth?: number;
}

export interface PassageHit<Id> {
  id: Id;
  row: number;
  /** The ranking score: fused in hybrid mode, cosine in dense mode, BM25 in lexical mode. */
  score: number;
  /** Raw cosine (null when no query vector was used). */
  dense: number | null;
  /** Raw BM25 of the passage's own text (0 when no query word matches; null in dense mode); titles not included. */
  lexical: number | null;
}

/**
 * The one search entry point for the app and the eval. Without a query vector (model not loaded yet) hybrid
 * search falls back to lexical.
 */
export function searchPassages<Id, DocId = unknown>(
  index: SearchIndex<Id>,
  queryVector: Float32Array | null,
  queryText: string,
  options: SearchOptions<Id, DocId> = {},
): PassageHit<Id>[] {
  const k = options.k ?? 10;
  const requested = options.mode ?? 'hybrid';
  const mode: SearchMode = queryVector === null ? 'lexical' : requested;
  const within = options.within;
  if (k <= 0 || index.size === 0 || within?.rows.length === 0) return [];

  if (mode === 'dense') {
    return index.vectors.search(queryVector!, k, undefined, within).map((hit) => ({
      id: index.idAt(hit.row),
      row: hit.row,
      score: hit.score,
      dense: hit.score,
      lexical: null,
    }));
  }

  const lexicalScores = index.lexical.scores(queryText);
  const wordScore = withTitles(index, lexicalScores, queryText, options.titles);
  const depth = options.candidates ?? DEFAULT_FUSION_CANDIDATES;
  if (mode === 'lexical') {
    const candidates = topPositive(lexicalScores, wordScore === null ? k : Math.max(k, depth), within);
    const ranked = wordScore === null ? candidates : candidates.map((h) => ({ row: h.row, score: wordScore(h.row) })).sort(compareHits);
    return ranked.slice(0, k).map((hit) => ({
      id: index.idAt(hit.row),
      row: hit.row,
      score: hit.score,
      dense: null,
      lexical: lexicalScores[hit.row] ?? 0,
    }));
  }

  const candidateRows = [
    ...new Set([
      ...index.vectors.search(queryVector!, depth, undefined, within).map((h) => h.row),
      ...topPositive(lexicalScores, depth, within).map((h) => h.row),
    ]),
  ];
  const denseScores = index.vectors.scoreRows(queryVector!, candidateRows);
  const dense = candidateRows.map((row, i) => ({ row, score: denseScores[i]! }));
  const denseByRow = new Map(dense.map((d) => [d.row, d.score]));
  const lexical = candidateRows.map((row) => ({ row, score: wordScore ? wordScore(row) : (lexicalScores[row] ?? 0) }));
  const weight = options.denseWeight ?? denseWeightFor(index.size);
  const prior = options.documentOf ? (options.documentPrior ?? documentPriorFor(index.size)) : 0;
  const documentOf = options.documentOf;
  const fused =
    prior > 0 && documentOf
      ? withDocumentPrior(rank({ dense, lexical, k: candidateRows.length, weight }), (row) => documentOf(index.idAt(row)), prior, {
          depth: options.documentPriorDepth ?? DOCUMENT_PRIOR_DEPTH,
          keepsPlace: standoutWordMatch(lexical),
        }).slice(0, k)
      : rank({ dense, lexical, k, weight });
  return fused.map((ranked) => ({
    id: index.idAt(ranked.row),
    row: ranked.row,
    score: ranked.score,
    dense: denseByRow.get(ranked.row) ?? null,
    lexical: lexicalScores[ranked.row] ?? 0,
  }));
}

/** A row's word score with its document's title counted, or null when no title matches the query. */
function withTitles<Id, DocId>(
  index: SearchIndex<Id>,
  lexicalScores: Float32Array,
  queryText: string,
  titles: TitleField<Id, DocId> | undefined,
): ((row: number) => number) | null {
  if (!titles || titles.index.size === 0) return null;
  const titleScores = titles.index.scores(queryText);
  if (titleScores.size === 0) return null;
  const weight = titles.weight ?? DEFAULT_TITLE_WEIGHT;
  return (row) => (lexicalScores[row] ?? 0) + weight * (titleScores.get(titles.documentOf(index.idAt(row))) ?? 0);
}

function topPositive(scores: Float32Array, k: number, within?: RowFilter): Hit[] {
  const top = new TopK(k);
  for (let row = 0; row < scores.length; row++) if (scores[row]! > 0 && inFilter(within, row)) top.push(row, scores[row]!);
  return top.sorted();
}
