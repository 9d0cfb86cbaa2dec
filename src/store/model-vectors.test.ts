import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addText, countingEmbedder, freshDbName, MODEL, paragraphs } from './fixtures.test-support.ts';
import { indexPending } from '../app/indexer.ts';
import { modelRange } from './key-ranges.ts';
import { Library } from './library.ts';
import { deleteModelVectors, modelsWithVectors } from './model-vectors.ts';

const OTHER = { id: 'user/tiny-model', dimensions: 6 };
const TEXT = 'Rivers run to the sea.\n\nMountains stand still.\n\nThe sea is salt.';

/** A library indexed with MODEL, then opened with `model` (and indexed with it when `index`). */
async function switched(model = OTHER, { index = false } = {}) {
  const name = freshDbName();
  const first = await Library.open(MODEL, { name });
  const added = await addText(first, 'Geography', TEXT);
  await indexPending(first, countingEmbedder());
  first.close();
  const library = await Library.open(model, { name });
  if (index) await indexPending(library, countingEmbedder(model.dimensions));
  return { name, library, documentId: added.documentId };
}

describe('Vectors of several models in one library', () => {
  it('a new model finds every passage pending and embeds only for itself', async () => {
    const { library } = await switched();
    assert.equal(await library.pendingCount(), 3);
    assert.equal((await library.listDocuments())[0]?.indexedCount, 0);
    const embedder = countingEmbedder(OTHER.dimensions);
    assert.equal(await indexPending(library, embedder), 3);
    assert.equal((await library.listDocuments())[0]?.indexedCount, 3);
    assert.deepEqual((await modelsWithVectors(library.db)).sort(), [MODEL.id, OTHER.id].sort());
    library.close();
  });

  it('switching back to a model that has vectors embeds nothing and counts every passage indexed', async () => {
    const { name, library } = await switched(OTHER, { index: true });
    library.close();
    const back = await Library.open(MODEL, { name });
    assert.equal(back.modelChanged, true);
    assert.equal(await back.pendingCount(), 0);
    assert.equal((await back.listDocuments())[0]?.indexedCount, 3);
    const embedder = countingEmbedder();
    assert.equal(await indexPending(back, embedder), 0);
    assert.equal(embedder.calls, 0);
    let rows = 0;
    await back.forEachBlock((block) => (rows += block.ordinals.length));
    assert.equal(rows, 3, 'start-up loads the first model\'s rows, not the other model\'s');
    back.close();
  });

  it('a model switched to half-way resumes where its own indexing stopped', async () => {
    const name = freshDbName();
    const first = await Library.open(MODEL, { name });
    await addText(first, 'Geography', TEXT);
    await indexPending(first, countingEmbedder());
    first.close();
    const other = await Library.open(OTHER, { name });
    const controller = new AbortController();
    await assert.rejects(
      indexPending(other, countingEmbedder(OTHER.dimensions), { batchSize: 1, signal: controller.signal, onBatch: () => controller.abort() }),
      { name: 'AbortError' },
    );
    other.close();
    const back = await Library.open(MODEL, { name });
    assert.equal(await back.pendingCount(), 0);
    back.close();
    const again = await Library.open(OTHER, { name });
    assert.equal(await again.pendingCount(), 2, 'one passage of the other model was stored before the cancel');
    const embedder = countingEmbedder(OTHER.dimensions);
    assert.equal(await indexPending(again, embedder), 2);
    again.close();
  });

  it('deleting a document removes its rows and vectors of every model', async () => {
    const { library, documentId } = await switched(OTHER, { index: true });
    await library.deleteDocument(documentId);
    assert.equal(await library.db.count('vectorBlocks'), 0);
    assert.equal(await library.db.count('vectors'), 0);
    assert.deepEqual(await modelsWithVectors(library.db), []);
    library.close();
  });

  it('re-indexing a document drops its rows of the other models too, so each re-embeds it once', async () => {
    const { name, library, documentId } = await switched(OTHER, { index: true });
    await library.replacePassages(documentId, paragraphs(TEXT));
    assert.equal(await library.db.count('vectorBlocks', modelRange(MODEL.id)), 0);
    assert.equal(await library.db.count('vectors', modelRange(MODEL.id)), 0);
    library.close();
    const back = await Library.open(MODEL, { name });
    assert.equal(await back.pendingCount(), 3);
    back.close();
  });

  it('a model re-added under the same id with other dimensions loses its old vectors', async () => {
    const { name, library } = await switched(OTHER, { index: true });
    library.close();
    const resized = await Library.open({ id: OTHER.id, dimensions: 8 }, { name });
    assert.equal(await resized.db.count('vectors', modelRange(OTHER.id)), 0);
    assert.equal(await resized.pendingCount(), 3);
    assert.equal(await resized.db.count('vectors', modelRange(MODEL.id)), 3);
    resized.close();
  });

  it('a tab still on the old model cannot store vectors once another tab switched the library', async () => {
    const name = freshDbName();
    const old = await Library.open(MODEL, { name });
    await addText(old, 'Geography', TEXT);
    const pending = await old.pendingTexts(1);
    const switched = await Library.open(OTHER, { name });
    await assert.rejects(
      old.storeVectors(MODEL.id, pending.map((p) => ({ contentHash: p.contentHash, q: new Int8Array(MODEL.dimensions), scale: 1 }))),
      /the library now uses user\/tiny-model; vectors of test-model were not stored/,
    );
    assert.equal(await switched.db.count('vectors'), 0);
    assert.equal((await switched.listDocuments())[0]?.indexedCount, 0);
    old.close();
    switched.close();
  });

  it('removing a model deletes its vectors but refuses the model in use', async () => {
    const { library } = await switched(OTHER, { index: true });
    await assert.rejects(deleteModelVectors(library.db, OTHER.id), /is the model in use/);
    await deleteModelVectors(library.db, MODEL.id);
    assert.deepEqual(await modelsWithVectors(library.db), [OTHER.id]);
    library.close();
  });

  it('removing a model deletes its vectors and blocks a bounded slice per transaction, and nothing of the model in use', async () => {
    const name = freshDbName();
    const first = await Library.open(MODEL, { name });
    for (const [i, title] of ['Geography', 'Seas', 'Peaks'].entries()) await addText(first, title, `${TEXT}\n\nPart ${i} of the atlas.`);
    await indexPending(first, countingEmbedder());
    first.close();
    const library = await Library.open(OTHER, { name });
    await indexPending(library, countingEmbedder(OTHER.dimensions));
    const before = { blocks: await library.db.count('vectorBlocks', modelRange(MODEL.id)), vectors: await library.db.count('vectors', modelRange(MODEL.id)) };
    assert.equal(before.blocks, 3);
    assert.equal(before.vectors, 6, 'three shared texts and one part line per document');
    const kept = { blocks: await library.db.count('vectorBlocks', modelRange(OTHER.id)), vectors: await library.db.count('vectors', modelRange(OTHER.id)) };

    const slices: { blocks: number; vectors: number }[] = [];
    const deleted = await deleteModelVectors(library.db, MODEL.id, { slice: { blocks: 1, vectors: 4 }, onSlice: (d) => slices.push(d) });
    assert.deepEqual(deleted, before);
    assert.deepEqual(slices, [
      { blocks: 1, vectors: 4 },
      { blocks: 2, vectors: 6 },
      { blocks: 3, vectors: 6 },
    ]);
    assert.equal(await library.db.count('vectorBlocks', modelRange(MODEL.id)), 0);
    assert.equal(await library.db.count('vectors', modelRange(MODEL.id)), 0);
    assert.deepEqual({ blocks: await library.db.count('vectorBlocks', modelRange(OTHER.id)), vectors: await library.db.count('vectors', modelRange(OTHER.id)) }, kept);
    assert.deepEqual(await deleteModelVectors(library.db, MODEL.id), { blocks: 0, vectors: 0 }, 'running it again finds nothing left');
    assert.equal(await library.pendingCount(), 0, 'the model in use still has every passage');
    library.close();
  });
});
