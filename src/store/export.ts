/**
 * Export the whole library as one file, and import such a file (format: export-format.ts).
 * Import refuses a file made with another model, dimension count or schema version — its vectors would be
 * meaningless here — and is all-or-nothing: the whole file is validated first, then written in one transaction.
 * Documents already in the library (same sha256) are skipped, so importing twice changes nothing.
 */
import { sha256Hex } from '../core/hash.ts';
import { vectorKey } from '../core/split.ts';
import { BLOCK_ROWS, DB_VERSION, packBlock, type DocumentRecord, type PassageRecord, type VectorRecord } from './db.ts';
import {
  EXPORT_FORMAT,
  decodeInt8,
  encodeInt8,
  parseLibraryFile,
  type LibraryFile,
} from './export-format.ts';
import { modelRange, passageId, type Library } from './library.ts';

export async function exportLibrary(library: Library): Promise<Blob> {
  const tx = library.db.transaction(['documents', 'texts', 'passages', 'vectors'], 'readonly');
  const [documents, texts, passages, vectors] = await Promise.all([
    tx.objectStore('documents').getAll(),
    tx.objectStore('texts').getAll(),
    tx.objectStore('passages').getAll(),
    tx.objectStore('vectors').getAll(modelRange(library.model.id)),
  ]);
  await tx.done;
  const textOf = new Map(texts.map((t) => [t.docId, t.text]));
  const file: LibraryFile = {
    format: EXPORT_FORMAT,
    schemaVersion: DB_VERSION,
    modelId: library.model.id,
    dims: library.model.dimensions,
    exported: new Date().toISOString(),
    counts: { documents: documents.length, passages: passages.length, vectors: vectors.length },
    documents: documents.map(({ id, title, type, size, sha256, added, splitRecipe }) => ({
      id,
      title,
      type,
      size,
      sha256,
      added,
      ...(splitRecipe === undefined ? {} : { splitRecipe }),
      text: textOf.get(id) ?? '',
    })),
    passages: passages.map(({ docId, ordinal, start, end, context, contentHash }) => ({
      docId,
      ordinal,
      start,
      end,
      contextStart: start - context.length,
      contentHash,
    })),
    vectors: vectors.map((v) => ({ contentHash: v.contentHash, scale: v.scale, q: encodeInt8(v.q) })),
  };
  return new Blob([JSON.stringify(file)], { type: 'application/json' });
}

export interface ImportOutcome {
  documents: number;
  passages: number;
}

/** Rejects with a readable Error, changing nothing, when the file does not fit this library. */
export async function importLibrary(library: Library, blob: Blob): Promise<ImportOutcome> {
  let json: unknown;
  try {
    json = JSON.parse(await blob.text());
  } catch {
    throw new Error('Passage: cannot import this file: it is not JSON.');
  }
  const file = parseLibraryFile(json);
  refuseMismatch(file, library);
  const { documents, passages, vectors } = await rebuildRecords(file, library.model.id);

  const tx = library.db.transaction(['documents', 'texts', 'passages', 'vectors', 'vectorBlocks'], 'readwrite');
  const documentStore = tx.objectStore('documents');
  const fileVectors = new Map(vectors.map((v) => [v.contentHash, v]));
  const { id: modelId, dimensions } = library.model;
  let importedDocuments = 0;
  let importedPassages = 0;
  for (const document of documents) {
    if (await documentStore.index('by-sha256').count(document.sha256)) continue; // already here
    // A random id collision is unlikely, but must not overwrite another document.
    const id = (await documentStore.count(document.id)) ? crypto.randomUUID() : document.id;
    const { text, ...record } = document;
    await tx.objectStore('texts').add({ docId: id, text });
    const rows: { ordinal: number; q: Int8Array; scale: number }[] = [];
    for (const passage of passages.get(document.id) ?? []) {
      await tx.objectStore('passages').add({ ...passage, id: passageId(id, passage.ordinal), docId: id });
      const vector = fileVectors.get(passage.contentHash) ?? (await tx.objectStore('vectors').get([modelId, passage.contentHash]));
      if (vector) rows.push({ ordinal: passage.ordinal, q: vector.q, scale: vector.scale });
      importedPassages++;
    }
    for (let start = 0, block = 0; start < rows.length; start += BLOCK_ROWS, block++) {
      await tx.objectStore('vectorBlocks').put(packBlock(modelId, id, block, dimensions, rows.slice(start, start + BLOCK_ROWS)));
    }
    await documentStore.add({ ...record, id, indexedCount: rows.length });
    importedDocuments++;
  }
  for (const vector of vectors) {
    const store = tx.objectStore('vectors');
    const used = await tx.objectStore('passages').index('by-hash').count(vector.contentHash);
    if (used && !(await store.count([vector.modelId, vector.contentHash]))) await store.add(vector);
  }
  await tx.done;
  return { documents: importedDocuments, passages: importedPassages };
}

