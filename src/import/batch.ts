/**
 * Many files at once (a folder's worth, 10,000 of them): read and add one file at a time — so memory holds one
 * file's text, not all of them — and report one progress and one outcome instead of a message per file.
 * Cancelling stops before the next file; a file already added stays (each is stored in one transaction by the
 * library), the one being read is dropped, nothing is half-stored. DOM-free; unit-tested with fakes.
 */
import type { AddResult, ImportedText } from '../core/types.ts';
import { classifyError, reasonFor } from '../core/faults.ts';
import { isAbortError } from '../shared/abort.ts';
import { ImportError } from './errors.ts';

export type FileOutcome =
  | { name: string; status: 'added'; title: string; passages: number }
  | { name: string; status: 'duplicate'; title: string }
  /** `message` names the file and the reason, for the person as is. */
  | { name: string; status: 'failed'; message: string };

export interface BatchOutcome {
  /** Files handed in. */
  total: number;
  /** One per file handled, in order; files not reached after a cancel have none. */
  outcomes: FileOutcome[];
  cancelled: boolean;
}

export interface BatchProgress {
  /** Files finished so far. */
  done: number;
  total: number;
  /** The file being read or added now. */
  current: string;
}

export interface BatchSteps<F extends { name: string }> {
  read(file: F, signal: AbortSignal): Promise<ImportedText>;
  add(doc: ImportedText): Promise<AddResult>;
  signal?: AbortSignal;
  onProgress?(progress: BatchProgress): void;
}

function messageOf(name: string, error: unknown): string {
  if (error instanceof ImportError) return error.message;
  if (classifyError(error) === 'file-gone') return `“${name}” could not be added: ${reasonFor(error)}`;
  const text = (error instanceof Error ? error.message : String(error)).replace(/^Passage:\s*/, '');
  // Errors from the library are already sentences about the document; anything else gets the file's name.
  return text.includes(name) ? text : `“${name}” could not be added: ${text}`;
}

export async function importBatch<F extends { name: string }>(files: readonly F[], steps: BatchSteps<F>): Promise<BatchOutcome> {
  const signal = steps.signal ?? new AbortController().signal;
  const outcomes: FileOutcome[] = [];
  for (const file of files) {
    if (signal.aborted) break;
    const name = file.name || 'file';
    steps.onProgress?.({ done: outcomes.length, total: files.length, current: name });
    try {
      const doc = await steps.read(file, signal);
      // A cancel while reading drops this file; once `add` starts, the file is stored whole or not at all.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an abort can come during the await; TypeScript keeps the narrowing (microsoft/TypeScript#9998)
      if (signal.aborted) break;
      const added = await steps.add(doc);
      outcomes.push(
        added.duplicate
          ? { name, status: 'duplicate', title: doc.title }
          : { name, status: 'added', title: doc.title, passages: added.passageCount },
      );
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- an abort can come during the await; TypeScript keeps the narrowing (microsoft/TypeScript#9998)
      if (isAbortError(error) || signal.aborted) break;
      if (!(error instanceof ImportError)) console.warn(`Passage: ${name} was not added`, error);
      outcomes.push({ name, status: 'failed', message: messageOf(name, error) });
    }
  }
  steps.onProgress?.({ done: outcomes.length, total: files.length, current: '' });
  return { total: files.length, outcomes, cancelled: signal.aborted && outcomes.length < files.length };
}
