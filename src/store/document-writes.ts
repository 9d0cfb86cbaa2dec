/**
 * A document's life in the store: adding it with its passages, re-splitting it, deleting it, and clearing the
 * library. Every change that must not be seen half-done (a document with only some passages, a deletion that
 * leaves orphans) is one transaction.
 */
import type { ImportedText } from '../core/types.ts';
import { sha256Hex } from '../core/hash.ts';
import { SPLIT_RECIPE, vectorKey, type PassageSpan } from '../core/split.ts';
import { textChunks, type DocumentRecord, type PassageRecord } from './schema.ts';
import { documentBlocks, documentChunks, documentPassages } from './key-ranges.ts';
import { storedBlockModels, storedVectorModels } from './model-vectors.ts';
import { appendRows, dropRows, sharedRows } from './vector-blocks.ts';
import { docIdOf, ordinalOf, passageId, type AddedDocument, type IndexedPassage, type LibraryState } from './library-types.ts';
import { itemAt } from './checked.ts';

/** Content hashes checked per transaction when a deleted document's unused vectors are swept. */
const VECTOR_SWEEP_CHUNK = 2000;

/**
 * Stores the document and all its passages in one transaction; a duplicate of stored text writes nothing.
 * Vectors are read in the same transaction, so a passage is either in `indexed` here or in the result of a later
 * `storeVectors` for its hash, never in neither.
 */
export async function addDocument(state: LibraryState, input: ImportedText, spans: readonly PassageSpan[]): Promise<AddedDocument> {
  const { db, model } = state;
  // Hash before the transaction opens: awaiting anything but IndexedDB inside it would commit it early.
  const sha256 = await sha256Hex(input.text);
  const hashes = await contentHashes(spans);
  const id = crypto.randomUUID();

  const tx = db.transaction(['documents', 'textChunks', 'passages', 'vectors', 'vectorBlocks'], 'readwrite');
  const existing = await tx.objectStore('documents').index('by-sha256').get(sha256);
  if (existing) {
    await tx.done;
    return { documentId: existing.id, duplicate: true, passageCount: existing.passageCount, indexed: [] };
  }
  const document: DocumentRecord = {
    id,
    title: input.title,
    type: input.type,
    size: input.size,
    sha256,
    added: Date.now(),
    passageCount: spans.length,
    splitRecipe: SPLIT_RECIPE,
    indexedCount: 0,
  };
  const writes = requestGroup(tx);
  const vectors = tx.objectStore('vectors');
  const distinct = [...new Set(hashes)];
  const reads = distinct.map((hash) => vectors.getKey([model.id, hash]));
  for (const chunk of textChunks(id, input.text)) writes.issue(tx.objectStore('textChunks').add(chunk));
  const passages = spans.map((span, i) => ({ ...passageRecord(id, span, itemAt(hashes, i, 'hash')), text: span.text, context: span.context }));
  for (const { text: _text, context: _context, ...record } of passages) writes.issue(tx.objectStore('passages').add(record));
  writes.issue(tx.objectStore('documents').add(document));
  const found = await Promise.allSettled(reads);
  await writes.done(); // a failed write (a read fails only then) throws its own cause here
  const knownHashes = distinct.filter((_hash, i) => {
    const result = itemAt(found, i, 'lookup');
    return result.status === 'fulfilled' && result.value !== undefined;
  });
  // Texts embedded already (for another document): their rows are borrowed from that document's block.
  const known = await sharedRows(tx, model, knownHashes, (passage) => docIdOf(passage) !== id);
  const indexed: IndexedPassage[] = passages.flatMap((passage) => {
    const vector = known.get(passage.contentHash);
    return vector ? [{ passage, vector }] : [];
  });
  // Passages whose text already had a vector get their search rows (and count) now, in the same transaction.
  await appendRows(tx, model, indexed.map(({ passage, vector }) => ({ docId: id, ordinal: passage.ordinal, ...vector })));
  await tx.done;
  return { documentId: id, duplicate: false, passageCount: spans.length, indexed };
}

/**
 * Deletes a document, its passages, its search rows and the vectors no remaining passage uses — in one
 * transaction. Passages and blocks go by key range (one request each, however big the document); the shared-
 * vector check is one pipelined count per distinct text. Returns the ids of the deleted passages.
 */
export async function deleteDocument(state: LibraryState, id: string): Promise<string[]> {
  const { db } = state;
  // Read what goes first, in a read-only transaction that does not hold up searches reading passages.
  const doomed = await db.getAll('passages', documentPassages(id));
  const tx = db.transaction(['documents', 'textChunks', 'passages', 'vectorBlocks'], 'readwrite');
  // Every model's search rows of the document go (other models' too: their ids would point at nothing).
  const models = await storedBlockModels(tx);
  await Promise.all([
    tx.objectStore('passages').delete(documentPassages(id)),
    ...models.map((modelId) => tx.objectStore('vectorBlocks').delete(documentBlocks(modelId, id))),
    tx.objectStore('documents').delete(id),
    tx.objectStore('textChunks').delete(documentChunks(id)),
    tx.done,
  ]);
  state.pendingFrom.delete(id);
  // Then the vectors no remaining passage uses, in short transactions that searches can run between. A crash
  // here leaves unused vectors behind (space only: a passage with that text would use one again).
  const hashes = [...new Set(doomed.map((p) => p.contentHash))];
  const vectorModels = hashes.length > 0 ? await storedVectorModels(db.transaction('vectors', 'readonly')) : [];
  for (let start = 0; start < hashes.length; start += VECTOR_SWEEP_CHUNK) {
    const chunk = hashes.slice(start, start + VECTOR_SWEEP_CHUNK);
    const sweep = db.transaction(['passages', 'vectors'], 'readwrite');
    const remaining = await Promise.all(chunk.map((hash) => sweep.objectStore('passages').index('by-hash').count(hash)));
    const vectors = sweep.objectStore('vectors');
    await Promise.all([
      ...chunk.flatMap((hash, i) => (remaining[i] === 0 ? vectorModels.map((modelId) => vectors.delete([modelId, hash])) : [])),
      sweep.done,
    ]);
  }
  return doomed.map((p) => p.id);
}

