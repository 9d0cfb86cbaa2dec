/**
 * The library file against the database (schema v6; the writes themselves are Library.addImported, which keeps
 * the vector blocks and counts). Kept apart from the pure reader and writer.
 *
 * Import is all-or-nothing per file, in two streaming passes over the Blob:
 * 1. check: read and check every line and hash, writing nothing (a refused file stores nothing);
 * 2. store: read again (hashes unchecked: a Blob cannot change, and Chromium fails the read of a File changed on
 *    disk since it was picked) and store each document with its passages and vectors in one transaction.
 * Why not write documents marked `importing` and reveal them at the end: every reader of the store (listing,
 * search, indexing) would have to learn to skip them, and a crash would leave hidden half-imports to clean up on
 * the next start. Here a document is never visible half-written (one transaction each); if pass 2 fails or is
 * aborted, the documents it stored are deleted again; only a crash in the middle of pass 2 leaves some whole
 * documents of the file, and importing the file again completes it (documents already present are skipped).
 * The cost is reading the file twice; pass 2 skips the hashes, which are most of pass 1 (100k passages in headless
 * Chromium: 21 s checked, 5.4 s unchecked; bench/library-file.bench.ts measures the same in Node).
 * Whole import, headless Chromium on the loaded 2-core VM, interleaved medians of 3 at 10k passages: 29.8 s against
 * 54.4 s for the format 1 importer of 2f97dd0. At 100k: 21 s checking + 259 s storing — the store pass is bound by
 * IndexedDB writing one record per passage and one per vector (schema v4), not by the file.
 */
import { readLibraryFile } from './read.ts';
import { writeLibraryFile, type WriteOptions } from './write.ts';
import type { ExportedDocumentWithPassages, LibraryFilePassage, LibraryFileVector } from './format.ts';
import type { Library } from '../library.ts';

export interface ImportProgress {
  phase: 'checking' | 'storing';
  /** Bytes of the file read in this phase (compressed bytes for a gzipped file). */
  bytesRead: number;
  totalBytes: number;
  /** Documents and passages stored so far (0 while checking). */
  documents: number;
  passages: number;
}

export interface ImportOptions {
  /** Named in error messages; a File's own name by default. */
  fileName?: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Aborting stops the import and removes whatever it had stored. */
  signal?: AbortSignal;
  /** Passages stored per transaction, in whole documents (default STORE_BATCH_PASSAGES). */
  batchPassages?: number;
}

export interface ImportOutcome {
  /** What was added: documents already in the library (same text) are skipped. */
  documents: number;
  passages: number;
}

/** Rejects with a LibraryFileError, changing nothing, when the file does not fit this library or is damaged. */
export async function importLibraryFile(library: Library, file: Blob, options: ImportOptions = {}): Promise<ImportOutcome> {
  const { signal, onProgress } = options;
  const reading = {
    fileName: options.fileName ?? ((file as Partial<File>).name || 'the file'),
    modelId: library.model.id,
    dims: library.model.dimensions,
  };
  const outcome: ImportOutcome = { documents: 0, passages: 0 };
  const report = (phase: ImportProgress['phase']) => (bytesRead: number) =>
    onProgress?.({ phase, bytesRead, totalBytes: file.size, ...outcome });

  signal?.throwIfAborted();
  const checkFrom = performance.now();
  for await (const _record of readLibraryFile(file, { ...reading, onProgress: report('checking') })) {
    signal?.throwIfAborted();
  }
  performance.measure('passage:import:check', { start: checkFrom, end: performance.now() });
  const storeFrom = performance.now();
  let writing = 0;

  const stored: string[] = [];
  let group: DocumentToStore[] = [];
  let groupPassages = 0;
  const storeGroup = async () => {
    const writeFrom = performance.now();
    const written = await storeDocuments(library, group);
    writing += performance.now() - writeFrom;
    for (const { id, passages } of written) {
      stored.push(id);
      outcome.documents++;
      outcome.passages += passages;
    }
    group = [];
    groupPassages = 0;
  };
  try {
    for await (const record of readLibraryFile(file, { ...reading, onProgress: report('storing'), checkHashes: false })) {
      signal?.throwIfAborted();
      if (record.kind !== 'document') continue;
      group.push(record);
      groupPassages += record.passages.length;
      if (groupPassages >= (options.batchPassages ?? STORE_BATCH_PASSAGES)) await storeGroup();
    }
    signal?.throwIfAborted();
    await storeGroup();
    performance.measure('passage:import:store', { start: storeFrom, end: performance.now() });
    performance.measure('passage:import:store-writes', { start: storeFrom, duration: writing });
  } catch (error) {
    for (const id of stored.reverse()) await library.deleteDocument(id);
    throw error;
  }
  return outcome;
}

