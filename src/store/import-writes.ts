/**
 * A library file's documents written into the store (addImported: documents, passages, the vectors the library
 * lacks and their search rows), and what makes those IndexedDB writes cheaper.
 *
 * Profiled at 100,000 passages in headless Chromium (bench/import-profile.ts --cpu-profile; docs/BENCHMARKS.md
 * "Library files"): of the library worker's 36 s of CPU, ~6 s went to idb's promise wrapping of each request
 * (listeners added and removed, `result` read, a promise settled) for writes whose results nobody reads, and 4.6 s
 * to one `getKey` per passage asking whether its text already had a vector — each a read in the browser process too.
 */
import { unwrap, type IDBPObjectStore } from 'idb';
import { textChunks } from './schema.ts';
import { modelRange } from './key-ranges.ts';
import { appendRows, rowOf, sharedRows, type BlockRow } from './vector-blocks.ts';
import {
  docIdOf,
  ordinalOf,
  passageId,
  type ImportedDocument,
  type LibraryModel,
  type LibraryState,
  type ReadWriteTransaction,
  type Row,
} from './library-types.ts';
import { itemAt } from './checked.ts';

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

/**
 * Stores whole documents brought in by a library file, with their passages, the vectors the library lacks and
 * the search rows of every passage that has a vector — in one transaction, so none is ever seen half-stored.
 * A document whose text is already here is skipped. A vector new to the library also gives rows to stored
 * passages (of other documents) that share its text and were still waiting for it.
 */
export async function addImported(
  state: LibraryState,
  group: readonly ImportedDocument[],
  ownVectors?: ImportedVectorKeys,
): Promise<{ id: string; passages: number }[]> {
  const tx = state.db.transaction(['documents', 'textChunks', 'passages', 'vectors', 'vectorBlocks'], 'readwrite');
  try {
    return await addGroup(tx, state.model, group, ownVectors);
  } catch (error) {
    // A write issued on a plain store (plainStore above) that failed aborted the transaction: its error is the
    // cause, not the AbortError of whatever was awaited next. Any other failure aborts it here, so nothing
    // issued so far commits.
    const cause = tx.error ?? error;
    try {
      tx.abort();
    } catch {
      // finished or aborted already
    }
    throw cause;
  }
}

/** addImported inside its transaction (which it aborts on any failure). */
async function addGroup(
  tx: ReadWriteTransaction,
  model: LibraryModel,
  group: readonly ImportedDocument[],
  ownVectors?: ImportedVectorKeys,
): Promise<{ id: string; passages: number }[]> {
  const modelId = model.id;
  tx.done.catch(() => undefined); // awaited at the end; an abort surfaces through the first await that sees it
  const documents = tx.objectStore('documents');
  const vectors = tx.objectStore('vectors');
  const plainDocuments = plainStore(documents);
  const plainChunks = plainStore(tx.objectStore('textChunks'));
  const plainPassages = plainStore(tx.objectStore('passages'));
  const plainVectors = plainStore(vectors);
  // Which documents are here already, and which ids are taken: asked for all at once (one round-trip).
  const [present, taken, waiting, vectorCount] = await Promise.all([
    Promise.all(group.map(({ document }) => documents.index('by-sha256').count(document.sha256))),
    Promise.all(group.map(({ document }) => documents.count(document.id))),
    documents.getAll(),
    ownVectors?.usable ? vectors.count(modelRange(modelId)) : Promise.resolve(-1),
  ]);
  const stored: { id: string; passages: ImportedDocument['passages'] }[] = [];
  // Vectors of documents already here: stored only where one of their passages still waits for it.
  const forSkipped = new Map<string, Row>();
  group.forEach(({ document, passages }, g) => {
    if (present[g]) {
      for (const p of passages) if (p.vector) forSkipped.set(p.contentHash, p.vector);
      return;
    }
    // A random id collision is unlikely, but must not overwrite another document.
    const id = taken[g] ? crypto.randomUUID() : document.id;
    const { text, ...metadata } = document;
    // `put`, not `add`: the id is free (checked above, in this transaction), so no record of it can be
    // overwritten, and `add` would cost a look-up per record in the browser process.
    for (const chunk of textChunks(id, text)) plainChunks.put(chunk);
    for (const { vector: _vector, ...p } of passages) plainPassages.put({ ...p, id: passageId(id, p.ordinal), docId: id });
    stored.push({ id, passages });
    plainDocuments.add({ ...metadata, id, passageCount: passages.length, indexedCount: 0 });
  });
  // Which texts have a vector already (keys only), and which get one from the file.
  const hashes = [...new Set([...stored.flatMap((d) => d.passages.map((p) => p.contentHash)), ...forSkipped.keys()])];
  let known: Set<string>;
  if (ownVectors?.answers(vectorCount)) {
    known = new Set(hashes.filter((h) => ownVectors.keys.has(h)));
  } else {
    const existing = await Promise.all(hashes.map((h) => vectors.getKey([modelId, h])));
    known = new Set(hashes.filter((_h, i) => existing[i] !== undefined));
  }
  const fresh = new Map<string, Row>();
  for (const { passages } of stored) {
    for (const p of passages) {
      if (!p.vector || known.has(p.contentHash) || fresh.has(p.contentHash)) continue;
      fresh.set(p.contentHash, p.vector);
      plainVectors.add({}, [modelId, p.contentHash]);
    }
  }
  // Stored passages wait for a vector only in documents not fully indexed: with none (the usual import into an
  // indexed library) no text of the file can be waiting, and no sharer is looked up per vector.
  const someWait = waiting.some((d) => d.indexedCount < d.passageCount);
  const byHash = tx.objectStore('passages').index('by-hash');
  if (someWait) {
    for (const [hash, v] of forSkipped) {
      if (known.has(hash) || fresh.has(hash) || (await byHash.count(hash)) === 0) continue;
      fresh.set(hash, v);
      plainVectors.add({}, [modelId, hash]);
    }
  }
  const ownIds = new Set(stored.map((d) => d.id));
  // A passage whose text the library had embedded already: its row from the file, else from the sharer's block.
  const missing = stored.flatMap((d) => d.passages.filter((p) => !p.vector && known.has(p.contentHash)).map((p) => p.contentHash));
  const borrowed = await sharedRows(tx, model, [...new Set(missing)], (id) => !ownIds.has(docIdOf(id)));
  const rows: BlockRow[] = [];
  for (const { id, passages } of stored) {
    for (const p of passages) {
      const vector = known.has(p.contentHash) ? (p.vector ?? borrowed.get(p.contentHash)) : fresh.get(p.contentHash);
      if (vector) rows.push({ docId: id, ordinal: p.ordinal, ...rowOf(vector) });
    }
  }
  if (someWait) {
    // Keys only: a sharer's id says its document and ordinal, all a block row needs.
    const sharers = await Promise.all([...fresh.keys()].map((hash) => byHash.getAllKeys(hash)));
    [...fresh.values()].forEach((vector, i) => {
      for (const id of itemAt(sharers, i, 'sharer list')) {
        const docId = docIdOf(id);
        if (!ownIds.has(docId)) rows.push({ docId, ordinal: ordinalOf(id), ...vector });
      }
    });
  }
  await appendRows(tx, model, rows);
  await tx.done;
  for (const hash of fresh.keys()) ownVectors?.keys.add(hash); // committed: the set may answer for them
  return stored.map((d) => ({ id: d.id, passages: d.passages.length }));
}
