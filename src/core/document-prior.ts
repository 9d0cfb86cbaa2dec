/**
 * A document prior for large libraries: each of the best fused candidates gains `weight` × the fused score of the
 * *second* best candidate of its document. A document with two passages among a question's candidates is more
 * likely about the question than one with a single lucky passage; the second best (not the best) keeps a passage
 * from lifting itself, and a document with one candidate gains nothing. With every SOTU address as a distractor
 * (10,473 passages) weight 0.2 put 3 more answers first and 4 more in the top 3 (docs/BENCHMARKS.md, "Many
 * documents"); in a library of a few documents nearly every document has several candidates, so the prior tells
 * nothing there and is off (`documentPriorFor`: 0 up to 1,000 passages).
 *
 * Two limits keep it from burying what a person asked for by its words. It re-orders only the best
 * `DOCUMENT_PRIOR_DEPTH` candidates, so a hit in the top 5 stays there and nothing below moves (unbounded, it pushed
 * the source of a quoted sentence out of the top 8 in e2e/large-library.spec.ts's 4,000-passage library, and two
 * SOTU answers out of the top 10). And a best word match that stands out — its word score exceeds every other
 * candidate's by `STANDOUT_WORD_MARGIN` of its own — keeps its place. Asking for a passage's own words
 * (bench/quoted-passages.ts, that library) finds its document first for 41 of 50 passages without the prior and 40
 * with it, and in the top 8 for 44 either way.
 */
import { largeLibraryShare } from './library-size.ts';

export interface ScoredRow {
  row: number;
  score: number;
}

/** The prior's weight from LARGE_LIBRARY_ROWS passages on (0.15 and 0.3 gave 86 first answers, 0.2 gave 88). */
export const LARGE_LIBRARY_DOCUMENT_PRIOR = 0.2;
/** How many of the best fused candidates the prior may re-order (3: 4 fewer answers in the top 3; 5–10 the same). */
export const DOCUMENT_PRIOR_DEPTH = 5;
/** How far (a share of its own word score) the best word match must lead the next to keep its place. */
export const STANDOUT_WORD_MARGIN = 0.3;

/** 0 up to SMALL_LIBRARY_ROWS passages, LARGE_LIBRARY_DOCUMENT_PRIOR from LARGE_LIBRARY_ROWS, log-linear between. */
export function documentPriorFor(rows: number): number {
  return LARGE_LIBRARY_DOCUMENT_PRIOR * largeLibraryShare(rows);
}

export interface DocumentPriorOptions {
  /** Only the first `depth` of `ranked` are re-ordered; the rest keep their scores and places (default: all). */
  depth?: number;
  /** A row that keeps its place among the re-ordered (e.g. `standoutWordMatch`); -1 or absent: none. */
  keepsPlace?: number;
}

/**
 * `ranked` (every fusion candidate with its fused score, best first) with each of the first `depth` raised by
 * `weight` × its document's second-best score among all of them and sorted again (ties: lower row first).
 * Weight 0 returns the same order.
 */
export function withDocumentPrior<T extends ScoredRow>(
  ranked: readonly T[],
  documentOfRow: (row: number) => unknown, // any value that is equal (SameValueZero) for rows of one document
  weight: number,
  { depth = Infinity, keepsPlace = -1 }: DocumentPriorOptions = {},
): T[] {
  if (!(weight >= 0)) throw new Error(`Passage: document prior weight must be ≥ 0, got ${weight}`);
  if (!(depth >= 0)) throw new Error(`Passage: document prior depth must be ≥ 0, got ${depth}`);
  const withDocs = ranked.map((hit) => ({ hit, doc: documentOfRow(hit.row) }));
  const best = new Map<unknown, number>();
  const second = new Map<unknown, number>();
  withDocs.forEach(({ hit, doc }) => {
    const top = best.get(doc);
    if (top === undefined) best.set(doc, hit.score);
    else if (hit.score > top) {
      second.set(doc, top);
      best.set(doc, hit.score);
    } else if (hit.score > (second.get(doc) ?? -Infinity)) second.set(doc, hit.score);
  });
  const top = ranked.slice(0, depth);
  const place = top.findIndex((hit) => hit.row === keepsPlace);
  const lifted = withDocs
    .slice(0, depth)
    .map(({ hit, doc }) => ({ ...hit, score: hit.score + weight * (second.get(doc) ?? 0) }))
    .sort((a, b) => b.score - a.score || a.row - b.row);
  if (place >= 0) {
    const kept = lifted.findIndex((hit) => hit.row === keepsPlace);
    lifted.splice(place, 0, ...lifted.splice(kept, 1));
  }
  return [...lifted, ...ranked.slice(depth)];
}

/**
 * The row of the best word score when it leads every other by at least `margin` × itself (a quoted sentence, a
 * rare name), else -1.
 */
export function standoutWordMatch(wordScores: readonly ScoredRow[], margin = STANDOUT_WORD_MARGIN): number {
  let best = -Infinity;
  let next = -Infinity;
  let row = -1;
  for (const hit of wordScores) {
    if (hit.score > best) {
      next = best;
      best = hit.score;
      row = hit.row;
    } else if (hit.score > next) next = hit.score;
  }
  return best > 0 && best - Math.max(0, next) >= margin * best ? row : -1;
}
