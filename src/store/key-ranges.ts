/**
 * Key ranges over the stores of db.ts, written once: every reader and writer of a model's or a document's records
 * asks for them here.
 */

/**
 * Every key of one model in `vectors` ([modelId, contentHash]) or `vectorBlocks` ([modelId, docId, block]): the
 * second part is a hex hash or a document id, both below '\uffff'.
 */
export function modelRange(modelId: string): IDBKeyRange {
  return IDBKeyRange.bound([modelId, ''], [modelId, '\uffff']);
}

/** One document's vector blocks of one model. */
export function documentBlocks(modelId: string, docId: string): IDBKeyRange {
  return IDBKeyRange.bound([modelId, docId, 0], [modelId, docId, Infinity]);
}

/** One document's text chunks. */
export function documentChunks(docId: string): IDBKeyRange {
  return IDBKeyRange.bound([docId, 0], [docId, Infinity]);
}

/** One document's passages in the by-position index. */
export function documentPositions(docId: string): IDBKeyRange {
  return IDBKeyRange.bound([docId, -1], [docId, Infinity]);
}

/** One document's passages: their ids are `${docId}:${ordinal}`, and ';' is the character after ':'. */
export function documentPassages(docId: string): IDBKeyRange {
  return IDBKeyRange.bound(`${docId}:`, `${docId};`, false, true);
}
