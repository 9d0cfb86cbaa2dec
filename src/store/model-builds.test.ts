import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addText, countingEmbedder, freshDbName, MODEL } from './fixtures.test-support.ts';
import { indexPending } from '../app/indexer.ts';
import { META_KEY } from './db.ts';
import { modelRange } from './key-ranges.ts';
import { Library, type LibraryModel } from './library.ts';
import { dropOtherBuild } from './model-vectors.ts';

const OTHER = { id: 'user/tiny-model', dimensions: 6 };
const TEXT = 'Rivers run to the sea.\n\nMountains stand still.\n\nThe sea is salt.';
const BUILD_A = { ...MODEL, build: 'a'.repeat(64) };
const BUILD_B = { ...MODEL, build: 'b'.repeat(64) };

/** A library with three documents (twelve passages, six distinct texts) indexed by `model`. */
async function indexedWith(model: LibraryModel, name = freshDbName()) {
  const library = await Library.open(model, { name });
  for (const [i, title] of ['Geography', 'Seas', 'Peaks'].entries()) await addText(library, title, `${TEXT}\n\nPart ${i} of the atlas.`);
  await indexPending(library, countingEmbedder(model.dimensions));
  library.close();
  return name;
}

async function stored(library: Library, model: { id: string } = MODEL) {
  return {
    blocks: await library.db.count('vectorBlocks', modelRange(model.id)),
    vectors: await library.db.count('vectors', modelRange(model.id)),
  };
}

const stamps = async (library: Library) => (await library.db.get('meta', META_KEY))?.builds;

describe('Stored vectors carry the build of the model that made them', () => {
  it('the same build keeps every vector: nothing is pending, nothing is embedded', async () => {
    const name = await indexedWith(BUILD_A);
    const library = await Library.open(BUILD_A, { name });
    assert.deepEqual(await stored(library), { blocks: 3, vectors: 6 });
    assert.equal(await library.pendingCount(), 0);
    const embedder = countingEmbedder();
    assert.equal(await indexPending(library, embedder), 0);
    assert.equal(embedder.calls, 0);
    assert.deepEqual(await stamps(library), { [MODEL.id]: BUILD_A.build });
    library.close();
  });

  it("another build of the same model drops that model's vectors, makes every document pending and embeds them again", async () => {
    const name = await indexedWith(BUILD_A);
    await indexedWith(OTHER, name); // another model's vectors, which stay
    const library = await Library.open(BUILD_B, { name });
    assert.deepEqual(await stored(library), { blocks: 0, vectors: 0 });
    assert.deepEqual(await stored(library, OTHER), { blocks: 3, vectors: 6 });
    assert.equal(await library.pendingCount(), 12);
    assert.deepEqual((await library.listDocuments()).map((d) => d.indexedCount), [0, 0, 0]);
    assert.deepEqual(await stamps(library), { [MODEL.id]: BUILD_B.build });
    assert.equal(await indexPending(library, countingEmbedder()), 6, 'one embedding per distinct text');
    library.close();
    const again = await Library.open(BUILD_B, { name });
    assert.equal(await again.pendingCount(), 0, 'once re-embedded, the new build is at home');
    again.close();
  });

  it('a model switched back to after it was rebuilt drops its old vectors too (each model has its own stamp)', async () => {
    const name = await indexedWith(BUILD_A);
    const other = await Library.open({ ...OTHER, build: 'c'.repeat(64) }, { name });
    assert.deepEqual(await stamps(other), { [MODEL.id]: BUILD_A.build, [OTHER.id]: 'c'.repeat(64) });
    other.close();
    const back = await Library.open(BUILD_B, { name });
    assert.deepEqual(await stored(back), { blocks: 0, vectors: 0 });
    assert.equal(await back.pendingCount(), 12);
    back.close();
  });

  it('a library from before builds were stamped adopts the build without re-embedding', async () => {
    const name = await indexedWith(MODEL); // no build: what every library stored until stamps came
    const library = await Library.open(BUILD_A, { name });
    assert.deepEqual(await stamps(library), { [MODEL.id]: BUILD_A.build });
    assert.deepEqual(await stored(library), { blocks: 3, vectors: 6 });
    assert.equal(await library.pendingCount(), 0);
    library.close();
  });

  it('an unknown build (no readable build record) keeps the vectors and the stamp', async () => {
    const name = await indexedWith(BUILD_A);
    const library = await Library.open(MODEL, { name });
    assert.deepEqual(await stored(library), { blocks: 3, vectors: 6 });
    assert.deepEqual(await stamps(library), { [MODEL.id]: BUILD_A.build });
    library.close();
  });

  it('drops in bounded slices, and a drop cut short is taken up at the next open', async () => {
    const name = await indexedWith(BUILD_A);
    const db = (await Library.open(BUILD_A, { name })).db;
    const slices: { blocks: number; vectors: number }[] = [];
    const cut = dropOtherBuild(db, BUILD_B, {
      slice: { blocks: 1, vectors: 4 },
      onSlice: (deleted) => {
        slices.push(deleted);
        throw new Error('the tab closed');
      },
    });
    await assert.rejects(cut, /the tab closed/);
    assert.deepEqual(slices, [{ blocks: 1, vectors: 4 }]);
    db.close();
    const library = await Library.open(BUILD_B, { name });
    assert.deepEqual(await stored(library), { blocks: 0, vectors: 0 });
    assert.equal(await library.pendingCount(), 12);
    assert.deepEqual(await stamps(library), { [MODEL.id]: BUILD_B.build });
    library.close();
  });

  it('a drop stops when another tab finished it meanwhile (the stamp is this build already): what is stored then is its', async () => {
    const name = await indexedWith(BUILD_A);
    const db = (await Library.open(BUILD_A, { name })).db;
    const meta = (await db.get('meta', META_KEY))!;
    const slices: unknown[] = [];
    const dropped = await dropOtherBuild(db, BUILD_B, {
      slice: { blocks: 1, vectors: 1 },
      // The other tab's stamp lands before this tab's next slice (transactions run in the order they were made).
      onSlice: (deleted) => slices.push(deleted) && void db.put('meta', { ...meta, builds: { [MODEL.id]: BUILD_B.build } }, META_KEY),
    });
    assert.equal(dropped, true);
    assert.deepEqual(slices, [{ blocks: 1, vectors: 1 }]);
    assert.equal(await db.count('vectorBlocks', modelRange(MODEL.id)), 2);
    db.close();
  });
});
