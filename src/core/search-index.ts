/**
 * What the app and the eval search: the int8 vector index and the BM25 index over the same rows, plus the
 * mapping between rows and passage ids. Removing passages leaves holes; they are compacted away in one pass
 * once they are a quarter of the rows, so deleting a big document costs one copy, not one per passage.
 */
import { Bm25Index, type Bm25Options } from './bm25.ts';
import { rowFilter, type RowFilter } from './row-filter.ts';
import { VectorIndex } from './vector-index.ts';

export interface SearchIndexOptions<Id = string> {
  bm25?: Bm25Options;
  initialCapacity?: number;
  /**
   * The group a passage belongs to (e.g. its document), so a search can be limited to a few groups
   * (`rowFilter`). Called once per passage as it is added.
   */
  groupOf?: (id: Id) => string;
}

const COMPACT_RATIO = 0.25;

export class SearchIndex<Id = string> {
  readonly vectors: VectorIndex;
  private _lexical: Bm25Index;
  private _ids: (Id | undefined)[] = [];
  /** id → row, built from `_ids` on first need after `loadBlock`s (see `_rows`). */
  private _rowMap: Map<Id, number> | null = new Map<Id, number>();
  /** Rows added by `loadBlock` (counted while the map is not built). */
  private _loadedRows = 0;
  private readonly _groupOf: ((id: Id) => string) | undefined;
  /** Group number of each row (-1: none); group names are numbered in `_groupNumbers` in order of appearance. */
  private _rowGroups = new Int32Array(0);
  private readonly _groupNumbers = new Map<string, number>();

  constructor(dims: number, options: SearchIndexOptions<Id> = {}) {
    this.vectors = new VectorIndex(dims, options.initialCapacity);
    this._lexical = new Bm25Index(options.bm25);
    this._groupOf = options.groupOf;
  }

  /**
   * The live rows of the passages in `groups` (see `SearchIndexOptions.groupOf`), for `searchPassages`'s
   * `within`: one pass over an Int32Array of row groups (~0.1 ms per 100k rows), no string work per query.
   */
  rowFilter(groups: Iterable<string>): RowFilter {
    if (!this._groupOf) throw new Error('Passage: this search index was built without groupOf');
    const wanted = new Set<number>();
    for (const group of groups) {
      const number = this._groupNumbers.get(group);
      if (number !== undefined) wanted.add(number);
    }
    const rowGroups = this._rowGroups;
    const vectors = this.vectors;
    const [only] = wanted;
    if (wanted.size === 1 && only !== undefined) {
      return rowFilter(vectors.rowCount, (row) => rowGroups[row] === only && vectors.isAlive(row));
    }
    return rowFilter(vectors.rowCount, (row) => wanted.has(rowGroups[row]!) && vectors.isAlive(row));
  }

  /** Records the group of `row` (when the index has groups). */
  private _setGroup(row: number, id: Id): void {
    if (!this._groupOf) return;
    this._growGroups(row);
    this._rowGroups[row] = this._groupNumber(this._groupOf(id));
  }

  private _growGroups(row: number): void {
    if (row >= this._rowGroups.length) {
      const grown = new Int32Array(Math.max(row + 1, this.vectors.capacity)).fill(-1);
      grown.set(this._rowGroups);
      this._rowGroups = grown;
    }
  }

  private _groupNumber(group: string): number {
    let number = this._groupNumbers.get(group);
    if (number === undefined) this._groupNumbers.set(group, (number = this._groupNumbers.size));
    return number;
  }

  get lexical(): Bm25Index {
    return this._lexical;
  }

  /**
   * The word index as a saved snapshot plus the passage id of each of its rows ('' for a hole), so it can be
   * restored into an index whose rows are numbered differently (see `restoreLexical`).
   */
  lexicalSnapshot(): { ids: (Id | '')[]; bytes: Uint8Array } {
    const ids = Array.from({ length: this.vectors.rowCount }, (_, row) => this._ids[row] ?? ('' as const));
    return { ids, bytes: this._lexical.snapshot() };
  }

  /**
   * Replaces the word index by a saved one (`lexicalSnapshot`), renumbered to this index's rows; passages the
   * snapshot does not know, or that are gone, are left without text. Returns the ids still without text.
   */
  restoreLexical(saved: { ids: readonly (Id | '')[]; bytes: Uint8Array }, options: Bm25Options = {}): Id[] {
    const restored = Bm25Index.fromSnapshot(saved.bytes, options);
    // Usually the index loads its rows in the order they were saved: then renumbering (which decodes and re-codes
    // every posting, ~seconds at 1M passages) would change nothing, and no id needs looking up.
    const sameRows = saved.ids.length <= this._ids.length && saved.ids.every((id, row) => id !== '' && id === this._ids[row]);
    if (!sameRows) restored.remap(Int32Array.from(saved.ids, (id) => (id === '' ? -1 : (this._rows.get(id) ?? -1))));
    this._lexical = restored;
    const missing: Id[] = [];
    this._ids.forEach((id, row) => {
      if (id !== undefined && !restored.has(row)) missing.push(id);
    });
    return missing;
  }

  get dims(): number {
    return this.vectors.dims;
  }

  get size(): number {
    return this._rowMap ? this._rowMap.size : this._loadedRows;
  }

  /** The ids of every passage in the index. */
  ids(): IterableIterator<Id> {
    return this._rows.keys();
  }

  has(id: Id): boolean {
    return this._rows.has(id);
  }

  /** Gives a passage added by `addBlock` without text its text in the word index; false when absent or it has one. */
  addText(id: Id, text: string): boolean {
    const row = this._rows.get(id);
    if (row === undefined || this._lexical.has(row)) return false;
    this._lexical.add(row, text);
    return true;
  }

