/**
 * "Your own model" (issue 12, item 5), with a tiny BERT the project builds itself (models/testing/tiny-model.ts:
 * our converter, 2 layers, 32 dimensions, MiniLM's tokenizer) — no network. The hub is a local HTTP server
 * speaking the hub's URL scheme (models/testing/hub-server.ts); the page asks https://huggingface.co as it would
 * for a real person, and the browser context forwards those requests to the local server.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import JSZip from 'jszip';
import type { Page } from '@playwright/test';
import { startLocalHub, type LocalHub } from '../models/testing/hub-server.ts';
import { tinyModelFiles } from '../models/testing/tiny-model.ts';
import { ask, expect, fileInput, fixturesDir, openApp, test, waitForIndexed, waitForModel } from './support/app.ts';
import { countEmbedded, embeddedIn } from './support/embedded.ts';

const REPO = 'passage-tests/tiny-bert';
const HUB = 'https://huggingface.co';
const DOCUMENTS = ['lighthouse.txt', 'sourdough.md'].map((f) => path.join(fixturesDir, f));
let files: Map<string, Uint8Array>;
let hub: LocalHub;

test.beforeAll(async () => {
  files = await tinyModelFiles();
  hub = await startLocalHub({ [REPO]: files });
});
test.afterAll(() => hub?.close());

function models(page: Page) {
  return page.locator('settings-panel model-settings');
}

async function openAddForm(page: Page) {
  const summary = models(page).locator('summary');
  await summary.click();
  await expect(models(page).locator('form')).toBeVisible();
}

/** Switches with "Use" (the app restarts with the model) and waits until it is loaded. */
/** `id`: the model's id, or the start of a user model's (`user/<name>-`, its fingerprint follows). */
async function useModel(page: Page, id: string) {
  const reloaded = page.waitForEvent('load');
  await modelRow(page, id).locator('button[data-use]').click();
  await reloaded;
  await waitForModel(page);
  await expect(modelRow(page, id).locator('.in-use')).toHaveText('In use');
}

function modelRow(page: Page, id: string) {
  return models(page).locator(id.endsWith('-') ? `li[data-model^="${id}"]` : `li[data-model="${id}"]`);
}

/** Chooses `file` (a zip, or a folder) in the file chooser that the button opens. */
async function choose(page: Page, button: 'data-zip' | 'data-folder', file: string) {
  const chooser = page.waitForEvent('filechooser');
  await models(page).locator(`form button[${button}]`).click();
  await (await chooser).setFiles(file);
}

async function zipOf(entries: Map<string, Uint8Array>, file: string): Promise<string> {
  const zip = new JSZip();
  for (const [name, bytes] of entries) zip.file(`tiny-bert/${name}`, bytes);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await zip.generateAsync({ type: 'uint8array' }));
  return file;
}

// Counts what each page embeds (support/embedded.ts), in every tab of the test's context.
test.beforeEach(({ context }) => countEmbedded(context));

