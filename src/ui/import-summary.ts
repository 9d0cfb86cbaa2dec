/**
 * The one message a multi-file import ends with: "200 files: 198 added, 2 already in your library", then the
 * files that were not added, each with its reason (the first few, then how many more). A single file keeps its
 * own sentence. Pure; unit-tested.
 */
import type { BatchOutcome } from '../import/batch.ts';
import { plural } from './format.ts';

/** Failures listed by name; the rest are counted. */
export const LISTED_FAILURES = 5;

export interface Summary {
  kind: 'success' | 'info' | 'error';
  /** Lines separated by "\n". */
  message: string;
}

export function addedMessage(title: string, passages: number): string {
  return `Added “${title}” (${plural(passages, 'passage')}).`;
}

export function duplicateMessage(title: string): string {
  return `“${title}” is already in your library.`;
}

/** `noun`: what was handed in ("file" for files, "document" for samples or pasted texts). */
export function batchSummary(batch: BatchOutcome, noun = 'file'): Summary {
  const { outcomes, total, cancelled } = batch;
  const failed = outcomes.filter((o) => o.status === 'failed');
  const added = outcomes.filter((o) => o.status === 'added').length;
  const duplicates = outcomes.length - failed.length - added;
  const kind = failed.length > 0 ? 'error' : added > 0 ? 'success' : 'info';

  const [only] = outcomes;
  if (total === 1 && outcomes.length === 1 && only) {
    const message =
      only.status === 'added'
        ? addedMessage(only.title, only.passages)
        : only.status === 'duplicate'
          ? duplicateMessage(only.title)
          : only.message;
    return { kind, message };
  }

  const parts: string[] = [];
  if (added || (!duplicates && !failed.length)) parts.push(`${added.toLocaleString()} added`);
  if (duplicates) parts.push(`${duplicates.toLocaleString()} already in your library`);
  if (failed.length) parts.push(`${failed.length.toLocaleString()} not added`);
  const notRead = total - outcomes.length;
  if (cancelled) parts.push(`${notRead.toLocaleString()} not read (cancelled)`);
  const lines = [`${plural(total, noun)}: ${parts.join(', ')}.`];
  for (const failure of failed.slice(0, LISTED_FAILURES)) lines.push(failure.message);
  if (failed.length > LISTED_FAILURES) lines.push(`…and ${plural(failed.length - LISTED_FAILURES, `other ${noun}`)} not added.`);
  return { kind: cancelled && kind !== 'error' ? 'info' : kind, message: lines.join('\n') };
}