  /**
   * Adds a passage (its text for BM25, its quantised vector and, when it has one, its residual code — see
   * VectorIndex.add); an id already present is replaced.
   */
  add(id: Id, text: string, q: Int8Array, scale: number, residual?: Uint8Array | null): void {
    if (this._rows.has(id)) this.remove(id);
    const row = this.vectors.add(q, scale, residual);
    this._lexical.add(row, text);
    this._ids[row] = id;
    this._rows.set(id, row);
    this._setGroup(row, id);
  }

  /**
   * Appends a stored block at start-up, cheaper than `addBlock`: for an index that holds none of these ids (a
   * stored library's blocks never share a passage), so nothing is checked or replaced, and the id → row map is not
   * touched — it is built once, on its first use (a search needs only row → id). At 1M rows the per-row map and
   * checks cost more than everything else in loading the vectors (bench/startup.ts, docs/BENCHMARKS.md).
   * Falls back to `addBlock` once the map exists. Every id belongs to `group` (when the index has groups).
   * `residuals`: the rows' residual codes, when the block has them (VectorIndex.addBlock).
   */
  loadBlock(ids: readonly Id[], codes: Int8Array, scales: Float32Array, group?: string, residuals?: Uint8Array | null): number {
    if (this._rowMap !== null && this._rowMap.size > 0) return this.addBlock(ids, null, codes, scales, group, residuals);
    if (scales.length !== ids.length) throw new Error(`Passage: block of ${ids.length} ids has ${scales.length} scales`);
    this._rowMap = null;
    const first = this.vectors.addBlock(codes, scales, residuals);
    for (let i = 0; i < ids.length; i++) this._ids[first + i] = ids[i]!;
    this._loadedRows += ids.length;
    if (this._groupOf) {
      this._growGroups(first + ids.length - 1);
      if (group !== undefined) this._rowGroups.fill(this._groupNumber(group), first, first + ids.length);
      else for (let i = 0; i < ids.length; i++) this._rowGroups[first + i] = this._groupNumber(this._groupOf(ids[i]!));
    }
    return first;
  }

  /** The id → row map, built from `_ids` the first time it is needed after `loadBlock`. */
  private get _rows(): Map<Id, number> {
    if (this._rowMap === null) {
      const map = new Map<Id, number>();
      this._ids.forEach((id, row) => {
        if (id !== undefined) map.set(id, row);
      });
      this._rowMap = map;
      this._loadedRows = 0;
    }
    return this._rowMap;
  }

  /**
   * Adds a block of passages at once, as read from a stored block of the library: passage `ids[i]` gets vector i
   * of `codes` (`ids.length × dims`) and `scales`, and text `texts[i]` for BM25. With `texts` null BM25 is left
   * to the caller (e.g. filled later through `lexical.add(rowOf(id), text)` so the first dense answer does not
   * wait for it). Ids already present are replaced; an id twice in one block is a caller bug and throws.
   * `group`, when given, is `groupOf` of every id of the block (a stored block holds one document's passages),
   * so it is looked up once per block instead of once per row. `residuals`: the rows' residual codes, when the
   * block has them. Returns the first new row; the rows are consecutive.
   */
  addBlock(
    ids: readonly Id[],
    texts: readonly string[] | null,
    codes: Int8Array,
    scales: Float32Array,
    group?: string,
    residuals?: Uint8Array | null,
  ): number {
    if (scales.length !== ids.length || (texts !== null && texts.length !== ids.length)) {
      throw new Error(`Passage: block of ${ids.length} ids has ${scales.length} scales and ${texts?.length ?? 'no'} texts`);
    }
    if (new Set(ids).size !== ids.length) throw new Error('Passage: the same passage id twice in one block');
    if (this._rows.size > 0) for (const id of ids) if (this._rows.has(id)) this.remove(id);
    const first = this.vectors.addBlock(codes, scales, residuals);
    // One group for the whole block (a stored block is one document's): looked up once, not once per row.
    const groupNumber = group !== undefined && this._groupOf ? this._groupNumber(group) : undefined;
    if (groupNumber !== undefined) this._growGroups(first + ids.length - 1);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const row = first + i;
      if (texts !== null) this._lexical.add(row, texts[i]!);
      this._ids[row] = id;
      this._rows.set(id, row);
      if (groupNumber === undefined) this._setGroup(row, id);
    }
    if (groupNumber !== undefined) this._rowGroups.fill(groupNumber, first, first + ids.length);
    return first;
  }

  /** The row of a passage, or undefined when it is not in the index. */
  rowOf(id: Id): number | undefined {
    return this._rows.get(id);
  }

  remove(id: Id): boolean {
    const row = this._rows.get(id);
    if (row === undefined) return false;
    this.vectors.remove(row);
    this._lexical.remove(row);
    this._ids[row] = undefined;
    this._rows.delete(id);
    if (this.vectors.removedCount > this.vectors.rowCount * COMPACT_RATIO) this.compact();
    return true;
  }

  /** The passage id stored at `row`; throws for an empty row (a bug in the caller). */
  idAt(row: number): Id {
    const id = this._ids[row];
    if (id === undefined) throw new Error(`Passage: no passage at row ${row}`);
    return id;
  }

  compact(): void {
    const remap = this.vectors.compact();
    this._lexical.remap(remap);
    const ids: (Id | undefined)[] = [];
    const groups = this._rowGroups;
    remap.forEach((newRow, oldRow) => {
      const id = this._ids[oldRow];
      if (newRow < 0 || id === undefined) return;
      ids[newRow] = id;
      this._rows.set(id, newRow);
      // newRow ≤ oldRow: moving down in place never overwrites a row still to be read.
      if (oldRow < groups.length) groups.copyWithin(newRow, oldRow, oldRow + 1);
    });
    this._ids = ids;
  }
}
