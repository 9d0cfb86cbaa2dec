import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ThroughputSnapshot } from '../core/throughput.ts';
import { addText, countingEmbedder, freshDbName, MODEL } from '../store/fixtures.test-support.ts';
import { DB_VERSION } from '../store/db.ts';
import { EMBED_BATCH } from '../core/embed-batch.ts';
import type { PassageInput } from '../core/split.ts';
import { createFakeEngine, fakeEnvironment, FakeWorker, FAKE_SPEC } from '../worker/fake-engine.test-support.ts';
import { EmbedderClient } from './embedder-client.ts';
import { indexPending } from './indexer.ts';
import { modelRange } from '../store/key-ranges.ts';
import { Library } from '../store/library.ts';

/** n distinct one-line paragraphs. */
const paragraphsText = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => `Paragraph ${i} of ${tag}.`).join('\n\n');

describe('indexPending', () => {
  it('embeds every pending passage in batches, one stored batch at a time, with progress', async () => {
    const library = await Library.open(MODEL, { name: freshDbName() });
    await addText(library, 'Ten', paragraphsText(10, 'ten'));
    const embedder = countingEmbedder();
    const progress: ThroughputSnapshot[] = [];
    const stored: number[] = [];
    let clock = 0;

    const embedded = await indexPending(library, embedder, {
      batchSize: 4,
      onProgress: (p) => progress.push(p),
      onBatch: () => stored.push(embedder.embedded.length),
      now: () => (clock += 500),
    });

    assert.equal(embedded, 10);
    assert.equal(embedder.calls, 3);
    assert.deepEqual(stored, [4, 8, 10]);
    assert.deepEqual(progress.map((p) => [p.done, p.total]), [[0, 10], [4, 10], [8, 10], [10, 10]]);
    assert.equal(progress.at(-1)?.etaSeconds, 0);
    assert.ok((progress[1]?.perSecond ?? 0) > 0);
    const [summary] = await library.listDocuments();
    assert.equal(summary?.indexedCount, 10);
    assert.equal(await library.forEachBlock(() => {}), 10);
    library.close();
  });

  it('resumes after a crash mid-indexing and embeds only what was not stored', async () => {
    const name = freshDbName();
    const first = await Library.open(MODEL, { name });
    await addText(first, 'Twelve', paragraphsText(12, 'twelve'));
    const crashing = countingEmbedder();
    crashing.failOnCall = 3; // batches 1 and 2 are stored, batch 3 is lost with the "crash"
    await assert.rejects(indexPending(first, crashing, { batchSize: 4 }), /crashed/);
    first.close();

    const reopened = await Library.open(MODEL, { name }); // as after a page reload
    assert.equal((await reopened.listDocuments())[0]?.indexedCount, 8);
    const resumed = countingEmbedder();
    assert.equal(await indexPending(reopened, resumed, { batchSize: 4 }), 4);
    assert.equal(resumed.calls, 1);
    assert.deepEqual(resumed.embedded, ['Paragraph 8 of twelve.', 'Paragraph 9 of twelve.', 'Paragraph 10 of twelve.', 'Paragraph 11 of twelve.']);
    assert.equal((await reopened.listDocuments())[0]?.indexedCount, 12);
    reopened.close();
  });

  it('stops between batches when cancelled and keeps what was stored', async () => {
    const library = await Library.open(MODEL, { name: freshDbName() });
    await addText(library, 'Eight', paragraphsText(8, 'eight'));
    const controller = new AbortController();
    const embedder = countingEmbedder();
    const run = indexPending(library, embedder, { batchSize: 2, signal: controller.signal, onBatch: () => controller.abort() });
    await assert.rejects(run, { name: 'AbortError' });
    assert.equal(embedder.calls, 1);
    assert.equal((await library.listDocuments())[0]?.indexedCount, 2);
    library.close();
  });

  it('never embeds a content hash that already has a vector for the model', async () => {
    const library = await Library.open(MODEL, { name: freshDbName() });
    await addText(library, 'A', 'Shared opening.\n\nOnly in A.');
    const embedder = countingEmbedder();
    await indexPending(library, embedder);
    await addText(library, 'B', 'Shared opening.\n\nOnly in B.\n\nOnly in B.'); // repeats inside B too
    await indexPending(library, embedder);
    assert.deepEqual(embedder.embedded, ['Shared opening.', 'Only in A.', 'Only in B.']);
    assert.equal(await indexPending(library, embedder), 0);
    assert.equal(embedder.calls, 2, 'a run with nothing pending calls no embedder');
    const counts = (await library.listDocuments()).map((d) => [d.title, d.indexedCount, d.passageCount]);
    assert.deepEqual(counts, [['A', 2, 2], ['B', 3, 3]]);
    library.close();
  });

  it('embeds everything for a new model and keeps the old model\'s vectors', async () => {
    const name = freshDbName();
    const before = await Library.open(MODEL, { name });
    await addText(before, 'Doc', paragraphsText(3, 'doc'));
    await indexPending(before, countingEmbedder());
    before.close();

    const otherModel = { id: 'other-model', dimensions: 6 };
    const after = await Library.open(otherModel, { name });
    assert.equal(after.modelChanged, true);
    assert.equal(await after.db.count('vectors', modelRange('other-model')), 0);
    assert.equal(await after.db.count('vectors', modelRange(MODEL.id)), 3, 'the first model keeps its vectors');
    assert.deepEqual(await after.db.get('meta', 'library'), { modelId: 'other-model', dims: 6, schemaVersion: DB_VERSION });
    assert.equal((await after.listDocuments())[0]?.indexedCount, 0);
    const embedder = countingEmbedder(6);
    assert.equal(await indexPending(after, embedder), 3);
    assert.equal((await after.listDocuments())[0]?.indexedCount, 3);
    after.close();

    const same = await Library.open(otherModel, { name });
    assert.equal(same.modelChanged, false);
    assert.equal(await same.db.count('vectors'), 6);
    same.close();
  });

  it('sends the worker one batch per request, which it runs as one turn on the model (one batch size, EMBED_BATCH)', async () => {
    const library = await Library.open(MODEL, { name: freshDbName() });
    await addText(library, 'Many', paragraphsText(2 * EMBED_BATCH + 3, 'many'));
    const engine = createFakeEngine();
    const worker = new FakeWorker(fakeEnvironment(engine));
    const client = new EmbedderClient(worker);
    await client.load(FAKE_SPEC, 'wasm');
    const embedder = {
      embed: (passages: readonly PassageInput[], signal: AbortSignal) =>
        client.embedPassages(passages.map((p) => p.text), passages.map((p) => p.context), { signal }),
    };
    assert.equal(await indexPending(library, embedder), 2 * EMBED_BATCH + 3);
    const requests = worker.received.flatMap((r) => (r.type === 'embed' ? [r.texts.length] : []));
    assert.deepEqual(requests, [EMBED_BATCH, EMBED_BATCH, 3]);
    assert.deepEqual(engine.embedCalls.map((call) => call.length), requests, 'each request is one turn on the model');
    assert.equal((await library.listDocuments())[0]?.indexedCount, 2 * EMBED_BATCH + 3);
    library.close();
  });

  it('refuses vectors of the wrong size instead of storing them', async () => {
    const library = await Library.open(MODEL, { name: freshDbName() });
    await addText(library, 'Doc', paragraphsText(2, 'doc'));
    await assert.rejects(indexPending(library, countingEmbedder(3)), /expected 2 vectors of 4 dimensions/);
    assert.equal(await library.db.count('vectors'), 0);
    library.close();
  });

  it('counts work stored during the run (another tab added a document) in its progress instead of hiding it', async () => {
    const library = await Library.open(MODEL, { name: freshDbName() });
    let late = false;
    const work = {
      model: MODEL,
      pendingCount: async () => {
        const count = await library.pendingCount();
        if (!late) {
          late = true; // stored right after this run counted what was pending
          await addText(library, 'Late', 'Late one.\n\nLate two.\n\nLate three.');
        }
        return count;
      },
      pendingTexts: (limit: number) => library.pendingTexts(limit),
      storeVectors: (modelId: string, batch: Parameters<Library['storeVectors']>[1]) => library.storeVectors(modelId, batch),
    };
    const seen: [number, number][] = [];
    assert.equal(await indexPending(work, countingEmbedder(), { batchSize: 2, onProgress: (p) => seen.push([p.done, p.total]) }), 3);
    assert.deepEqual(seen, [[0, 0], [2, 3], [3, 3]]);
    library.close();
  });
});
