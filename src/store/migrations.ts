/**
 * The upgrades of the IndexedDB schema (schema.ts), one step per version: DB_VERSION is how many there are.
 *
 * Versions:
 * - v1: documents (by sha256), passages (by document), vectors. It was the first development cut and never
 *   shipped; it is kept as a real migration step so the upgrade path is exercised by a test from day one.
 * - v2: passages get a by-hash index (to find which passages share a vector), a `meta` store records the model
 *   the vectors belong to, and documents get `passageCount` (back-filled from their passages).
 * - v3: passages get `context`, the text before them that the model reads with them (see core/split.ts). Stored
 *   passages get an empty context, whose vector key is the text alone, so their content hashes and vectors stay.
 * - v4: a document's text moves to its own `texts` store, so listing documents (on every library change) no longer
 *   reads every text; documents keep their metadata only.
 * - v5: the search copy of the vectors moves into `vectorBlocks`: per document, up to BLOCK_ROWS passages' int8 rows
 *   in one record, so start-up reads the whole index in a few large reads instead of one cursor step per passage.
 *   Documents get `indexedCount` (passages with a vector for the current model), so listing documents and finding
 *   pending work read no passages. Built from the stored vectors: nothing is embedded again. Passages get a
 *   by-position index ([docId, ordinal]) so pending work is read in reading order, a chunk at a time; the word
 *   index is saved in `wordIndex`.
 * - v6: every passage's text is stored once, every int8 row once. A document's text moves from `texts` (one record,
 *   up to 50 M characters) to `textChunks` (TEXT_CHUNK_CHARS characters a record), so a hit reads one small chunk;
 *   passages keep offsets into it (`start`, `end`, `contextStart`) instead of copies of their text and context;
 *   `vectors` records keep what only they hold — that a text has a vector for the model (so it is never embedded
 *   twice, across documents and re-imports) and its sentence codes — and no int8 row (the row is in the document's
 *   vector block), and their key is no longer repeated in the value; the by-doc index goes (an id range does its
 *   job). ~2.6 KB → ~1.5 KB a passage (docs/BENCHMARKS.md "IndexedDB: where the bytes go"). Nothing is embedded
 *   again.
 * To add v7: append one step to MIGRATIONS and bump nothing else.
 */
import type { IDBPTransaction, StoreNames } from 'idb';
import {
  BLOCK_ROWS,
  META_KEY,
  packBlock,
  textChunks,
  type Database,
  type DocumentRecord,
  type PassageDB,
  type PassageRecord,
  type PassageRecordV5,
  type VectorRecord,
  type VectorRecordV5,
} from './schema.ts';
import type { UpgradeMeter } from './upgrade-meter.ts';
import { lastOf } from './checked.ts';

type UpgradeTransaction = IDBPTransaction<PassageDB, StoreNames<PassageDB>[], 'versionchange'>;
/**
 * Schema changes must happen while the versionchange transaction is active: synchronously, or right after
 * awaiting one of its requests. Never await anything else inside a step.
 */
type Migration = (db: Database, tx: UpgradeTransaction, meter: UpgradeMeter) => void | Promise<void>;

