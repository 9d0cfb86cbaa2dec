/**
 * Vectors of several models in one library. Vectors and vector blocks are keyed by model id, so a library keeps
 * every model's vectors side by side: switching to another model re-embeds only what that model lacks, and
 * switching back finds its vectors where they were. Documents count their indexed passages for one model at a
 * time (`indexedCount`, what pending work and the progress line read), so a switch recounts them from the new
 * model's blocks — one read of that model's blocks, no passage read.
 *
 * Beside each model's vectors the library keeps the hash of the build that made them (`LibraryMeta.builds`, see
 * core/model-build.ts): opened with another build of the same model id, the library drops that model's vectors and
 * every document is pending again, so old and new vectors never mix.
 */
import type { IDBPTransaction, StoreNames } from 'idb';
import { DB_VERSION, META_KEY, type Database, type LibraryMeta, type PassageDB } from './db.ts';
import { modelRange } from './key-ranges.ts';

export interface VectorModel {
  id: string;
  dimensions: number;
  /** The build hash (core/model-build.ts); absent when unknown: nothing is checked or stamped then. */
  build?: string;
}

/** Any transaction over the store it reads (the walks below take part in their caller's transaction). */
type Reading<S extends StoreNames<PassageDB>> = IDBPTransaction<PassageDB, ArrayLike<StoreNames<PassageDB>> & S[], IDBTransactionMode>;

/**
 * The ids of every model with vector blocks stored, by skipping from one model's first key past all of its keys
 * (one request per model, however many blocks).
 */
export async function storedBlockModels(tx: Pick<Reading<'vectorBlocks'>, 'objectStore'>): Promise<string[]> {
  const ids: string[] = [];
  let cursor = await tx.objectStore('vectorBlocks').openKeyCursor();
  while (cursor) {
    const modelId = cursor.key[0];
    ids.push(modelId);
    // [modelId + '\0'] sorts after every [modelId, docId, block] and before the next model's keys.
    cursor = await cursor.continue([`${modelId}\u0000`, '', 0]);
  }
  return ids;
}

/** Same walk over the `vectors` store (one record per model and distinct passage text). */
export async function storedVectorModels(tx: Pick<Reading<'vectors'>, 'objectStore'>): Promise<string[]> {
  const ids: string[] = [];
  let cursor = await tx.objectStore('vectors').openKeyCursor();
  while (cursor) {
    const modelId = cursor.key[0];
    ids.push(modelId);
    cursor = await cursor.continue([`${modelId}\u0000`, '']);
  }
  return ids;
}

/**
 * Records `model` as the library's model. If it was another, the documents' indexed counts are recounted from
 * `model`'s blocks (what it embedded before, if ever), and nothing of the other models is removed. Vectors and
 * blocks stored under `model`'s id with another dimension count (a model re-added under the same name) are
 * purged, and so are those another build of the model made (`dropOtherBuild`); either way its documents count
 * nothing indexed and are embedded again. Returns whether the model changed.
 */
export async function useModel(db: Database, model: VectorModel): Promise<boolean> {
  const rebuilt = await dropOtherBuild(db, model);
  const tx = db.transaction(['meta', 'vectors', 'vectorBlocks', 'documents'], 'readwrite');
  const meta = await tx.objectStore('meta').get(META_KEY);
  const same = meta?.modelId === model.id && meta.dims === model.dimensions && meta.schemaVersion === DB_VERSION && !rebuilt;
  const stamped = model.build === undefined || meta?.builds?.[model.id] === model.build;
  if (!same || !stamped) {
    // The stamp is written last, after a drop: a drop cut short is taken up again at the next open.
    const builds = model.build === undefined ? meta?.builds : { ...meta?.builds, [model.id]: model.build };
    const record: LibraryMeta = { modelId: model.id, dims: model.dimensions, schemaVersion: DB_VERSION, ...(builds ? { builds } : {}) };
    await tx.objectStore('meta').put(record, META_KEY);
  }
  if (!same) {
    const own = modelRange(model.id);
    // Rows per document, from the blocks this model left. A model's rows all have one size: its first block tells
    // whether they fit. Rows live only in blocks (schema 6), so a misfit also drops the model's vector records —
    // the marks that a text is embedded — and its texts are embedded again.
    const rows = new Map<string, number>();
    let blocks = await tx.objectStore('vectorBlocks').openCursor(own);
    if (blocks && blocks.value.q.length !== blocks.value.ordinals.length * model.dimensions) {
      await Promise.all([tx.objectStore('vectorBlocks').delete(own), tx.objectStore('vectors').delete(own)]);
      blocks = null;
    }
    while (blocks) {
      rows.set(blocks.value.docId, (rows.get(blocks.value.docId) ?? 0) + blocks.value.ordinals.length);
      blocks = await blocks.continue();
    }
    let documents = await tx.objectStore('documents').openCursor();
    while (documents) {
      const indexedCount = Math.min(documents.value.passageCount, rows.get(documents.value.id) ?? 0);
      if (indexedCount !== documents.value.indexedCount) await documents.update({ ...documents.value, indexedCount });
      documents = await documents.continue();
    }
  }
  await tx.done;
  return meta !== undefined && (meta.modelId !== model.id || meta.dims !== model.dimensions);
}

