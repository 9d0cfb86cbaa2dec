/**
 * The search rows in their documents' vector blocks (schema.ts VectorBlock): appending rows, dropping them, finding
 * the row a text already has, and reading rows back — a few passages' after another tab stored them, or every
 * block of the model at start-up.
 */
import { residualStride } from '../core/residual-codes.ts';
import { BLOCK_ROWS, packBlock, type Database, type VectorBlock } from './schema.ts';
import { documentBlocks, modelRange } from './key-ranges.ts';
import { docIdOf, ordinalOf, passageId, type LibraryModel, type ReadWriteTransaction, type Row } from './library-types.ts';
import { itemAt } from './checked.ts';

/** Vector blocks per read at start-up (~25 MB at 384 dims). */
const BLOCKS_PER_READ = 64;

/** Where a row goes: a document's block, under the passage's ordinal. */
export interface BlockRow extends Row {
  docId: string;
  ordinal: number;
}

/** Appends search rows to their documents' last vector blocks (new blocks when full) and raises their counts. */
export async function appendRows(tx: ReadWriteTransaction, model: LibraryModel, items: readonly BlockRow[]): Promise<void> {
  const byDoc = new Map<string, BlockRow[]>();
  for (const item of items) {
    const rows = byDoc.get(item.docId);
    if (rows) rows.push(item);
    else byDoc.set(item.docId, [item]);
  }
  const blocks = tx.objectStore('vectorBlocks');
  const dims = model.dimensions;
  await Promise.all(
    [...byDoc].map(async ([docId, added]) => {
      const [cursor, document] = await Promise.all([
        blocks.openCursor(documentBlocks(model.id, docId), 'prev'),
        tx.objectStore('documents').get(docId),
      ]);
      const last = cursor?.value;
      let rows = last ? blockRows(last, dims) : [];
      let block = last?.block ?? 0;
      for (const row of added) {
        if (rows.length === BLOCK_ROWS) {
          void blocks.put(packBlock(model.id, docId, block++, dims, rows));
          rows = [];
        }
        rows.push(row);
      }
      void blocks.put(packBlock(model.id, docId, block, dims, rows));
      if (document) await tx.objectStore('documents').put({ ...document, indexedCount: document.indexedCount + added.length });
    }),
  );
}

/**
 * Removes the given passages' rows from a document's vector blocks of one model, and lowers its indexed count
 * when that model is the current one (other models' counts are recounted when they are next used).
 */
export async function dropRows(tx: ReadWriteTransaction, current: LibraryModel, modelId: string, docId: string, ordinals: ReadonlySet<number>): Promise<void> {
  const blocks = tx.objectStore('vectorBlocks');
  let dropped = 0;
  for (const block of await blocks.getAll(documentBlocks(modelId, docId))) {
    const dims = block.ordinals.length > 0 ? block.q.length / block.ordinals.length : current.dimensions;
    const keep = blockRows(block, dims).filter((row) => !ordinals.has(row.ordinal));
    if (keep.length === block.ordinals.length) continue;
    dropped += block.ordinals.length - keep.length;
    await blocks.put(packBlock(block.modelId, docId, block.block, dims, keep));
  }
  if (modelId !== current.id) return;
  const document = await tx.objectStore('documents').get(docId);
  if (document && dropped > 0) {
    await tx.objectStore('documents').put({ ...document, indexedCount: Math.max(0, document.indexedCount - dropped) });
  }
}

/**
 * The int8 rows of texts that have a vector already, from the block of a passage with the same text that
 * `usable` accepts (passages of the documents being written have no row yet). A text whose row cannot be found
 * — the store broke its rule that every passage of an embedded text has a row — loses its vector record, so it
 * is embedded again instead of waiting forever.
 */
