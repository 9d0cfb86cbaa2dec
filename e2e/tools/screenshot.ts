/**
 * The README screenshots, taken from the real production build: loads the sample documents, asks a question and
 * saves docs/screenshot.png (1280 × 860, light theme; with --dark, docs/screenshot-dark.png in the dark theme).
 * With --models, docs/screenshot-models.png instead: Settings → Models with a second model added from a folder
 * (the tiny test model of models/testing/tiny-model.ts, built on the spot).
 *
 *   npx vite build && npx tsx e2e/tools/screenshot.ts [--dark] [--models] [--port 4173]
 *
 * Uses the preview server on the port when one is running, otherwise starts `vite preview` and stops it afterwards.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { chromium, type Page } from '@playwright/test';
import { writeTinyModel } from '../../models/testing/tiny-model.ts';
import { chromiumLaunch } from '../../playwright.config.ts';
import { reachable, startPreview, stopPreview } from '../support/preview.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const portAt = process.argv.indexOf('--port');
const port = portAt >= 0 ? Number(process.argv[portAt + 1]) : 4173;
const url = `http://localhost:${port}/`;
const dark = process.argv.includes('--dark');
const models = process.argv.includes('--models');
const out = path.join(root, models ? 'docs/screenshot-models.png' : dark ? 'docs/screenshot-dark.png' : 'docs/screenshot.png');
const question = 'What freedoms should everyone in the world have?';

const server = (await reachable(url)) ? null : await startPreview(port);
const browser = await chromium.launch(chromiumLaunch);
try {
  // Settings → Models is a small picture: taken at twice the pixels, so it stays sharp.
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: models ? 2 : 1, colorScheme: dark ? 'dark' : 'light' });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
  await page.locator('passage-shell[data-model=ready]').waitFor({ timeout: 120_000 });

  await page.getByRole('button', { name: 'Try it with sample documents' }).click();
  await page.locator('library-panel li.document').nth(2).waitFor({ timeout: 60_000 });
  await page.waitForFunction(
    () => {
      const library = document.querySelector('passage-shell')?.shadowRoot?.querySelector('library-panel')?.shadowRoot;
      const counts = Array.from(library?.querySelectorAll<HTMLElement>('.indexed') ?? []);
      return counts.length === 3 && counts.every((c) => c.dataset.indexed === c.dataset.passages);
    },
    undefined,
    { timeout: 300_000, polling: 500 },
  );

  await (models ? screenshotModels(page) : screenshotAnswer(page));
} finally {
  await browser.close();
  if (server) stopPreview(server);
}

/** Settings → Models: MiniLM in use and a model added from a folder (by the form that adds one). */
async function screenshotModels(page: Page) {
  const folder = path.join(tmpdir(), `passage-screenshot-${process.pid}`, 'tiny-bert');
  await writeTinyModel(folder);
  const settings = page.locator('settings-panel model-settings');
  await settings.locator('summary').click();
  const chooser = page.waitForEvent('filechooser');
  await settings.locator('form button[data-folder]').click();
  await (await chooser).setFiles(folder);
  await settings.locator('form .done').waitFor({ timeout: 120_000 });
  rmSync(path.dirname(folder), { recursive: true, force: true });
  const notices = page.locator('notice-list button');
  while ((await notices.count()) > 0) await notices.first().click();
  await settings.locator('summary').click(); // closed again: the list is the picture
  await page.mouse.move(0, 0);
  // From the Settings heading to the end of the Models group.
  const panel = await page.locator('settings-panel section').boundingBox();
  const group = await page.locator('settings-panel .group.models').boundingBox();
  if (!panel || !group) throw new Error('Settings → Models is not on the page');
  mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out, clip: { x: panel.x, y: panel.y, width: panel.width, height: group.y + group.height - panel.y + 12 } });
  console.log(`wrote ${path.relative(root, out)}`);
}

/** The answer to `question` over the three samples. */
async function screenshotAnswer(page: Page) {
  const input = page.locator('search-box input');
  await input.fill(question);
  await input.press('Enter');
  await page.locator(`search-results ol[data-query="${question}"][aria-busy=false] li.result`).first().waitFor();

  // A calm picture: no transient notices or toasts, no focus ring in the search box.
  // Dismissing a notice removes it, so always dismiss the first one left.
  const notices = page.locator('notice-list button');
  while ((await notices.count()) > 0) await notices.first().click();
  const dismiss = page.locator('update-prompt button');
  if (await dismiss.count()) await dismiss.last().click();
  await page.locator('search-box input').blur();
  await page.mouse.move(0, 0);
  await page.evaluate(() => window.scrollTo(0, 0));

  mkdirSync(path.dirname(out), { recursive: true });
  await page.screenshot({ path: out });
  console.log(`wrote ${path.relative(root, out)}`);
}
