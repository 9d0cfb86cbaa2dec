/**
 * Scoring an eval run. A query's rank is the 1-based position of the first returned passage that contains any
 * expected substring, compared case-insensitively after NFKC, curly-to-straight quotes and whitespace collapsing
 * (so a line break in the document matches a space in the expectation); null when none of the top k does.
 * A question may name its document; then passages of other documents never count.
 */
export function normaliseForMatch(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[‘’]/gu, "'")
    .replace(/[“”]/gu, '"')
    .replace(/\s+/gu, ' ')
    .trim()
    .toLowerCase();
}

export interface RankedPassage {
  /** The document's file name. */
  doc: string;
  text: string;
}

/** With `doc`, only passages of that document can match. */
export function firstMatchRank(
  passages: readonly RankedPassage[],
  expect: readonly string[],
  doc: string | null = null,
): number | null {
  const needles = expect.map(normaliseForMatch);
  const index = passages.findIndex((passage) => {
    if (doc !== null && passage.doc !== doc) return false;
    const haystack = normaliseForMatch(passage.text);
    return needles.some((needle) => haystack.includes(needle));
  });
  return index < 0 ? null : index + 1;
}

export interface Summary {
  hitAt1: number;
  hitAt3: number;
  hitAt10: number;
  mrr: number;
  queries: number;
}

/** Hits are counts of queries; MRR counts a miss (rank null or beyond k) as 0. */
export function summarise(ranks: readonly (number | null)[]): Summary {
  const hits = (k: number) => ranks.filter((r) => r !== null && r <= k).length;
  const reciprocal = ranks.reduce<number>((sum, r) => sum + (r === null ? 0 : 1 / r), 0);
  return {
    hitAt1: hits(1),
    hitAt3: hits(3),
    hitAt10: hits(10),
    mrr: ranks.length === 0 ? 0 : reciprocal / ranks.length,
    queries: ranks.length,
  };
}
