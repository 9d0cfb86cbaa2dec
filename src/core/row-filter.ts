/**
 * A subset of an index's rows that a search may return — e.g. the passages of the documents a person picked.
 * The filter is applied inside ranking (the sign-code scan, the exact re-scoring, BM25's top rows), never by
 * dropping hits after a top-k: a search within a few documents still returns k hits from them.
 *
 * Both forms are kept because each pass wants one: the scan walks every row and asks the mask; a small subset
 * is scored exactly by walking its rows.
 */
export interface RowFilter {
  /** 1 for a row in the subset, 0 otherwise; as long as the index's row count (rows beyond it are out). */
  readonly mask: Uint8Array;
  /** The rows of the subset, ascending. */
  readonly rows: Int32Array;
}

/** The rows `r < rowCount` with `keep(r)`, as a RowFilter. */
export function rowFilter(rowCount: number, keep: (row: number) => boolean): RowFilter {
  const mask = new Uint8Array(rowCount);
  let count = 0;
  for (let row = 0; row < rowCount; row++) {
    if (keep(row)) {
      mask[row] = 1;
      count++;
    }
  }
  const rows = new Int32Array(count);
  for (let row = 0, i = 0; i < count; row++) if (mask[row] === 1) rows[i++] = row;
  return { mask, rows };
}

export function inFilter(filter: RowFilter | undefined, row: number): boolean {
  return filter === undefined || filter.mask[row] === 1;
}
