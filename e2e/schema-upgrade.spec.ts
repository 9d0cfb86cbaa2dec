/**
 * A library stored by an older Passage (schema 5) is upgraded when this version opens it (src/store/db.ts v5ToV6).
 * At 100k passages that takes a minute or more, so the status line says what is happening and how far it is, and a
 * second tab opened meanwhile says another tab is updating the library. The upgrade is one transaction: a tab
 * closed half-way leaves the schema-5 library whole, and the next open upgrades it again. Afterwards the old
 * documents answer questions with their stored vectors: nothing is embedded again.
 *
 * The schema-5 library is made in the browser: a document is imported and indexed by this build, then, from a page
 * of the origin that does not run the app (an icon), its records are rewritten in schema 5's shapes (texts whole,
 * passages with their text and context, vectors with their rows), and filler documents with stored vectors make
 * the upgrade last long enough to watch from two tabs.
 */
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { ask, expect, fileInput, fixturesDir, openApp, test, waitForIndexed, waitForModel } from './support/app.ts';
import { countEmbedded, embeddedIn } from './support/embedded.ts';

const LIGHTHOUSE = { question: 'Why did the keeper polish the lens every evening?', answer: 'polished the brass lens' };

// Counts what each page embeds (support/embedded.ts), in every tab of the test's context.
test.beforeEach(({ context }) => countEmbedded(context));

/**
 * From a page of the origin where the app does not run (nothing holds or reopens the database), turns the app's
 * (schema 6) library into a schema-5 one with `fillerPassages` more passages (filler documents of
 * 100 passages, each with a stored vector), as Passage before schema 6 stored it. Returns the passages in all.
 */
