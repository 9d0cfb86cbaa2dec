/**
 * The README screenshot, taken from the real production build: loads the sample documents, asks a question and
 * saves docs/screenshot.png (1280 × 860, light theme; with --dark, docs/screenshot-dark.png in the dark theme).
 *
 *   npx vite build && npx tsx e2e/tools/screenshot.ts [--dark]
 *
 * Uses the preview server on :4173 when one is running, otherwise starts `vite preview` and stops it afterwards.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../../playwright.config.ts';
import { reachable, startPreview, stopPreview } from '../support/preview.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const url = 'http://localhost:4173/';
const dark = process.argv.includes('--dark');
const out = path.join(root, dark ? 'docs/screenshot-dark.png' : 'docs/screenshot.png');
const question = 'What freedoms should everyone in the world have?';

const server = (await reachable(url)) ? null : await startPreview(4173);
const browser = await chromium.launch(chromiumLaunch);
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, colorScheme: dark ? 'dark' : 'light' });
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
} finally {
  await browser.close();
  if (server) stopPreview(server);
}