/**
 * Re-indexing: replaces a document's passages with `spans` (a fresh split of its text) and forgets the current
 * model's vectors of both the old and the new passages, so the indexer embeds the document again — one
 * transaction, so a crash leaves either the old passages or the new ones. A vector shared with another
 * document's identical passage goes too. Returns the ids of every passage that left the search index (the old
 * ones and those that lost a shared vector). A document deleted meanwhile is left alone.
 */
export async function replacePassages(state: LibraryState, docId: string, spans: readonly PassageSpan[]): Promise<string[]> {
  const { db, model } = state;
  const hashes = await contentHashes(spans);
  const tx = db.transaction(['documents', 'passages', 'vectors', 'vectorBlocks', 'wordIndex'], 'readwrite');
  const document = await tx.objectStore('documents').get(docId);
  if (!document) {
    await tx.done;
    return [];
  }
  // Passage ids stay, their texts change: a saved word index no longer fits.
  const stamp = (await tx.objectStore('wordIndex').get('stamp'))?.stamp ?? 0;
  await tx.objectStore('wordIndex').put({ stamp: stamp + 1 }, 'stamp');
  const passages = tx.objectStore('passages');
  const old = await passages.getAll(documentPassages(docId));
  await passages.delete(documentPassages(docId));
  const removed = new Set(old.map((p) => p.id));
  // Every model's vectors of these texts go, not only the current one's: each model keeps rows and vectors in
  // step (model-vectors.ts), and re-embeds the document when it is next in use.
  const models = [...new Set([model.id, ...(await storedBlockModels(tx)), ...(await storedVectorModels(tx))])];
  for (const contentHash of new Set([...old.map((p) => p.contentHash), ...hashes])) {
    for (const modelId of models) await tx.objectStore('vectors').delete([modelId, contentHash]);
    for (const id of await passages.index('by-hash').getAllKeys(contentHash)) removed.add(id);
  }
  await Promise.all(spans.map((span, i) => passages.add(passageRecord(docId, span, itemAt(hashes, i, 'hash')))));
  for (const modelId of models) await tx.objectStore('vectorBlocks').delete(documentBlocks(modelId, docId));
  await tx.objectStore('documents').put({ ...document, passageCount: spans.length, splitRecipe: SPLIT_RECIPE, indexedCount: 0 });
  // Other documents' passages that shared a vector lose their search rows too: they are embedded again.
  const others = new Map<string, Set<number>>();
  for (const id of removed) {
    const other = docIdOf(id);
    if (other === docId) continue;
    const ordinals = others.get(other) ?? new Set<number>();
    ordinals.add(ordinalOf(id));
    others.set(other, ordinals);
  }
  for (const [other, ordinals] of others) for (const modelId of models) await dropRows(tx, model, modelId, other, ordinals);
  await tx.done;
  state.pendingFrom.delete(docId);
  for (const other of others.keys()) state.pendingFrom.delete(other);
  return [...removed];
}

/** Removes every document, text, passage and vector; the model record stays. */
export async function clearLibrary(state: LibraryState): Promise<void> {
  const tx = state.db.transaction(['documents', 'textChunks', 'passages', 'vectors', 'vectorBlocks', 'wordIndex'], 'readwrite');
  await Promise.all([
    tx.objectStore('wordIndex').delete('snapshot'),
    tx.objectStore('documents').clear(),
    tx.objectStore('textChunks').clear(),
    tx.objectStore('passages').clear(),
    tx.objectStore('vectors').clear(),
    tx.objectStore('vectorBlocks').clear(),
    tx.done,
  ]);
  state.pendingFrom.clear();
}

/** Each span's content hash: the sha-256 of its vector key. Computed before a transaction opens (see addDocument). */
function contentHashes(spans: readonly PassageSpan[]): Promise<string[]> {
  return Promise.all(spans.map((span) => sha256Hex(vectorKey(span))));
}

function passageRecord(docId: string, span: PassageSpan, contentHash: string): PassageRecord {
  const { ordinal, start, end, context } = span;
  return { id: passageId(docId, ordinal), docId, ordinal, start, end, contextStart: start - context.length, contentHash };
}

/**
 * Requests issued together in one transaction and awaited once: every promise is observed — the requests' and the
 * transaction's own (a failed request aborts the rest, which then fail too) — and `done()` throws the first
 * failure, i.e. the cause. The caller still awaits `tx.done` once it has issued everything.
 */
function requestGroup(tx: { done: Promise<void> }): { issue: (request: Promise<unknown>) => void; done: () => Promise<unknown[]> } {
  tx.done.catch(() => undefined);
  const requests: Promise<unknown>[] = [];
  return {
    issue: (request) => {
      request.catch(() => undefined);
      requests.push(request);
    },
    done: () => Promise.all(requests),
  };
}