async function rewriteAsSchema5(page: Page, fillerPassages: number): Promise<number> {
  await page.goto('/icons/icon-192.png');
  return page.evaluate(async (filler) => {
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const open = (version?: number, upgrade?: (db: IDBDatabase) => void) =>
      new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('passage', version);
        r.onupgradeneeded = () => upgrade?.(r.result);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    type Block = { modelId: string; docId: string; block: number; ordinals: Uint32Array; q: Int8Array; scales: Float32Array };
    type Passage6 = { id: string; docId: string; ordinal: number; start: number; end: number; contextStart: number; contentHash: string };

    // Everything the app stored, read with the schema-6 shapes.
    const v6 = await open();
    if (v6.version !== 6) throw new Error(`expected the app's schema 6, found ${v6.version}`);
    const read = v6.transaction(['documents', 'textChunks', 'passages', 'vectors', 'vectorBlocks', 'meta']);
    const documents = await request(read.objectStore('documents').getAll());
    const chunks = (await request(read.objectStore('textChunks').getAll())) as { docId: string; chunk: number; text: string }[];
    const passages = (await request(read.objectStore('passages').getAll())) as Passage6[];
    const vectorKeys = (await request(read.objectStore('vectors').getAllKeys())) as [string, string][];
    const vectorValues = (await request(read.objectStore('vectors').getAll())) as { sentences?: Uint8Array }[];
    const blocks = (await request(read.objectStore('vectorBlocks').getAll())) as Block[];
    const meta = (await request(read.objectStore('meta').get('library'))) as { modelId: string; dims: number };
    v6.close();
    await request(indexedDB.deleteDatabase('passage'));

    const texts = new Map<string, string>();
    for (const c of chunks.sort((a, b) => a.chunk - b.chunk)) texts.set(c.docId, (texts.get(c.docId) ?? '') + c.text);
    const byId = new Map(passages.map((p) => [p.id, p]));
    const rows = new Map<string, { q: Int8Array; scale: number }>();
    for (const b of blocks) {
      b.ordinals.forEach((ordinal, i) => {
        const passage = byId.get(`${b.docId}:${ordinal}`);
        if (passage) rows.set(passage.contentHash, { q: b.q.slice(i * meta.dims, (i + 1) * meta.dims), scale: b.scales[i]! });
      });
    }

    // Schema 5, store by store and index by index, as migrations v1…v5 of src/store/db.ts make it.
    const v5 = await open(5, (db) => {
      db.createObjectStore('documents', { keyPath: 'id' }).createIndex('by-sha256', 'sha256', { unique: true });
      const p = db.createObjectStore('passages', { keyPath: 'id' });
      p.createIndex('by-doc', 'docId');
      p.createIndex('by-hash', 'contentHash');
      p.createIndex('by-position', ['docId', 'ordinal']);
      db.createObjectStore('vectors', { keyPath: ['modelId', 'contentHash'] });
      db.createObjectStore('meta');
      db.createObjectStore('texts', { keyPath: 'docId' });
      db.createObjectStore('vectorBlocks', { keyPath: ['modelId', 'docId', 'block'] });
      db.createObjectStore('wordIndex');
    });
    const write = v5.transaction(['documents', 'texts', 'passages', 'vectors', 'vectorBlocks', 'meta'], 'readwrite');
    const store = (name: string) => write.objectStore(name);
    store('meta').put({ ...meta, schemaVersion: 5 }, 'library');
    for (const d of documents) store('documents').put(d);
    for (const [docId, text] of texts) store('texts').put({ docId, text });
    for (const p of passages) {
      const text = texts.get(p.docId)!;
      const { contextStart, ...rest } = p;
      store('passages').put({ ...rest, text: text.slice(p.start, p.end), context: text.slice(contextStart, p.start) });
    }
    vectorKeys.forEach(([modelId, contentHash], i) => {
      const row = rows.get(contentHash);
      if (row) store('vectors').put({ modelId, contentHash, ...row, ...vectorValues[i] });
    });
    for (const b of blocks) store('vectorBlocks').put(b);

    // Filler: documents of 100 passages of words the question does not use, each with a (random) stored vector.
    const words = 'amber basalt cobalt dune ember fjord glacier harbor indigo jasper kelp lagoon meadow'.split(' ');
    let seed = 7;
    const next = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    for (let d = 0; d * 100 < filler; d++) {
      const docId = `filler-${d}`;
      const spans: { start: number; end: number }[] = [];
      let text = '';
      for (let i = 0; i < 100; i++) {
        const sentence = Array.from({ length: 40 }, () => words[Math.floor(next() * words.length)]).join(' ') + '.';
        spans.push({ start: text.length, end: text.length + sentence.length });
        text += sentence + '\n\n';
      }
      store('documents').put({ id: docId, title: `Filler ${d}`, type: 'txt', size: text.length, sha256: `filler-sha-${d}`, added: 1, passageCount: 100, splitRecipe: documents[0].splitRecipe, indexedCount: 100 });
      store('texts').put({ docId, text });
      const q = new Int8Array(100 * meta.dims);
      const scales = new Float32Array(100);
      spans.forEach((span, ordinal) => {
        const contentHash = `filler-${d}-${ordinal}`;
        const row = Int8Array.from({ length: meta.dims }, () => Math.floor(next() * 255) - 127);
        q.set(row, ordinal * meta.dims);
        // A unit vector, as the model's are: far from any question (cosine ~0 ± 0.05 in 384 dimensions).
        scales[ordinal] = 1 / Math.hypot(...row);
        store('passages').put({ id: `${docId}:${ordinal}`, docId, ordinal, ...span, text: text.slice(span.start, span.end), context: '', contentHash });
        store('vectors').put({ modelId: meta.modelId, contentHash, q: row, scale: scales[ordinal] });
      });
      store('vectorBlocks').put({ modelId: meta.modelId, docId, block: 0, ordinals: Uint32Array.from(spans.keys()), q, scales });
    }
    await new Promise<void>((resolve, reject) => {
      write.oncomplete = () => resolve();
      write.onerror = () => reject(write.error);
    });
    v5.close();
    return passages.length + Math.ceil(filler / 100) * 100;
  }, fillerPassages);
}

/** The lighthouse passages among the answer's results, best first. */
async function lighthouseRanking(page: Page): Promise<string[]> {
  const answer = await ask(page, LIGHTHOUSE.question);
  return answer.all.filter((hit) => hit.title === 'lighthouse').map((hit) => hit.passage);
}

/** After the upgrade the question gets the same lighthouse passages in the same order, and nothing was embedded. */
async function expectSameAnswers(page: Page, before: string[]) {
  const after = await lighthouseRanking(page);
  expect(after.length).toBeGreaterThan(0);
  expect(after).toEqual(before.slice(0, after.length));
  expect(await embeddedIn(page), 'nothing was embedded again').toBe(0);
}

