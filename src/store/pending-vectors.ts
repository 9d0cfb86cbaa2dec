/**
 * The indexer's side of the library: which passages still need a vector for the current model (read a chunk at a
 * time, from where the last call stopped), and storing a batch of embedded vectors with their search rows.
 */
import { META_KEY, type Database, type PassageRecord, type VectorRecord } from './schema.ts';
import { withTexts } from './passage-texts.ts';
import { appendRows, rowOf } from './vector-blocks.ts';
import type { IndexedPassage, LibraryState, NewVector, PendingText, ReadWriteTransaction, Row } from './library-types.ts';
import { itemAt, valueOf } from './checked.ts';

/** Passages read per request when looking for pending work. */
const PENDING_CHUNK = 256;

/** How many passages still need a vector for the current model (from the documents' counts: no passage read). */
export async function pendingCount(db: Database): Promise<number> {
  const documents = await db.getAll('documents');
  return documents.reduce((sum, d) => sum + Math.max(0, d.passageCount - d.indexedCount), 0);
}

/**
 * Up to `limit` passages without a vector for the current model, one per content hash, in the order documents
 * were added. Reads only documents that have pending passages, a chunk at a time from where the previous call
 * stopped in that document, so embedding a 70k-passage document never rereads what it already embedded.
 */
export async function pendingTexts(state: LibraryState, limit = Infinity): Promise<PendingText[]> {
  const { db, model, pendingFrom } = state;
  const pending = new Map<string, PendingText>();
  const documents = (await db.getAll('documents'))
    .filter((d) => d.indexedCount < d.passageCount)
    .sort((a, b) => a.added - b.added);
  for (const document of documents) {
    let from = pendingFrom.get(document.id);
    // Started at the top: one pass suffices. Started at a marker: read to the end, then once from the top
    // (passages handed out to a run that was cancelled before storing them are found again there).
    let wrapped = from === undefined;
    while (pending.size < limit) {
      const range = IDBKeyRange.bound([document.id, from ?? -1], [document.id, Infinity], true, true);
      const tx = db.transaction(['passages', 'vectors', 'textChunks'], 'readonly');
      const chunk = await tx.objectStore('passages').index('by-position').getAll(range, PENDING_CHUNK);
      const vectorKeys = await Promise.all(
        chunk.map((p) => tx.objectStore('vectors').getKey([model.id, p.contentHash])),
      );
      let last: PassageRecord | undefined;
      const wanted: PassageRecord[] = [];
      const hashes = new Set(pending.keys());
      for (const [i, passage] of chunk.entries()) {
        if (hashes.size >= limit) break;
        last = passage;
        if (vectorKeys[i] === undefined && !hashes.has(passage.contentHash)) {
          hashes.add(passage.contentHash);
          wanted.push(passage);
        }
      }
      // Their texts: one read of the chunks these neighbouring passages span.
      for (const { contentHash, context, text } of await withTexts(tx.objectStore('textChunks'), wanted)) {
        pending.set(contentHash, { contentHash, context, text });
      }
      await tx.done;
      if (!last) {
        pendingFrom.delete(document.id);
        if (wrapped) break;
        wrapped = true;
        from = undefined;
        continue;
      }
      // Everything up to `last` is either embedded or handed out now; the next call continues after it.
      from = last.ordinal;
      pendingFrom.set(document.id, from);
    }
    if (pending.size >= limit) break;
  }
  return [...pending.values()];
}

/**
 * Stores one batch of vectors in one transaction and returns the passages that now have a vector. A hash whose
 * passages were all deleted while it was being embedded is skipped, so no orphan vector is written.
 */
export async function storeVectors(state: LibraryState, modelId: string, batch: readonly NewVector[]): Promise<IndexedPassage[]> {
  const { db, model } = state;
  if (modelId !== model.id) throw new Error(`Passage: vectors of ${modelId} offered to a ${model.id} library`);
  const tx = db.transaction(['documents', 'passages', 'vectors', 'vectorBlocks', 'textChunks', 'meta'], 'readwrite');
  // Another tab switched the library to another model (it restarts too, model-manager.ts): documents now count
  // that model's rows, so a batch of this model's is not stored (it is embedded again when this model returns).
  const meta = await tx.objectStore('meta').get(META_KEY);
  if (meta && meta.modelId !== modelId) {
    tx.abort();
    await tx.done.catch(() => undefined);
    throw new Error(`Passage: the library now uses ${meta.modelId}; vectors of ${modelId} were not stored`);
  }
  const byHash = tx.objectStore('passages').index('by-hash');
  const vectors = tx.objectStore('vectors');
  const found = await Promise.all(batch.map((item) => Promise.all([byHash.getAll(item.contentHash), vectors.getKey([modelId, item.contentHash])])));
  const rows: { passage: PassageRecord; vector: Row }[] = [];
  batch.forEach((item, i) => {
    const [passages, existing] = itemAt(found, i, 'lookup');
    // Gone while it was being embedded (no orphan vector), or stored already by an earlier run.
    if (passages.length === 0 || existing !== undefined) return;
    const vector: VectorRecord = item.sentences ? { sentences: item.sentences } : {};
    void vectors.put(vector, [modelId, item.contentHash]);
    const row = rowOf(item);
    for (const passage of passages) rows.push({ passage, vector: row });
  });
  // The transaction also spans `meta` (the check above); appendRows uses only the stores its type names.
  await appendRows(
    tx as unknown as ReadWriteTransaction,
    model,
    rows.map(({ passage, vector }) => ({ docId: passage.docId, ordinal: passage.ordinal, ...vector })),
  );
  // The search index needs their texts: the batch is neighbouring passages, so this is a read or two.
  const texts = new Map((await withTexts(tx.objectStore('textChunks'), rows.map((r) => r.passage))).map((p) => [p.id, p]));
  await tx.done;
  return rows.map(({ passage, vector }) => ({ passage: valueOf(texts, passage.id, 'passage text'), vector }));
}