export async function sharedRows(
  tx: ReadWriteTransaction,
  model: LibraryModel,
  hashes: readonly string[],
  usable: (passageId: string) => boolean,
): Promise<Map<string, Row>> {
  const out = new Map<string, Row>();
  if (hashes.length === 0) return out;
  const byHash = tx.objectStore('passages').index('by-hash');
  const sharers = await Promise.all(hashes.map((hash) => byHash.getAllKeys(hash)));
  const wanted = new Map<string, Map<number, string>>(); // docId → ordinal → hash
  hashes.forEach((hash, i) => {
    const id = itemAt(sharers, i, 'sharer list').find(usable);
    if (id === undefined) return;
    const ordinals = wanted.get(docIdOf(id)) ?? new Map<number, string>();
    ordinals.set(ordinalOf(id), hash);
    wanted.set(docIdOf(id), ordinals);
  });
  const dims = model.dimensions;
  for (const [docId, ordinals] of wanted) {
    // Newest blocks first: a text embedded lately is near the end.
    let cursor = await tx.objectStore('vectorBlocks').openCursor(documentBlocks(model.id, docId), 'prev');
    let left = ordinals.size;
    while (cursor && left > 0) {
      const block = cursor.value;
      block.ordinals.forEach((ordinal, i) => {
        const hash = ordinals.get(ordinal);
        if (hash === undefined || out.has(hash)) return;
        out.set(hash, blockRow(block, i, dims));
        left--;
      });
      cursor = left > 0 ? await cursor.continue() : null;
    }
  }
  const lost = hashes.filter((hash) => !out.has(hash));
  await Promise.all(lost.map((hash) => tx.objectStore('vectors').delete([model.id, hash])));
  return out;
}

/**
 * The search rows of these passages (those that have one), from their documents' blocks, newest block first:
 * rows just stored by another tab are in the last blocks, so a notice of one batch reads one or two blocks.
 */
export async function readBlockRows(db: Database, model: LibraryModel, passageIds: readonly string[]): Promise<Map<string, Row>> {
  const out = new Map<string, Row>();
  const wanted = new Map<string, Set<number>>();
  for (const id of passageIds) {
    const ordinals = wanted.get(docIdOf(id)) ?? new Set<number>();
    ordinals.add(ordinalOf(id));
    wanted.set(docIdOf(id), ordinals);
  }
  const dims = model.dimensions;
  const tx = db.transaction('vectorBlocks', 'readonly');
  await Promise.all(
    [...wanted].map(async ([docId, ordinals]) => {
      let cursor = await tx.store.openCursor(documentBlocks(model.id, docId), 'prev');
      let left = ordinals.size;
      while (cursor && left > 0) {
        const block = cursor.value;
        block.ordinals.forEach((ordinal, i) => {
          if (!ordinals.has(ordinal)) return;
          out.set(passageId(docId, ordinal), blockRow(block, i, dims));
          ordinals.delete(ordinal);
          left--;
        });
        cursor = left > 0 ? await cursor.continue() : null;
      }
    }),
  );
  await tx.done;
  return out;
}

/**
 * Every vector block of the model, a few at a time (bounded memory however big the library), in key order. This
 * is the whole start-up read of the search index. Returns how many rows the blocks held.
 */
export async function forEachBlock(db: Database, modelId: string, visit: (block: VectorBlock) => void, blocksPerRead = BLOCKS_PER_READ): Promise<number> {
  let rows = 0;
  let after: IDBValidKey | null = null;
  for (;;) {
    const range: IDBKeyRange = after === null ? modelRange(modelId) : IDBKeyRange.bound(after, [modelId, '\uffff'], true, false);
    const chunk = await db.getAll('vectorBlocks', range, blocksPerRead);
    for (const block of chunk) {
      visit(block);
      rows += block.ordinals.length;
    }
    const last = chunk.at(-1);
    if (!last || chunk.length < blocksPerRead) return rows;
    after = [last.modelId, last.docId, last.block];
  }
}

/** A block's rows as (ordinal, codes, scale, residual code if any), the codes as views into the block. */
function blockRows(block: VectorBlock, dims: number): ({ ordinal: number } & Row)[] {
  const stride = residualStride(dims);
  return Array.from(block.ordinals, (ordinal, i) => ({
    ordinal,
    q: block.q.subarray(i * dims, (i + 1) * dims),
    scale: itemAt(block.scales, i, 'scale'),
    ...(block.residuals ? { residual: block.residuals.subarray(i * stride, (i + 1) * stride) } : {}),
  }));
}

/** Row `i` of a block, copied out of it. */
function blockRow(block: VectorBlock, i: number, dims: number): Row {
  const stride = residualStride(dims);
  const q = block.q.slice(i * dims, (i + 1) * dims);
  const scale = itemAt(block.scales, i, 'scale');
  return block.residuals ? { q, scale, residual: block.residuals.slice(i * stride, (i + 1) * stride) } : { q, scale };
}

/** Only the row's fields (a library file's vector may carry others). */
export function rowOf(vector: Row): Row {
  return vector.residual ? { q: vector.q, scale: vector.scale, residual: vector.residual } : { q: vector.q, scale: vector.scale };
}
