/**
 * What the library list shows of a large library: the documents whose title matches what the person typed, in
 * the order they chose, and which of them are on screen. Pure; unit-tested (library-view.test.ts).
 */
import type { DocumentSummary } from '../app/api.ts';

export type LibrarySort = 'newest' | 'oldest' | 'title' | 'largest';

export const SORT_LABELS: Record<LibrarySort, string> = {
  newest: 'Newest first',
  oldest: 'Oldest first',
  title: 'Title A–Z',
  largest: 'Largest first',
};

export function isLibrarySort(value: unknown): value is LibrarySort {
  return typeof value === 'string' && Object.hasOwn(SORT_LABELS, value);
}

/** Lower case without accents, so "Etude" finds "Étude". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * The documents whose title holds every word of `query` (any order, case and accents ignored), sorted by `sort`;
 * ties keep the order of `documents`. An empty query keeps every document.
 */
export function viewDocuments(documents: readonly DocumentSummary[], query: string, sort: LibrarySort): DocumentSummary[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const matching = words.length
    ? documents.filter((d) => {
        const title = fold(d.title);
        return words.every((w) => title.includes(w));
      })
    : [...documents];
  const compare: Record<LibrarySort, (a: DocumentSummary, b: DocumentSummary) => number> = {
    newest: (a, b) => b.added - a.added,
    oldest: (a, b) => a.added - b.added,
    title: (a, b) => collator.compare(a.title, b.title),
    largest: (a, b) => b.size - a.size,
  };
  return matching.sort(compare[sort]);
}

export interface WindowInput {
  /** Rows in the whole list. */
  count: number;
  /** Height of one row, px (every row has the same height). */
  rowHeight: number;
  /** The scroller's scrollTop and clientHeight, px. */
  scrollTop: number;
  viewport: number;
  /** Rows rendered beyond each edge of the viewport, so Tab and small scrolls find a row already there. */
  overscan: number;
}

/** The rows `[start, end)` to render: those in the viewport plus `overscan` on each side. */
export function windowRange({ count, rowHeight, scrollTop, viewport, overscan }: WindowInput): { start: number; end: number } {
  if (count <= 0 || !(rowHeight > 0)) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const last = Math.ceil((Math.max(0, scrollTop) + Math.max(0, viewport)) / rowHeight);
  const start = Math.max(0, Math.min(first, count - 1) - overscan);
  const end = Math.min(count, Math.max(last, first + 1) + overscan);
  return { start, end };
}
