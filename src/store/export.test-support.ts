/** What the export tests share: a small indexed library, snapshots of every store, counts. */
import { addText, countingEmbedder, openFresh } from './fixtures.test-support.ts';
import { indexPending } from '../app/indexer.ts';
import type { Library } from './library.ts';

export const TEXT_A = 'Rivers carry water to the sea.\n\nMountains are tall.';
export const TEXT_B = 'A second document.\n\nRivers carry water to the sea.';

export async function indexedLibrary(): Promise<Library> {
  const library = await openFresh();
  await addText(library, 'A', TEXT_A, { withContext: true });
  await addText(library, 'B', TEXT_B);
  await indexPending(library, countingEmbedder());
  return library;
}

/** Every store's records, in an order an import need not repeat. */
export async function snapshot(library: Library) {
  const documents = (await library.db.getAll('documents')).sort((a, b) => a.title.localeCompare(b.title));
  const passages = (await library.db.getAll('passages')).sort((a, b) => a.id.localeCompare(b.id));
  const [vectorKeys, vectorValues] = await Promise.all([library.db.getAllKeys('vectors'), library.db.getAll('vectors')]);
  const vectors = vectorKeys.map((key, i) => [key, vectorValues[i]]); // in key order
  const texts = (await library.db.getAll('textChunks')).sort((a, b) => a.text.localeCompare(b.text));
  // Search rows by passage (a block keeps them in the order they were embedded, which an import need not repeat).
  const rows = await library.blockRows(passages.map((p) => p.id));
  const blocks = [...rows].sort(([a], [b]) => a.localeCompare(b)).map(([id, row]) => [id, [...row.q], row.scale]);
  return { documents, passages, vectors, texts, blocks };
}

export async function storedCounts(library: Library) {
  const [documents, texts, passages, vectors] = await Promise.all(
    (['documents', 'textChunks', 'passages', 'vectors'] as const).map((store) => library.db.count(store)),
  );
  return { documents, texts, passages, vectors };
}

export const NOTHING = { documents: 0, texts: 0, passages: 0, vectors: 0 };

export function named(blob: Blob, name = 'lib.passage'): File {
  return new File([blob], name);
}

