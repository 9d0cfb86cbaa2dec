/** Small display formatters shared by the components. Pure; unit-tested. */

export { formatBytes } from '../core/byte-size.ts';

/** Seconds left → "about 5 s" / "about 3 min" / "about 1 h 20 min". */
export function formatEta(seconds: number | null): string {
  if (seconds == null || !Number.isFinite(seconds)) return '';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `about ${Math.max(1, s)} s left`;
  const min = Math.round(s / 60);
  if (min < 60) return `about ${min} min left`;
  return `about ${Math.floor(min / 60)} h ${min % 60} min left`;
}

/** Items per second with sensible precision. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '';
  return `${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)}/s`;
}

/** A timestamp as a short local date, e.g. "25 Jan 2016". */
export function formatDate(timestamp: number, locale?: string): string {
  return new Date(timestamp).toLocaleDateString(locale, { day: 'numeric', month: 'short', year: 'numeric' });
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

/** A passage split around its highlighted sentence; offsets are clamped so a stale range can't throw. */
export function highlightParts(
  text: string,
  range: { start: number; end: number } | null,
): { before: string; marked: string; after: string } {
  if (!range) return { before: text, marked: '', after: '' };
  const start = Math.max(0, Math.min(text.length, range.start));
  const end = Math.max(start, Math.min(text.length, range.end));
  return { before: text.slice(0, start), marked: text.slice(start, end), after: text.slice(end) };
}