test('a model added from the hub downloads with progress, re-embeds the library in the background and answers; switching back to MiniLM embeds nothing; exports name their model', async ({
  page,
  context,
  requests,
}, testInfo) => {
  test.setTimeout(300_000);
  requests.allowed.add(HUB);
  // The hub, answered by the local server: same paths, same redirects to its file CDN.
  await context.route(`${HUB}/**`, async (route) => {
    const url = new URL(route.request().url());
    const response = await route.fetch({ url: `${hub.url}${url.pathname}${url.search}` });
    await route.fulfill({ response });
  });
  hub.chunkDelay = 60; // ~1.2 s for the ONNX file: progress can be seen, and cancelled

  await openApp(page);
  await fileInput(page).setInputFiles(DOCUMENTS);
  await waitForIndexed(page, 2);
  const count = page.locator('library-panel .count');
  const passages = await count.getAttribute('data-passages');

  await openAddForm(page);
  const form = models(page).locator('form');
  await form.locator('input[name=repo]').fill(REPO);

  // Cancel halfway: nothing is kept.
  await form.locator('button[data-hub]').click();
  await expect(form.locator('.hub-progress progress')).toBeVisible();
  await form.getByRole('button', { name: 'Cancel download' }).click();
  await expect(form.locator('.error')).toHaveText('Download cancelled; nothing was kept.');
  await expect(models(page).locator('li[data-model]')).toHaveCount(1);

  // Again, to the end: progress, then listed.
  const progressValues: number[] = [];
  await form.locator('button[data-hub]').click();
  const bar = form.locator('.hub-progress progress');
  await expect(bar).toBeVisible();
  for (let i = 0; i < 5 && (await bar.count()) > 0; i++) {
    progressValues.push(await bar.evaluate((el) => (el as HTMLProgressElement).value).catch(() => 0));
    await page.waitForTimeout(150);
  }
  await expect(form.locator('.done')).toContainText('tiny-bert was added (32 dimensions)', { timeout: 60_000 });
  expect(progressValues.some((v) => v > 0), `progress seen: ${progressValues.join(', ')}`).toBe(true);
  expect(hub.seen).toContain(`/${REPO}/resolve/main/onnx/model_quantized.onnx`);
  expect(hub.seen).toContain(`/api/models/${REPO}/tree/main`);
  await expect(modelRow(page, 'user/tiny-bert-')).toContainText('32 dimensions');

  // Use it: the app restarts with it, and the library is embedded again in the background, every passage.
  await useModel(page, 'user/tiny-bert-');
  await expect(page.locator('settings-panel .model-name').first()).toHaveText('tiny-bert');
  await waitForIndexed(page, 2);
  await expect(count).toHaveAttribute('data-passages', passages ?? '');
  const answer = await ask(page, 'polished the brass lens before dark', { nearest: true });
  expect(answer.all.length).toBeGreaterThan(0);
  expect(answer.all.map((a) => a.passage).join(' ')).toContain('brass lens');

  // The export names its model, in the file name and in its header.
  const downloading = page.waitForEvent('download');
  await page.locator('settings-panel').getByRole('button', { name: 'Export library' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^passage-library-\d{4}-\d{2}-\d{2}-tiny-bert\.passage$/);
  const saved = testInfo.outputPath('tiny.passage');
  await download.saveAs(saved);
  const raw = readFileSync(saved);
  const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
  expect(JSON.parse(text.split('\n')[0]!)).toMatchObject({ modelId: expect.stringMatching(/^user\/tiny-bert-[0-9a-f]{8}$/), dims: 32 });

  // Back to MiniLM: its vectors are still there — every passage counts as indexed at once, nothing is embedded.
  await useModel(page, 'all-MiniLM-L6-v2');
  await expect(count).toHaveAttribute('data-passages', passages ?? '');
  await expect(count).toHaveAttribute('data-indexed', passages ?? '');
  const back = await ask(page, 'What did the keeper clean before dark each day?');
  expect(back.passage).toContain('polished the brass lens');
  expect(await embeddedIn(page)).toBe(0);
});

test('a model added from a zip offline answers offline; a zip without its tokenizer is refused, naming the file', async ({ page, context }, testInfo) => {
  test.setTimeout(240_000);
  await openApp(page);
  await context.setOffline(true);

  await openAddForm(page);
  const form = models(page).locator('form');
  const partial = new Map(files);
  partial.delete('tokenizer.json');
  await choose(page, 'data-zip', await zipOf(partial, testInfo.outputPath('no-tokenizer.zip')));
  await expect(form.locator('.error')).toHaveText(/^tokenizer\.json: missing/);
  await expect(models(page).locator('li[data-model]')).toHaveCount(1);

  await form.locator('input[name=name]').fill('Offline tiny');
  await choose(page, 'data-zip', await zipOf(files, testInfo.outputPath('tiny-bert.zip')));
  await expect(form.locator('.done')).toContainText('Offline tiny was added (32 dimensions)', { timeout: 60_000 });

  await useModel(page, 'user/offline-tiny-');
  await fileInput(page).setInputFiles(DOCUMENTS[0]!);
  await waitForIndexed(page, 1);
  const answer = await ask(page, 'brass lens', { nearest: true });
  expect(answer.all.map((a) => a.passage).join(' ')).toContain('brass lens');
});

test('a model added from a folder is listed with its dimensions; a folder whose config.json is broken is refused, naming the file', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const folder = testInfo.outputPath('tiny-folder');
  const broken = testInfo.outputPath('broken-folder');
  for (const [dir, overrides] of [[folder, {}], [broken, { 'config.json': new TextEncoder().encode('{ "hidden_size": ') }]] as const) {
    for (const [name, bytes] of new Map([...files, ...Object.entries(overrides)])) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), bytes);
    }
  }
  await openApp(page);
  await openAddForm(page);
  const form = models(page).locator('form');
  await choose(page, 'data-folder', broken);
  await expect(form.locator('.error')).toHaveText(/^config\.json: is not valid JSON/);
  await form.locator('select[name=pooling]').selectOption('cls');
  await choose(page, 'data-folder', folder);
  await expect(form.locator('.done')).toContainText('tiny-folder was added (32 dimensions)', { timeout: 60_000 });
  await expect(modelRow(page, 'user/tiny-folder-')).toContainText('32 dimensions · cls · q8 · added (folder)');
});

test('switching model in one tab restarts the other tabs with it, and both answer from the same library', async ({ page, context }, testInfo) => {
  test.setTimeout(240_000);
  await openApp(page);
  await fileInput(page).setInputFiles(DOCUMENTS[0]!);
  await waitForIndexed(page, 1);
  await openAddForm(page);
  await choose(page, 'data-zip', await zipOf(files, testInfo.outputPath('tiny-bert.zip')));
  await expect(models(page).locator('form .done')).toContainText('was added (32 dimensions)', { timeout: 60_000 });

  const other = await context.newPage();
  await openApp(other);
  await expect(modelRow(other, 'all-MiniLM-L6-v2').locator('.in-use')).toHaveText('In use');
  const otherReloaded = other.waitForEvent('load');
  await useModel(page, 'user/tiny-bert-');
  await otherReloaded;
  await waitForModel(other);
  await expect(modelRow(other, 'user/tiny-bert-').locator('.in-use')).toHaveText('In use');
  await waitForIndexed(other, 1);
  const answer = await ask(other, 'brass lens', { nearest: true });
  expect(answer.all.map((a) => a.passage).join(' ')).toContain('brass lens');
});