/**
 * Small documents are stored several to a transaction (whole documents only, so none is ever seen half-stored):
 * in headless Chromium here, 10k passages took 4.4 s in one transaction against 5.9 s in 180.
 */
export const STORE_BATCH_PASSAGES = 2000;

interface DocumentToStore {
  document: ExportedDocumentWithPassages['document'];
  passages: readonly LibraryFilePassage[];
}

/** Stores a group of whole documents in one transaction (Library.addImported); returns the ids given to them. */
function storeDocuments(library: Library, group: readonly DocumentToStore[]): Promise<{ id: string; passages: number }[]> {
  return library.addImported(
    group.map(({ document, passages }) => ({
      document,
      passages: passages.map((p) => ({
        ordinal: p.ordinal,
        start: p.start,
        end: p.end,
        contextStart: p.contextStart,
        contentHash: p.contentHash,
        vector: p.vector,
      })),
    })),
  );
}

/**
 * The library as a format 2 file. Documents are read one transaction each (their text, passages and vectors),
 * oldest first, as the stream is pulled, so memory holds one document at a time.
 */
export async function exportLibraryFile(library: Library, options: WriteOptions = {}): Promise<ReadableStream<Uint8Array>> {
  const tx = library.db.transaction(['documents', 'passages'], 'readonly');
  const [documents, passageCount] = await Promise.all([tx.objectStore('documents').getAll(), tx.objectStore('passages').count()]);
  await tx.done;
  documents.sort((a, b) => a.added - b.added);
  const header = {
    modelId: library.model.id,
    dims: library.model.dimensions,
    counts: { documents: documents.length, passages: passageCount },
  };
  return writeLibraryFile(exportedDocuments(library, documents.map((d) => d.id)), header, options);
}

async function* exportedDocuments(library: Library, ids: readonly string[]): AsyncGenerator<ExportedDocumentWithPassages> {
  for (const id of ids) {
    // One transaction per document: its record, text chunks, passages and vector blocks (the rows are only there).
    const tx = library.db.transaction(['documents', 'textChunks', 'passages', 'vectorBlocks'], 'readonly');
    const [document, chunks, passages, blocks] = await Promise.all([
      tx.objectStore('documents').get(id),
      tx.objectStore('textChunks').getAll(IDBKeyRange.bound([id, 0], [id, Infinity])),
      tx.objectStore('passages').index('by-doc').getAll(id),
      tx.objectStore('vectorBlocks').getAll(IDBKeyRange.bound([library.model.id, id, 0], [library.model.id, id, Infinity])),
    ]);
    await tx.done;
    if (!document || chunks.length === 0) continue; // deleted meanwhile: the writer's counts then refuse to finish the file
    const dims = library.model.dimensions;
    const vectors = new Map<number, LibraryFileVector>();
    for (const block of blocks) {
      block.ordinals.forEach((ordinal, i) => vectors.set(ordinal, { scale: block.scales[i]!, q: block.q.subarray(i * dims, (i + 1) * dims) }));
    }
    const { passageCount: _count, indexedCount: _indexed, ...metadata } = document;
    yield {
      document: { ...metadata, text: chunks.map((c) => c.text).join('') },
      passages: passages
        .sort((a, b) => a.ordinal - b.ordinal)
        .map((p) => ({
          ordinal: p.ordinal,
          start: p.start,
          end: p.end,
          contextStart: p.contextStart,
          contentHash: p.contentHash,
          vector: vectors.get(p.ordinal) ?? null,
        })),
    };
  }
}
