/**
 * How close a passage is to a question, on a scale that means the same for every question and every library —
 * unlike the fused ranking score (src/core/rank.ts), which is min-max normalised within one query and so gives
 * the best passage of any question, gibberish included, a score near 1.
 *
 * The calibrated score is built from the two raw signals of a hit, never from the ranking:
 * - meaning: the raw cosine of query and passage vectors, mapped linearly from COSINE_UNRELATED (→ 0) to
 *   COSINE_CLOSE (→ 1) and clamped. MiniLM's cosine is an absolute scale: on bench/eval the best passage of an
 *   answerable question has a cosine of 0.28–0.77 (median 0.62), of an off-topic question or gibberish 0.06–0.26.
 * - words: the passage's raw BM25 divided by the most any passage could score for this query
 *   (Bm25Index.queryCeiling: every query word at idf × (k1 + 1)), i.e. the share of the query's word weight the
 *   passage holds, mapped from 0 to COVERAGE_CLOSE (→ 1). Dividing by the ceiling removes what raw BM25 depends
 *   on besides the match: the number of query words and the library's size.
 * score = MEANING_SHARE · meaning + (1 − MEANING_SHARE) · words; with only one signal (the word index still
 * loading, or no model) that signal alone.
 *
 * A question has a close match when its best hit scores at least closeMatchThreshold(library size). The constants
 * were chosen by `npm run eval -- … --unanswerable bench/eval/off-topic.jsonl` (docs/BENCHMARKS.md, "Honest
 * answers").
 */

/** Cosine that counts as no relation at all (median best cosine of off-topic questions: 0.14). */
export const COSINE_UNRELATED = 0.1;
/** Cosine that counts as a full match (answerable questions: 75th percentile of the best cosine, 0.67). */
export const COSINE_CLOSE = 0.7;
/** Share of the query's word weight that counts as a full word match. */
export const COVERAGE_CLOSE = 0.5;
/** Weight of meaning in the calibrated score (the same say it has in the ranking, DEFAULT_DENSE_WEIGHT). */
export const MEANING_SHARE = 0.8;
/**
 * Below this best score a question has no close match: the UI says so and hides the passages behind a button.
 * Measured on ~200 passages; a bigger library holds more passages that are near anything by chance, so the bar
 * rises with its size (closeMatchThreshold).
 */
export const CLOSE_MATCH_THRESHOLD = 0.225;
/** Library size the threshold was measured at (bench/eval combined: 200 passages). */
export const THRESHOLD_MEASURED_AT = 200;
/**
 * Rise of the threshold per tenfold growth of the library. With all 232 SOTU addresses as distractors (10,473
 * passages) the best score of off-topic questions rose from ≤ 0.21 to a median of 0.20 and a maximum of 0.48, and
 * of answerable ones from ≥ 0.24 to ≥ 0.44: 0.1 a decade puts the bar at 0.40 there (one measured point; see
 * docs/BENCHMARKS.md, "Honest answers").
 */
export const THRESHOLD_RISE_PER_DECADE = 0.1;

/** The raw signals of one hit, as searchPassages returns them (null: that signal was not used). */
export interface RawScores {
  /** Raw cosine. */
  dense: number | null;
  /** Raw BM25. */
  lexical: number | null;
}

const clamp01 = (x: number): number => (x > 1 ? 1 : x > 0 ? x : 0);

/** The meaning part: raw cosine on the calibrated [0, 1] scale. */
export function meaningScore(cosine: number): number {
  return clamp01((cosine - COSINE_UNRELATED) / (COSINE_CLOSE - COSINE_UNRELATED));
}

/** The words part: raw BM25 as a share of the query's ceiling, on the calibrated [0, 1] scale. */
export function wordScore(bm25: number, ceiling: number): number {
  if (!(ceiling > 0)) return 0;
  return clamp01(bm25 / ceiling / COVERAGE_CLOSE);
}

/**
 * The calibrated score of one hit in [0, 1]. `ceiling` is Bm25Index.queryCeiling(query) of the index that
 * produced `raw.lexical`.
 */
export function calibratedScore(raw: RawScores, ceiling: number): number {
  const meaning = raw.dense === null ? null : meaningScore(raw.dense);
  const words = raw.lexical === null ? null : wordScore(raw.lexical, ceiling);
  if (meaning === null) return words ?? 0;
  if (words === null) return meaning;
  return MEANING_SHARE * meaning + (1 - MEANING_SHARE) * words;
}

/** The close-match threshold for a library of `passages` passages (never below CLOSE_MATCH_THRESHOLD). */
export function closeMatchThreshold(passages: number): number {
  if (!(passages > THRESHOLD_MEASURED_AT)) return CLOSE_MATCH_THRESHOLD;
  return CLOSE_MATCH_THRESHOLD + THRESHOLD_RISE_PER_DECADE * Math.log10(passages / THRESHOLD_MEASURED_AT);
}

/** Whether a question whose hits have these calibrated scores has a close match (order does not matter). */
export function hasCloseMatch(scores: readonly number[], threshold = CLOSE_MATCH_THRESHOLD): boolean {
  return scores.some((score) => score >= threshold);
}

/** Calibrated scores of `hits` (in their order) for `query`, over the word index that scored them. */
export function calibrateHits(
  lexical: { queryCeiling(query: string): number },
  query: string,
  hits: readonly RawScores[],
): number[] {
  const ceiling = hits.some((hit) => hit.lexical !== null) ? lexical.queryCeiling(query) : 0;
  return hits.map((hit) => calibratedScore(hit, ceiling));
}