/** Vector blocks and vector records stored for one model (`prefix`: its id, or the start of a user model's). */
async function storedOf(page: Page, prefix: string): Promise<{ blocks: number; vectors: number }> {
  return page.evaluate(async (start) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('passage');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const range = IDBKeyRange.bound([start, ''], [`${start}\uffff`, '']);
    const count = (store: string) =>
      new Promise<number>((resolve, reject) => {
        const request = db.transaction(store, 'readonly').objectStore(store).count(range);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    try {
      return { blocks: await count('vectorBlocks'), vectors: await count('vectors') };
    } finally {
      db.close();
    }
  }, prefix);
}

/** Remove, then the confirmation. */
async function removeModel(page: Page, id: string) {
  await modelRow(page, id).locator('button[data-remove]').click();
  await modelRow(page, id).locator('button[data-confirm-remove]').click();
}

function storageUsed(page: Page): Promise<number> {
  return page.locator('settings-panel meter[aria-label="Storage used"]').evaluate((el) => (el as HTMLMeterElement).value);
}

test('removing an added model deletes its stored vectors and blocks and reads the storage figure again; removing the model in use goes back to MiniLM first', async ({ page }, testInfo) => {
  test.setTimeout(300_000);
  await openApp(page);
  await fileInput(page).setInputFiles(DOCUMENTS);
  await waitForIndexed(page, 2);
  const count = page.locator('library-panel .count');
  const passages = (await count.getAttribute('data-passages')) ?? '';
  const miniLm = await storedOf(page, 'all-MiniLM-L6-v2');
  const zip = await zipOf(files, testInfo.outputPath('tiny-bert.zip'));

  // The model in use: Remove asks first, then switches back to MiniLM (the app restarts) and deletes the vectors.
  await openAddForm(page);
  await choose(page, 'data-zip', zip);
  await expect(models(page).locator('form .done')).toContainText('was added (32 dimensions)', { timeout: 60_000 });
  await useModel(page, 'user/tiny-bert-');
  await waitForIndexed(page, 2);
  expect((await storedOf(page, 'user/tiny-bert-')).blocks).toBeGreaterThan(0);
  await modelRow(page, 'user/tiny-bert-').locator('button[data-remove]').click();
  await expect(modelRow(page, 'user/tiny-bert-').locator('.confirm-remove')).toContainText('and go back to all-MiniLM-L6-v2?');
  const reloaded = page.waitForEvent('load');
  await modelRow(page, 'user/tiny-bert-').locator('button[data-confirm-remove]').click();
  await reloaded;
  await waitForModel(page);
  await expect(modelRow(page, 'all-MiniLM-L6-v2').locator('.in-use')).toHaveText('In use');
  await expect(models(page).locator('li[data-model]')).toHaveCount(1);
  await expect.poll(() => storedOf(page, 'user/tiny-bert-'), { timeout: 30_000 }).toEqual({ blocks: 0, vectors: 0 });
  expect(await storedOf(page, 'all-MiniLM-L6-v2')).toEqual(miniLm);
  await expect(count).toHaveAttribute('data-indexed', passages);
  const back = await ask(page, 'What did the keeper clean before dark each day?');
  expect(back.passage).toContain('polished the brass lens');

  // A model not in use: its files and vectors go at once, and the storage figure is read again.
  await openAddForm(page);
  await choose(page, 'data-zip', zip);
  await expect(models(page).locator('form .done')).toContainText('was added (32 dimensions)', { timeout: 60_000 });
  await useModel(page, 'user/tiny-bert-');
  await waitForIndexed(page, 2);
  await useModel(page, 'all-MiniLM-L6-v2');
  expect((await storedOf(page, 'user/tiny-bert-')).blocks).toBeGreaterThan(0);
  const before = await storageUsed(page);
  await removeModel(page, 'user/tiny-bert-');
  await expect(models(page).locator('.removal')).toHaveText('tiny-bert was removed from this device, with its vectors.');
  await expect(models(page).locator('li[data-model]')).toHaveCount(1);
  expect(await storedOf(page, 'user/tiny-bert-')).toEqual({ blocks: 0, vectors: 0 });
  expect(await storedOf(page, 'all-MiniLM-L6-v2')).toEqual(miniLm);
  await expect.poll(() => storageUsed(page), { timeout: 10_000 }).toBeLessThan(before);
  expect(await embeddedIn(page)).toBe(0);
});
