/**
 * Word match against document titles, a second BM25 field beside the passages' own. A question often names what
 * its answer's document is about ("What did Lincoln say about …") while the passage never does; with many
 * documents on the same subjects that name is what tells the right one apart (docs/BENCHMARKS.md, "Many
 * documents"). Titles are few and short, so the BM25 over them is rebuilt on the first query after a change
 * instead of being updated in place.
 */
import { Bm25Index, type Bm25Options } from './bm25.ts';

export class TitleIndex<DocId = string> {
  private readonly _titles = new Map<DocId, string>();
  private readonly _options: Bm25Options;
  private _built: { index: Bm25Index; docs: DocId[] } | null = null;

  constructor(options: Bm25Options = {}) {
    this._options = options;
  }

  get size(): number {
    return this._titles.size;
  }

  /** Adds a document's title, or replaces it. */
  set(doc: DocId, title: string): void {
    if (this._titles.get(doc) === title) return;
    this._titles.set(doc, title);
    this._built = null;
  }

  delete(doc: DocId): boolean {
    const had = this._titles.delete(doc);
    if (had) this._built = null;
    return had;
  }

  clear(): void {
    this._titles.clear();
    this._built = null;
  }

  /** BM25 of each document whose title shares a word with `query` (documents scoring 0 are left out). */
  scores(query: string): Map<DocId, number> {
    const { index, docs } = this._index();
    const scores = index.scores(query);
    const out = new Map<DocId, number>();
    scores.forEach((score, row) => {
      const doc = docs[row];
      if (score > 0 && doc !== undefined) out.set(doc, score);
    });
    return out;
  }

  private _index(): { index: Bm25Index; docs: DocId[] } {
    if (!this._built) {
      const titles = [...this._titles];
      const docs = titles.map(([doc]) => doc);
      const index = Bm25Index.build(
        titles.map(([, title], row) => [row, title] as const),
        this._options,
      );
      this._built = { index, docs };
    }
    return this._built;
  }
}
