/**
 * What makes a library-file import's IndexedDB writes cheaper (Library.addImported), kept apart from the library.
 *
 * Profiled at 100,000 passages in headless Chromium (bench/import-profile.ts --cpu-profile; docs/BENCHMARKS.md
 * "Library files"): of the library worker's 36 s of CPU, ~6 s went to idb's promise wrapping of each request
 * (listeners added and removed, `result` read, a promise settled) for writes whose results nobody reads, and 4.6 s
 * to one `getKey` per passage asking whether its text already had a vector — each a read in the browser process too.
 */
import { unwrap, type IDBPObjectStore } from 'idb';

/**
 * The plain IDBObjectStore under idb's wrapper: a write issued on it costs no promise or listeners. A failed write
 * aborts the transaction, and the transaction's `done` rejects with that write's error, so nothing is lost by not
 * listening to each request.
 */
export function plainStore(store: IDBPObjectStore<never, never, never, 'readwrite'> | { readonly name: string }): IDBObjectStore {
  return unwrap(store as never) as unknown as IDBObjectStore;
}

/**
 * The vector keys ([modelId, contentHash]) one import wrote, while they are all the model has: then a later group
 * of the same import knows which of its texts have a vector from this set instead of a `getKey` each. Holds only
 * while the model's key count in the store equals the set's size (checked by one `count` in each group's own
 * transaction): it starts out true only when the model had no vector at all, and once false (another tab indexed
 * or deleted meanwhile, or the library was not empty) the import asks per key, as before. Vector records are still
 * written with `add`, so a key this set wrongly thought absent aborts the transaction (the import is undone)
 * rather than overwriting anything.
 */
export class ImportedVectorKeys {
  readonly keys = new Set<string>();
  private _usable = true;

  /** Whether this set may answer for the store, given the model's key count in the current transaction. */
  answers(storedCount: number): boolean {
    if (this._usable && storedCount !== this.keys.size) this._usable = false;
    return this._usable;
  }

  get usable(): boolean {
    return this._usable;
  }
}
