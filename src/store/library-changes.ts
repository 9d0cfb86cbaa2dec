/**
 * How the library workers of several tabs stay in agreement. Each tab's library worker holds its own in-memory
 * SearchIndex, built from IndexedDB at start; after every write it commits, it posts a change notice on a
 * BroadcastChannel named after the database, and every other tab's library worker applies the notice to its own
 * index (reading what it needs from IndexedDB, never trusting the message for data) and tells its page.
 *
 * Why notices carry ids, not vectors: the database is the single source of truth. A receiver reads the passages
 * and vectors the notice names at the time it applies it, so notices from different tabs may arrive in any
 * order and the index still ends up as the database is: a passage deleted before its "rows added" notice is
 * applied is simply not found, and a deletion applied after rows were added removes them again. Notices are
 * applied one at a time, in the order they arrived.
 */
import type { SearchIndex } from '../core/search-index.ts';
import type { Library } from './library.ts';
import { docIdOf, type IndexedPassage } from './library-types.ts';

/** Bumped when the notices change shape: a receiver that does not know a version reloads its whole index. */
export const CHANGE_PROTOCOL = 1;

export type LibraryChange =
  /** Passages got search rows (vectors stored, or a new document's passages shared stored vectors). */
  | { kind: 'rows-added'; passageIds: string[] }
  /** New documents were stored (their passages that already had vectors are in `passageIds`). */
  | { kind: 'documents-added'; documentIds: string[]; passageIds: string[] }
  /** Documents and all their passages were deleted. */
  | { kind: 'documents-deleted'; documentIds: string[] }
  /** A document was split again (re-index): these passages lost their rows and will be embedded anew. */
  | { kind: 'rows-removed'; documentIds: string[]; passageIds: string[] }
  /** Everything may have changed (library cleared, library file imported): read the whole index again. */
  | { kind: 'reload' };

/** What a page needs to know after another tab changed the library. */
export interface RemoteChange {
  /** The list of documents (or their titles) changed, not only indexed counts. */
  documents: boolean;
  /** The change may have left passages waiting for a vector: a tab that may index should offer to. */
  pending: boolean;
}

interface Envelope {
  v: number;
  change: LibraryChange;
}

/** Passages read per transaction when applying rows another tab stored. */
const ROWS_PER_READ = 1000;

/** The channel all tabs of one database share. */
export function channelName(dbName: string): string {
  return `passage-library:${dbName}`;
}

/** What a notice means for the page (see RemoteChange). */
export function describeChange(change: LibraryChange): RemoteChange {
  switch (change.kind) {
    case 'rows-added':
      return { documents: false, pending: false };
    case 'documents-deleted':
      return { documents: true, pending: false };
    default:
      return { documents: true, pending: true };
  }
}

/** A received message as a change; anything unknown (a newer tab's notice) asks for a full reload. */
export function parseEnvelope(data: unknown): LibraryChange {
  const envelope = data as { v?: unknown; change?: unknown } | null;
  if (!envelope || envelope.v !== CHANGE_PROTOCOL || typeof envelope.change !== 'object' || envelope.change === null) {
    return { kind: 'reload' };
  }
  const change = envelope.change as { kind?: unknown };
  const lists = (...keys: string[]) =>
    keys.every((key) => Array.isArray((change as Record<string, unknown>)[key]) && ((change as Record<string, unknown>)[key] as unknown[]).every((x) => typeof x === 'string'));
  switch (change.kind) {
    case 'rows-added':
      return lists('passageIds') ? (change as LibraryChange) : { kind: 'reload' };
    case 'documents-added':
      return lists('documentIds', 'passageIds') ? (change as LibraryChange) : { kind: 'reload' };
    case 'documents-deleted':
      return lists('documentIds') ? (change as LibraryChange) : { kind: 'reload' };
    case 'rows-removed':
      return lists('documentIds', 'passageIds') ? (change as LibraryChange) : { kind: 'reload' };
    default:
      return { kind: 'reload' };
  }
}

/**
 * The passages with these ids that exist now and have a vector for the library's model, with that vector —
 * what the search index needs to give them rows. Read in one short transaction per chunk.
 */
export async function readIndexedPassages(library: Library, passageIds: readonly string[]): Promise<IndexedPassage[]> {
  const out: IndexedPassage[] = [];
  for (let start = 0; start < passageIds.length; start += ROWS_PER_READ) {
    const passages = (await library.getPassagesById(passageIds.slice(start, start + ROWS_PER_READ))).filter((p) => p !== undefined);
    const rows = await library.blockRows(passages.map((p) => p.id));
    for (const passage of passages) {
      const vector = rows.get(passage.id);
      if (vector) out.push({ passage, vector });
    }
  }
  return out;
}

/**
 * Applies a notice that changes rows to `index` (a 'reload' is the caller's: it rebuilds the index). Returns
 * whether the index changed, i.e. whether its word index needs saving.
 */
export async function applyChange(index: SearchIndex, library: Library, change: LibraryChange): Promise<boolean> {
  switch (change.kind) {
    case 'rows-added':
    case 'documents-added': {
      const rows = await readIndexedPassages(library, change.passageIds);
      for (const { passage, vector } of rows) index.add(passage.id, passage.text, vector.q, vector.scale);
      return rows.length > 0;
    }
    case 'documents-deleted': {
      const doomed = new Set(change.documentIds);
      const gone = [...index.ids()].filter((id) => doomed.has(docIdOf(id)));
      for (const id of gone) index.remove(id);
      return gone.length > 0;
    }
    case 'rows-removed': {
      let removed = false;
      for (const id of change.passageIds) removed = index.remove(id) || removed;
      return removed;
    }
    case 'reload':
      throw new Error('Passage: a reload notice rebuilds the index; it is not applied row by row');
  }
}

/**
 * One tab's end of the channel: `post` tells the other tabs about a committed write; notices from them are
 * handed to `apply` one at a time, in arrival order. Where BroadcastChannel is missing, posting does nothing
 * and nothing arrives (a single tab has nobody to agree with).
 */
export class LibraryChanges {
  private readonly _channel: BroadcastChannel | null;
  private _queue: Promise<void> = Promise.resolve();

  constructor(dbName: string, apply: (change: LibraryChange) => Promise<void>) {
    this._channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(channelName(dbName)) : null;
    if (this._channel) {
      this._channel.onmessage = (event: MessageEvent) => {
        const change = parseEnvelope(event.data);
        this._queue = this._queue
          .then(() => apply(change))
          .catch((error: unknown) => console.error('Passage: a change made in another tab could not be applied', error));
      };
    }
  }

  post(change: LibraryChange): void {
    const envelope: Envelope = { v: CHANGE_PROTOCOL, change };
    try {
      this._channel?.postMessage(envelope);
    } catch (error) {
      // A closed channel (the worker is shutting down): the other tabs read the database at their next start.
      console.warn('Passage: other tabs could not be told about a change', error);
    }
  }

  /** Resolves once every notice received so far has been applied (tests). */
  settled(): Promise<void> {
    return this._queue;
  }

  close(): void {
    this._channel?.close();
  }
}