/**
 * Resolves with the first progress report of an upgrade that is under way (some passages done, not all), heard on
 * the channel the upgrading tab posts on (src/store/upgrade-news.ts) by a page of the origin outside the app.
 */
async function upgradeUnderWay(context: BrowserContext): Promise<{ done: number; total: number }> {
  const watcher = await context.newPage();
  await watcher.goto('/icons/icon-192.png');
  let heard!: (count: { done: number; total: number }) => void;
  const underWay = new Promise<{ done: number; total: number }>((resolve) => (heard = resolve));
  await watcher.exposeFunction('upgradeUnderWay', (count: { done: number; total: number }) => heard(count));
  await watcher.evaluate(() => {
    const channel = new BroadcastChannel('passage-upgrade:passage');
    channel.onmessage = ({ data }: MessageEvent<{ done: number; total: number }>) => {
      if (data.done > 0 && data.done < data.total) {
        channel.close();
        void (window as unknown as { upgradeUnderWay(count: unknown): Promise<void> }).upgradeUnderWay(data);
      }
    };
  });
  return underWay.finally(() => watcher.close());
}

/** Filler passages: enough for the upgrade to last several seconds (bench/upgrade.bench.ts), so a second tab sees it. */
const FILLER = 5000;

test('a schema-5 library is upgraded on open with its progress on the status line; a tab closed mid-upgrade loses nothing and the next open upgrades again; a second tab opened meanwhile says another tab is updating it; both then answer from the old documents without embedding them again', async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  // Dense ranking only (the Settings switch): the order then depends on the stored vectors alone, so the same
  // order after the upgrade shows every passage kept its own row (word matching would also wait for its index).
  await context.addInitScript(() => localStorage.setItem('passage.hybrid', 'false'));
  await openApp(page);
  await fileInput(page).setInputFiles(path.join(fixturesDir, 'lighthouse.txt'));
  await waitForIndexed(page, 1);
  const ranking = await lighthouseRanking(page);
  expect(ranking[0]).toContain(LIGHTHOUSE.answer);
  const total = await rewriteAsSchema5(page, FILLER);

  // A tab starts the upgrade and is closed half-way: its versionchange transaction is rolled back, so the library
  // is schema 5 again, whole, and the next tab to open upgrades it from the start.
  const [underWay] = await Promise.all([upgradeUnderWay(context), page.goto('/')]);
  expect(underWay.total).toBe(total);
  await page.close();

  // Two tabs open at once (as after a browser restart): one upgrades, the other waits for it. Opening them
  // together, not one after the other, keeps a fast machine's upgrade from ending before the second tab listens.
  const tabs = [await context.newPage(), await context.newPage()];
  await Promise.all(tabs.map((tab) => tab.goto('/')));
  const strips = tabs.map((tab) => tab.locator('progress-bar .strip'));
  const updatingHere = 'Updating your library for this version of Passage';
  let upgrading = -1;
  await expect
    .poll(async () => (upgrading = (await Promise.all(strips.map((strip) => strip.innerText()))).findIndex((text) => text.includes(updatingHere))), {
      timeout: 20_000,
      message: 'one tab says it is updating the library',
    })
    .not.toBe(-1);
  const [here, there] = upgrading === 0 ? strips : [strips[1]!, strips[0]!];
  await expect(here!).toContainText(`of ${total.toLocaleString('en-US')} passages`);
  await expect(here!).toContainText('Nothing is lost — keep this tab open');
  await expect(there!).toContainText('Another Passage tab is updating your library', { timeout: 20_000 });
  await expect(there!).toContainText(`of ${total.toLocaleString('en-US')} passages`);
  await expect(there!).toContainText('This tab continues when it is done');

  for (const tab of tabs) {
    await expect(tab.locator('progress-bar .strip')).not.toContainText('updating your library', { ignoreCase: true, timeout: 60_000 });
    await waitForModel(tab);
    await waitForIndexed(tab, 1 + FILLER / 100);
    await expectSameAnswers(tab, ranking);
    await expect(tab.locator('schema-banner [role=alert]')).toHaveCount(0);
  }
});
