/**
 * The library file against the database (schema v6; the writes themselves are Library.addImported, which keeps
 * the vector blocks and counts). Kept apart from the pure reader and writer.
 *
 * Import is all-or-nothing per file, in one streaming pass over the Blob: every line and hash is checked as it is
 * read (read.ts checks a batch's hashes before yielding its documents), and each group of whole documents is
 * stored in one transaction while the reader parses and checks the next group. Nothing is ever seen
 * half-written (one transaction per group); if the file turns out damaged or refused further on (a bad line or
 * hash, a truncated file, counts that do not match its end line), or the import is aborted, the documents it
 * stored are deleted again, so a refused file leaves the library as it was. Only a crash in the middle leaves some
 * whole documents of the file, and importing the file again completes it (documents already present are
 * skipped). A file refused at its header (another model) writes nothing at all.
 * A file whose vectors another build of the model made (its header's `modelBuild` is not the library's) is not
 * refused: its texts come in without their vectors and are embedded again, as after a model rebuild
 * (store/model-vectors.ts) — the person asked for their documents, and cannot choose a build of a model to take the
 * vectors. Without a build on either side (a file or library from before builds were stamped) the vectors are
 * taken: they were made by the one build Passage had shipped.
 * Why not write documents marked `importing` and reveal them at the end: every reader of the store (listing,
 * search, indexing) would have to learn to skip them, and a crash would leave hidden half-imports to clean up.
 * Why one pass, not a checking pass and then a storing pass (until 2026-12-03): the second reading of the file
 * cost ~20 % of the import, and the checking can overlap IndexedDB's writing; at 10k passages in headless
 * Chromium the import went from 39.9 s to 21.7 s with schema 6 (bench/import-profile.ts; docs/BENCHMARKS.md).
 */
import type { LibraryImportOutcome } from '../../core/types.ts';
import { readLibraryFile } from './read.ts';
import { writeLibraryFile, type WriteOptions } from './write.ts';
import type { ExportedDocumentWithPassages, LibraryFilePassage, LibraryFileVector } from './format.ts';
import type { Library } from '../library.ts';
import { documentBlocks, documentChunks, documentPassages } from '../key-ranges.ts';
import { ImportedVectorKeys } from '../import-writes.ts';
import { itemAt } from '../checked.ts';

export interface ImportProgress {
  /** One pass reads, checks and stores (see above). */
  phase: 'storing';
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

export type ImportOutcome = LibraryImportOutcome;

/** Rejects with a LibraryFileError, changing nothing, when the file does not fit this library or is damaged. */
export async function importLibraryFile(library: Library, file: Blob, options: ImportOptions = {}): Promise<ImportOutcome> {
  const { signal, onProgress } = options;
  const reading = {
    fileName: options.fileName ?? ((file as Partial<File>).name || 'the file'),
    modelId: library.model.id,
    dims: library.model.dimensions,
  };
  const outcome: ImportOutcome = { documents: 0, passages: 0 };
  let lastRead = 0;
  const report = (phase: ImportProgress['phase']) => (bytesRead: number) => {
    lastRead = bytesRead;
    onProgress?.({ phase, bytesRead, totalBytes: file.size, documents: outcome.documents, passages: outcome.passages });
  };

  signal?.throwIfAborted();
  const started = performance.now();
  let writing = 0;
  const stored: string[] = [];
  let group: DocumentToStore[] = [];
  let groupPassages = 0;
  // One group is written while the reader parses and checks the next: IndexedDB's work and the reader's overlap.
  let writingGroup: Promise<void> = Promise.resolve();
  const ownVectors = new ImportedVectorKeys();
  const storeGroup = async () => {
    const documents = group;
    group = [];
    groupPassages = 0;
    await writingGroup;
    if (documents.length === 0) return;
    writingGroup = (async () => {
      const writeFrom = performance.now();
      const written = await storeDocuments(library, documents, ownVectors, outcome.reembedding !== true);
      writing += performance.now() - writeFrom;
      for (const { id, passages } of written) {
        stored.push(id);
        outcome.documents++;
        outcome.passages += passages;
      }
      onProgress?.({ phase: 'storing', bytesRead: lastRead, totalBytes: file.size, documents: outcome.documents, passages: outcome.passages });
    })();
    writingGroup.catch(() => undefined); // awaited by the next group or at the end
  };
  try {
    for await (const record of readLibraryFile(file, { ...reading, onProgress: report('storing') })) {
      signal?.throwIfAborted();
      if (record.kind === 'header') {
        const { modelBuild } = record.header;
        if (modelBuild !== undefined && library.model.build !== undefined && modelBuild !== library.model.build) outcome.reembedding = true;
        continue;
      }
      group.push(record);
      groupPassages += record.passages.length;
      if (groupPassages >= (options.batchPassages ?? STORE_BATCH_PASSAGES)) await storeGroup();
    }
    signal?.throwIfAborted();
    await storeGroup();
    await writingGroup;
    signal?.throwIfAborted();
    performance.measure('passage:import:store', { start: started, end: performance.now() });
    performance.measure('passage:import:store-writes', { start: started, duration: writing });
  } catch (error) {
    await writingGroup.catch(() => undefined); // a group still being written is rolled back too
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
function storeDocuments(
  library: Library,
  group: readonly DocumentToStore[],
  ownVectors: ImportedVectorKeys,
  withVectors: boolean,
): Promise<{ id: string; passages: number }[]> {
  return library.addImported(
    group.map(({ document, passages }) => ({
      document,
      passages: passages.map((p) => ({
        ordinal: p.ordinal,
        start: p.start,
        end: p.end,
        contextStart: p.contextStart,
        contentHash: p.contentHash,
        vector: withVectors ? p.vector : null,
      })),
    })),
    ownVectors,
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
    ...(library.model.build === undefined ? {} : { modelBuild: library.model.build }),
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
      tx.objectStore('textChunks').getAll(documentChunks(id)),
      tx.objectStore('passages').getAll(documentPassages(id)),
      tx.objectStore('vectorBlocks').getAll(documentBlocks(library.model.id, id)),
    ]);
    await tx.done;
    if (!document || chunks.length === 0) continue; // deleted meanwhile: the writer's counts then refuse to finish the file
    const dims = library.model.dimensions;
    const vectors = new Map<number, LibraryFileVector>();
    for (const block of blocks) {
      block.ordinals.forEach((ordinal, i) => vectors.set(ordinal, { scale: itemAt(block.scales, i, 'scale'), q: block.q.subarray(i * dims, (i + 1) * dims) }));
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