/** MIGRATIONS[v] upgrades a database from version v to v + 1. */
export const MIGRATIONS: readonly Migration[] = [
  function createV1(db) {
    const documents = db.createObjectStore('documents', { keyPath: 'id' });
    documents.createIndex('by-sha256', 'sha256', { unique: true });
    const passages = db.createObjectStore('passages', { keyPath: 'id' });
    passages.createIndex('by-doc', 'docId');
    db.createObjectStore('vectors', { keyPath: ['modelId', 'contentHash'] });
  },
  async function v1ToV2(db, tx) {
    const passages = tx.objectStore('passages');
    passages.createIndex('by-hash', 'contentHash');
    db.createObjectStore('meta');
    // v1 documents had no passageCount: count their passages once here instead of on every listing.
    let cursor = await tx.objectStore('documents').openCursor();
    while (cursor) {
      const passageCount = await passages.index('by-doc').count(cursor.value.id);
      await cursor.update({ ...cursor.value, passageCount });
      cursor = await cursor.continue();
    }
  },
  async function v2ToV3(_db, tx) {
    let cursor = await tx.objectStore('passages').openCursor();
    while (cursor) {
      const passage = cursor.value as unknown as PassageRecordV5;
      if (typeof passage.context !== 'string') await cursor.update({ ...passage, context: '' } as unknown as PassageRecord);
      cursor = await cursor.continue();
    }
  },
  async function v3ToV4(db, tx) {
    db.createObjectStore('texts', { keyPath: 'docId' });
    let cursor = await tx.objectStore('documents').openCursor();
    while (cursor) {
      const { text, ...document } = cursor.value as DocumentRecord & { text?: string };
      await tx.objectStore('texts').put({ docId: document.id, text: text ?? '' });
      await cursor.update(document);
      cursor = await cursor.continue();
    }
  },
  async function v4ToV5(db, tx) {
    db.createObjectStore('vectorBlocks', { keyPath: ['modelId', 'docId', 'block'] });
    db.createObjectStore('wordIndex');
    // Passage ids sort as strings ("doc:10" before "doc:2"); this index walks a document in reading order.
    tx.objectStore('passages').createIndex('by-position', ['docId', 'ordinal']);
    const meta = await tx.objectStore('meta').get(META_KEY);
    const vectors = new Map<string, VectorRecordV5>();
    if (meta) {
      for (const v of (await tx.objectStore('vectors').getAll()) as VectorRecordV5[]) if (v.modelId === meta.modelId) vectors.set(v.contentHash, v);
    }
    let cursor = await tx.objectStore('documents').openCursor();
    while (cursor) {
      const document = cursor.value;
      const rows: { ordinal: number; vector: VectorRecordV5 }[] = [];
      for (const passage of await tx.objectStore('passages').index('by-doc').getAll(document.id)) {
        const vector = vectors.get(passage.contentHash);
        if (vector) rows.push({ ordinal: passage.ordinal, vector });
      }
      rows.sort((a, b) => a.ordinal - b.ordinal);
      for (let start = 0, block = 0; start < rows.length && meta; start += BLOCK_ROWS, block++) {
        const slice = rows.slice(start, start + BLOCK_ROWS);
        await tx.objectStore('vectorBlocks').put(
          packBlock(meta.modelId, document.id, block, meta.dims, slice.map((r) => ({ ordinal: r.ordinal, ...r.vector }))),
        );
      }
      await cursor.update({ ...document, indexedCount: rows.length });
      cursor = await cursor.continue();
    }
  },
  v5ToV6,
];

/** Records per request while v5 → v6 rewrites passages and vectors (bounded memory at any library size). */
const UPGRADE_PAGE = 2000;

/**
 * v5 → v6 in the upgrade transaction: texts into chunks, passages to offsets, vector records without their rows.
 * Pages of UPGRADE_PAGE records are read with getAll and written back pipelined (one request round-trip a page,
 * not one per record). It stays one versionchange transaction on purpose: a crash or a closed tab rolls the
 * whole library back to v5 and the next open runs the upgrade again, so nothing indexed is ever lost. `meter`
 * tells the page how far it is (at 100k passages it takes a minute or more: docs/BENCHMARKS.md).
 */