/**
 * Schema 2 files differ from later ones only in lacking passage context, which parseLibraryFile fills in as none;
 * schema 4 moved texts to their own store in the database but not in the file.
 */
const OLDEST_IMPORTABLE_SCHEMA = 2;

function refuseMismatch(file: LibraryFile, library: Library): void {
  const here = library.model;
  if (file.schemaVersion < OLDEST_IMPORTABLE_SCHEMA || file.schemaVersion > DB_VERSION) {
    throw new Error(
      `Passage: import refused: the file has library schema version ${file.schemaVersion}, ` +
        `this app reads versions ${OLDEST_IMPORTABLE_SCHEMA} to ${DB_VERSION}. Nothing was changed.`,
    );
  }
  if (file.modelId !== here.id || file.dims !== here.dimensions) {
    throw new Error(
      `Passage: import refused: the file was indexed with model "${file.modelId}" (${file.dims} dimensions), ` +
        `this library uses "${here.id}" (${here.dimensions} dimensions). Nothing was changed.`,
    );
  }
}

type FilePassage = Omit<PassageRecord, 'id' | 'docId'>;

interface Records {
  documents: (DocumentRecord & { text: string })[];
  /** Passages by their document's id in the file; ids are given once the document's final id is known. */
  passages: Map<string, FilePassage[]>;
  vectors: VectorRecord[];
}

/** Turns the file into records, checking every hash and offset first, so a bad file fails before any write. */
async function rebuildRecords(file: LibraryFile, modelId: string): Promise<Records> {
  const documents = new Map<string, DocumentRecord & { text: string }>();
  const passages = new Map<string, FilePassage[]>();
  for (const d of file.documents) {
    if ((await sha256Hex(d.text)) !== d.sha256) throw corrupt(`the text of "${d.title}" does not match its hash`);
    documents.set(d.id, { ...d, passageCount: 0, indexedCount: 0 });
    passages.set(d.id, []);
  }
  for (const p of file.passages) {
    const document = documents.get(p.docId);
    if (!document) throw corrupt(`a passage belongs to a missing document ${p.docId}`);
    const inRange = p.contextStart >= 0 && p.contextStart <= p.start && p.start <= p.end && p.end <= document.text.length;
    if (!inRange) throw corrupt(`a passage of "${document.title}" is out of range`);
    const text = document.text.slice(p.start, p.end);
    const context = document.text.slice(p.contextStart, p.start);
    if ((await sha256Hex(vectorKey({ context, text }))) !== p.contentHash) {
      throw corrupt(`a passage of "${document.title}" does not match its hash`);
    }
    const siblings = passages.get(p.docId)!;
    if (siblings.some((s) => s.ordinal === p.ordinal)) throw corrupt(`"${document.title}" has passage ${p.ordinal} twice`);
    siblings.push({ ordinal: p.ordinal, start: p.start, end: p.end, text, context, contentHash: p.contentHash });
    document.passageCount++;
  }
  const vectors = file.vectors.map((v) => {
    const q = decodeInt8(v.q);
    if (q.length !== file.dims) throw corrupt(`a vector has ${q.length} numbers instead of ${file.dims}`);
    return { modelId, contentHash: v.contentHash, q, scale: v.scale };
  });
  return { documents: [...documents.values()], passages, vectors };
}

function corrupt(reason: string): Error {
  return new Error(`Passage: cannot import this file: ${reason}. Nothing was changed.`);
}
