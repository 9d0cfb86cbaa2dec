/**
 * Start-up's read of the search index: every stored row of the current model into a fresh SearchIndex, and every
 * document's title into the title index. The vectors are read as blocks (vector-blocks.ts forEachBlock: a few
 * large reads), so dense search can answer once they are in; the word index is built afterwards
 * (word-index-build.ts).
 */
import { SearchIndex } from '../core/search-index.ts';
import type { TitleIndex } from '../core/title-index.ts';
import { startupMark } from '../shared/startup-trace.ts';
import type { Library } from './library.ts';
import { docIdOf, passageId } from './library-types.ts';
import { releaseGarbage } from './release-garbage.ts';

/** Bytes of vector blocks per IndexedDB read at start-up. */
const BYTES_PER_READ = 16 << 20;

/**
 * Blocks per read so that one read carries ~BYTES_PER_READ: a library of many short documents has many small
 * blocks (1M passages in ~20k documents: ~50 rows a block), and a fixed 64 blocks a read made 300+ small reads.
 */
export function blocksPerRead(rows: number, documents: number, dims: number): number {
  const rowsPerBlock = Math.max(1, Math.min(1024, rows / Math.max(1, documents)));
  return Math.max(16, Math.min(4096, Math.floor(BYTES_PER_READ / (rowsPerBlock * (dims + 8)))));
}

/** A search index of every stored row (no texts yet), with `titles` refilled from the stored documents. */
export async function loadVectors(library: Library, titles: TitleIndex): Promise<SearchIndex> {
  startupMark('library:opened');
  const dims = library.model.dimensions;
  const index = new SearchIndex(dims, { groupOf: docIdOf });
  titles.clear();
  let rows = 0;
  const documents = await library.listDocuments();
  for (const doc of documents) {
    titles.set(doc.id, doc.title);
    rows += doc.indexedCount;
  }
  // Room for every stored row at once: growing by doubling copied the arrays ~10 times at 1M rows and left up to
  // half of their capacity unused.
  index.vectors.reserve(rows);
  startupMark('library:titles');
  let indexing = 0;
  await library.forEachBlock((block) => {
    const t0 = performance.now();
    // Texts come later, from the word index build.
    index.loadBlock(Array.from(block.ordinals, (ordinal) => passageId(block.docId, ordinal)), block.q, block.scales, block.docId, block.residuals);
    indexing += performance.now() - t0;
  }, blocksPerRead(rows, documents.length, dims));
  startupMark('library:vectors', { rows: index.size, indexingMs: Math.round(indexing) });
  releaseGarbage(); // the blocks just read were copied into the index
  return index;
}
