/**
 * Work the page does once at start-up to bring stored documents up to the current code: documents split by an
 * older recipe (before passage context, say) are split again and re-embedded, all in one pause of indexing. A
 * document that fails keeps its old passages, which still answer, and is tried again at the next start.
 */
import type { LibraryBackend } from './library-backend.ts';
import type { LibraryController, StoredSplit } from './library-controller.ts';

export async function resplitStaleDocuments(library: LibraryBackend, controller: Pick<LibraryController, 'splitStored' | 'replacePassages'>): Promise<void> {
  const splits: StoredSplit[] = [];
  for (const id of await library.staleDocumentIds()) {
    try {
      const split = await controller.splitStored(id);
      if (split) splits.push(split);
    } catch (error) {
      console.error(`Passage: could not split document ${id} again`, error);
    }
  }
  if (splits.length === 0) return;
  try {
    await controller.replacePassages(splits);
  } catch (error) {
    console.error('Passage: could not store documents split again', error);
  }
}
