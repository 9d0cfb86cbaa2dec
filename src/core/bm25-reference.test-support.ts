/**
 * The BM25 index as it was before the compact one (main 2f97dd0): plain arrays of postings per term and a Map per
 * added passage. Kept only as the reference the tests and bench/bm25.bench.ts compare the compact index against;
 * the app does not use it.
 */
import { TopK, type Hit } from './top-k.ts';
import { tokenize } from './tokenize.ts';
import { bm25TermScore, DEFAULT_BM25_PARAMS, type Bm25Options, type Bm25Params } from './bm25.ts';

export class ReferenceBm25Index {
  readonly params: Readonly<Bm25Params>;
  readonly tokenize: (text: string) => string[];
  private readonly _termIds = new Map<string, number>();
  private _postingRows: number[][] = [];
  private _postingCounts: number[][] = [];
  private _documentFrequency: number[] = [];
  /** Per row: token count, or −1 for a row that holds nothing. */
  private _lengths: number[] = [];
  private _rowTerms: (Uint32Array | null)[] = [];
  private _documentCount = 0;
  private _totalLength = 0;

  constructor(options: Bm25Options = {}) {
    this.params = { ...DEFAULT_BM25_PARAMS, ...options.params };
    this.tokenize = options.tokenize ?? ((text) => tokenize(text));
  }

  get size(): number {
    return this._documentCount;
  }

  has(row: number): boolean {
    return (this._lengths[row] ?? -1) >= 0;
  }

  add(row: number, text: string): void {
    if (!Number.isInteger(row) || row < 0) throw new Error(`Passage: BM25 row must be a non-negative integer, got ${row}`);
    if (this.has(row)) throw new Error(`Passage: BM25 row ${row} is already in use`);
    const tokens = this.tokenize(text);
    const counts = new Map<number, number>();
    for (const token of tokens) {
      const id = this._termId(token);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    for (const [id, count] of counts) {
      this._postingRows[id]!.push(row);
      this._postingCounts[id]!.push(count);
      this._documentFrequency[id]!++;
    }
    while (this._lengths.length <= row) {
      this._lengths.push(-1);
      this._rowTerms.push(null);
    }
    this._lengths[row] = tokens.length;
    this._rowTerms[row] = Uint32Array.from(counts.keys());
    this._documentCount++;
    this._totalLength += tokens.length;
  }

  remove(row: number): void {
    if (!this.has(row)) return;
    for (const id of this._rowTerms[row]!) this._documentFrequency[id]!--;
    this._documentCount--;
    this._totalLength -= this._lengths[row]!;
    this._lengths[row] = -1;
    this._rowTerms[row] = null;
  }

  /** Renumbers rows after `VectorIndex.compact()` (old → new, −1 = gone) and drops postings of removed rows. */
  remap(remap: Int32Array): void {
    const lengths: number[] = [];
    const rowTerms: (Uint32Array | null)[] = [];
    this._lengths.forEach((length, oldRow) => {
      const newRow = remap[oldRow] ?? -1;
      if (newRow < 0 || length < 0) return;
      while (lengths.length <= newRow) {
        lengths.push(-1);
        rowTerms.push(null);
      }
      lengths[newRow] = length;
      rowTerms[newRow] = this._rowTerms[oldRow]!;
    });
    for (let id = 0; id < this._postingRows.length; id++) {
      const rows: number[] = [];
      const counts: number[] = [];
      this._postingRows[id]!.forEach((oldRow, i) => {
        const newRow = remap[oldRow] ?? -1;
        if (newRow >= 0 && this.has(oldRow)) {
          rows.push(newRow);
          counts.push(this._postingCounts[id]![i]!);
        }
      });
      this._postingRows[id] = rows;
      this._postingCounts[id] = counts;
    }
    this._lengths = lengths;
    this._rowTerms = rowTerms;
  }

  /** BM25 score of every row for `query` (index = row; 0 for rows without a query term or without a passage). */
  scores(query: string): Float32Array {
    const scores = new Float32Array(this._lengths.length);
    if (this._documentCount === 0) return scores;
    const averageLength = this._totalLength / this._documentCount || 1;
    for (const token of new Set(this.tokenize(query))) {
      const id = this._termIds.get(token);
      if (id === undefined || this._documentFrequency[id] === 0) continue;
      const df = this._documentFrequency[id]!;
      const rows = this._postingRows[id]!;
      const counts = this._postingCounts[id]!;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const length = this._lengths[row]!;
        if (length < 0) continue; // removed, not compacted yet
        scores[row]! += bm25TermScore(counts[i]!, df, this._documentCount, length, averageLength, this.params);
      }
    }
    return scores;
  }

  /** Top `k` rows with a positive score, best first. */
  search(query: string, k: number): Hit[] {
    const scores = this.scores(query);
    const top = new TopK(Math.max(0, k));
    for (let row = 0; row < scores.length; row++) if (scores[row]! > 0) top.push(row, scores[row]!);
    return top.sorted();
  }

  private _termId(token: string): number {
    let id = this._termIds.get(token);
    if (id === undefined) {
      id = this._postingRows.length;
      this._termIds.set(token, id);
      this._postingRows.push([]);
      this._postingCounts.push([]);
      this._documentFrequency.push(0);
    }
    return id;
  }
}