async function v5ToV6(db: Database, tx: UpgradeTransaction, meter: UpgradeMeter): Promise<void> {
  const passages = tx.objectStore('passages');
  // The documents' own counts, not count(): Chromium counts a store by walking it (1.3 s at 10k passages, load 20).
  const documents = await tx.objectStore('documents').getAll();
  const passagesOf = new Map(documents.map((d) => [d.id, d.passageCount]));
  const passageTotal = documents.reduce((sum, d) => sum + d.passageCount, 0);
  // About one vector a passage (fewer when texts repeat; more when another model's vectors are kept too).
  meter.plan(passageTotal, passageTotal * (TEXT_WEIGHT + 1 + VECTOR_READ_WEIGHT + VECTOR_WRITE_WEIGHT));

  db.createObjectStore('textChunks', { keyPath: ['docId', 'chunk'] });
  const chunks = tx.objectStore('textChunks');
  let texts = await tx.objectStore('texts').openCursor();
  while (texts) {
    const { docId, text } = texts.value;
    await Promise.all(textChunks(docId, text).map((chunk) => chunks.put(chunk)));
    meter.advance((passagesOf.get(docId) ?? 0) * TEXT_WEIGHT);
    texts = await texts.continue();
  }
  db.deleteObjectStore('texts');

  // A document's passages are read by id range from v6: the by-doc index only cost space and writes (dropped
  // first, so the rewrite below does not update it once a passage).
  passages.deleteIndex('by-doc');
  for (let after: string | null = null; ; ) {
    const range: IDBKeyRange | undefined = after === null ? undefined : IDBKeyRange.lowerBound(after, true);
    const page = (await passages.getAll(range, UPGRADE_PAGE)) as unknown as PassageRecordV5[];
    if (page.length === 0) break;
    await Promise.all(page.map((p) => passages.put(passageOffsets(p)).then(() => meter.advance())));
    after = lastOf(page, 'row').id;
    if (page.length < UPGRADE_PAGE) break;
  }

  // Vectors: the store is made again with out-of-line keys, each value only its sentence codes. Read in pages
  // first (a store cannot change its keyPath): ~50 bytes a vector in memory, codes aside. (Copying passages and
  // vectors into new stores that then take the old names took as long at 100k, but froze the progress for 31–52 s,
  // most likely deleting the old full stores: docs/BENCHMARKS.md.)
  const kept: { key: [string, string]; value: VectorRecord }[] = [];
  const old = tx.objectStore('vectors');
  for (let after: [string, string] | null = null; ; ) {
    const range: IDBKeyRange | undefined = after === null ? undefined : IDBKeyRange.lowerBound(after, true);
    const page = (await old.getAll(range, UPGRADE_PAGE)) as unknown as VectorRecordV5[];
    for (const { modelId, contentHash, sentences } of page) kept.push({ key: [modelId, contentHash], value: sentences ? { sentences } : {} });
    meter.advance(page.length * VECTOR_READ_WEIGHT);
    if (page.length < UPGRADE_PAGE) break;
    const last = lastOf(page, 'row');
    after = [last.modelId, last.contentHash];
  }
  db.deleteObjectStore('vectors');
  const vectors = db.createObjectStore('vectors');
  for (let start = 0; start < kept.length; start += UPGRADE_PAGE) {
    const page = kept.slice(start, start + UPGRADE_PAGE);
    await Promise.all(page.map(({ key, value }) => vectors.put(value, key).then(() => meter.advance(VECTOR_WRITE_WEIGHT))));
  }
  meter.finish();
}

/**
 * What a passage's share of its document's text, reading a vector record and writing it back cost against
 * rewriting a passage record: at 100k passages in Chromium (load 22) texts took 20 s, passages 69 s, reading the
 * vectors 11 s, deleting the old vector store and writing the new one 64 s (bench/upgrade.bench.ts).
 */
const TEXT_WEIGHT = 0.3;
const VECTOR_READ_WEIGHT = 0.15;
const VECTOR_WRITE_WEIGHT = 0.9;

/** A v5 passage record as v6 stores it: offsets instead of its text and context. */
function passageOffsets(passage: PassageRecordV5): PassageRecord {
  const { id, docId, ordinal, start, end, context, contentHash } = passage;
  return { id, docId, ordinal, start, end, contextStart: start - context.length, contentHash };
}

export const DB_VERSION = MIGRATIONS.length;
