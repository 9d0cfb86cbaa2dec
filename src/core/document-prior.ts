/**
 * A document prior for large libraries: each fusion candidate gains `weight` × the fused score of the *second*
 * best candidate of its document. A document with two passages among a question's candidates is more likely about
 * the question than one with a single lucky passage; the second best (not the best) keeps a passage from lifting
 * itself, and a document with one candidate gains nothing. In a library of a few documents nearly every document
 * has several candidates, so the prior tells nothing there; with every SOTU address as a distractor (10,473
 * passages) weight 0.2 put 3 more answers first and 4 more in the top 3 (docs/BENCHMARKS.md, "Many documents").
 * Not on by default: the gain held at 0.2 only (0.15–0.4 gave 1 instead of 3), and in a 4,000-passage library
 * (e2e/large-library.spec.ts) it pushed the source of a quoted sentence out of the top 8 behind long documents
 * with several similar passages. `npm run eval -- --document-prior 0.2` measures it.
 */
export interface ScoredRow {
  row: number;
  score: number;
}

/**
 * `ranked` (every fusion candidate with its fused score) with each score raised by `weight` × its document's
 * second-best score among them, best first (ties: lower row first). Weight 0 returns the same order.
 */
export function withDocumentPrior<T extends ScoredRow, DocId>(
  ranked: readonly T[],
  documentOfRow: (row: number) => DocId,
  weight: number,
): T[] {
  if (!(weight >= 0)) throw new Error(`Passage: document prior weight must be ≥ 0, got ${weight}`);
  const documents = ranked.map((hit) => documentOfRow(hit.row));
  const best = new Map<DocId, number>();
  const second = new Map<DocId, number>();
  ranked.forEach((hit, i) => {
    const doc = documents[i]!;
    const top = best.get(doc);
    if (top === undefined) best.set(doc, hit.score);
    else if (hit.score > top) {
      second.set(doc, top);
      best.set(doc, hit.score);
    } else if (hit.score > (second.get(doc) ?? -Infinity)) second.set(doc, hit.score);
  });
  return ranked
    .map((hit, i) => ({ ...hit, score: hit.score + weight * (second.get(documents[i]!) ?? 0) }))
    .sort((a, b) => b.score - a.score || a.row - b.row);
}
