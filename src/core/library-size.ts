/**
 * How "large" a library is, for the ranking settings that change with size (core/rank.ts `denseWeightFor`): 0 up to SMALL_LIBRARY_ROWS passages, 1 from LARGE_LIBRARY_ROWS,
 * log-linear between. Measured at ≤ 200 and 10,473 passages only (docs/BENCHMARKS.md, "Many documents"); the
 * ramp between is a guess.
 */
export const SMALL_LIBRARY_ROWS = 1_000;
export const LARGE_LIBRARY_ROWS = 10_000;

export function largeLibraryShare(rows: number): number {
  if (!(rows > SMALL_LIBRARY_ROWS)) return 0;
  if (rows >= LARGE_LIBRARY_ROWS) return 1;
  return Math.log(rows / SMALL_LIBRARY_ROWS) / Math.log(LARGE_LIBRARY_ROWS / SMALL_LIBRARY_ROWS);
}