/**
 * Drops the vectors and blocks of `model`'s id when the library's stamp says another build made them, a bounded
 * slice per transaction (`DELETE_SLICE`, as `deleteModelVectors`). Runs before the library is handed out, so this
 * tab stores nothing meanwhile; a tab that finished the same drop first (its stamp is this build's) stops it, as
 * what is stored then is this build's. Returns whether anything was dropped (the documents are then recounted).
 *
 * No stamp (a library from before builds were stamped, or a model never used) adopts the build without dropping:
 * those vectors were made by this build — Passage had shipped one build of its built-in model until stamps came
 * (converter 1.0.0, models/convert/version.ts), and an added model's id carries a fingerprint of its files
 * (app/model-import.ts).
 */
export async function dropOtherBuild(
  db: Database,
  model: VectorModel,
  options: { slice?: Partial<DeletedVectors>; onSlice?: (deleted: DeletedVectors) => void } = {},
): Promise<boolean> {
  const { build } = model;
  if (build === undefined) return false;
  const stamp = (await db.get('meta', META_KEY))?.builds?.[model.id];
  if (stamp === undefined || stamp === build) return false;
  await deleteInSlices(db, model.id, (meta) => meta?.builds?.[model.id] !== build, options);
  return true;
}

/** The models with vectors in this library (for Settings: switching to one of them needs no re-embedding). */
export async function modelsWithVectors(db: Database): Promise<string[]> {
  const tx = db.transaction('vectorBlocks', 'readonly');
  const ids = await storedBlockModels(tx);
  await tx.done;
  return ids;
}

/**
 * Records deleted per transaction when a model's vectors are removed: a vector block is up to 1024 rows (~400 KB
 * at 384 dimensions), a vector record is a content hash and ~340 bytes of sentence codes. Bounded slices keep each
 * transaction small, so a search or a stored batch in this worker waits for one slice, not for the whole model
 * (100k passages: ~100 blocks and 100k records).
 */
export const DELETE_SLICE = { blocks: 16, vectors: 2000 } as const;

export interface DeletedVectors {
  blocks: number;
  vectors: number;
}

/**
 * Removes every vector and block of one model (a model removed in Settings), a bounded slice per transaction
 * (`DELETE_SLICE`). The model in use is refused, checked in every slice: a switch to it meanwhile stops the
 * deletion. An interrupted deletion leaves whole slices gone and may be run again.
 */
export async function deleteModelVectors(
  db: Database,
  modelId: string,
  options: { slice?: Partial<DeletedVectors>; onSlice?: (deleted: DeletedVectors) => void } = {},
): Promise<DeletedVectors> {
  return deleteInSlices(
    db,
    modelId,
    (meta) => {
      if (meta?.modelId === modelId) throw new Error(`Passage: ${modelId} is the model in use; switch to another model first`);
      return true;
    },
    options,
  );
}

/**
 * Deletes a model's vectors and blocks a slice per transaction while `goOn` (asked in every slice, with the meta
 * record as it is then) says so; a throw from it aborts the slice and is passed on.
 */
async function deleteInSlices(
  db: Database,
  modelId: string,
  goOn: (meta: LibraryMeta | undefined) => boolean,
  options: { slice?: Partial<DeletedVectors>; onSlice?: (deleted: DeletedVectors) => void },
): Promise<DeletedVectors> {
  const slice = { ...DELETE_SLICE, ...options.slice };
  const deleted: DeletedVectors = { blocks: 0, vectors: 0 };
  const range = modelRange(modelId);
  for (;;) {
    const tx = db.transaction(['meta', 'vectors', 'vectorBlocks'], 'readwrite');
    let go: boolean;
    try {
      go = goOn(await tx.objectStore('meta').get(META_KEY));
    } catch (error) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw error;
    }
    if (!go) {
      await tx.done;
      return deleted;
    }
    const [blocks, vectors] = await Promise.all([
      deleteFirst(tx.objectStore('vectorBlocks'), range, slice.blocks),
      deleteFirst(tx.objectStore('vectors'), range, slice.vectors),
    ]);
    await tx.done;
    deleted.blocks += blocks;
    deleted.vectors += vectors;
    if (blocks === 0 && vectors === 0) return deleted;
    options.onSlice?.({ ...deleted });
  }
}

/** Deletes the first `limit` keys of `range` in one request (from the range's start to the last key read). */
async function deleteFirst(
  store: { getAllKeys(query: IDBKeyRange, count: number): Promise<IDBValidKey[]>; delete(key: IDBKeyRange): Promise<void> },
  range: IDBKeyRange,
  limit: number,
): Promise<number> {
  const keys = await store.getAllKeys(range, limit);
  const last = keys.at(-1);
  if (last === undefined) return 0;
  await store.delete(IDBKeyRange.bound(range.lower, last));
  return keys.length;
}
