/**
 * Failures turned into sentences for people (core/faults.ts does the wording): with how much storage is used when
 * storage is full, and with the browser's online state so a download failure can say "you are offline".
 */
import { classifyError, describeError } from '../core/faults.ts';
import { isAbortError } from '../shared/abort.ts';
import type { StorageInfo } from './api.ts';

/** The browser's online state; undefined where there is no navigator (Node tests). */
export function onlineState(): { online?: boolean } {
  const online = typeof navigator === 'undefined' ? undefined : navigator.onLine;
  return online === undefined ? {} : { online };
}

export class ReadableErrors {
  private readonly _storage: () => Promise<StorageInfo>;

  constructor(storage: () => Promise<StorageInfo>) {
    this._storage = storage;
  }

  /** "<action>: <why, and what to do>", with the storage figures when storage is full. */
  async describe(error: unknown, action: string): Promise<string> {
    const storage = classifyError(error) === 'storage-full' ? await this._storage().catch(() => null) : null;
    return describeError(error, { action, storage, ...onlineState() });
  }

  /**
   * A fault (storage full, a worker that died twice, a broken model) as an Error whose message is for people;
   * other errors (our own readable ones, a cancel) pass through unchanged.
   */
  async forPeople(error: unknown, action: string): Promise<unknown> {
    if (classifyError(error) === 'other' || isAbortError(error)) return error;
    const people = new Error(await this.describe(error, action));
    people.name = error instanceof Error ? error.name : 'Error';
    return people;
  }
}
