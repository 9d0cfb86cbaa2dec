/**
 * Many documents in the UI: a library of 1,000 documents (a generated library file of public-domain State of the
 * Union text, bench/scale/library-file.ts) stays usable — found by title, sorted, scrolled — while only the rows in
 * view are in the DOM; and a search can be limited to the documents a person ticks, from the keyboard.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeLibraryFile, type LibraryFileInfo } from '../bench/scale/library-file.ts';
import { ask, documentRows, expect, fileInput, notices, openApp, sotuAddresses, test, waitForIndexed, waitForModel } from './support/app.ts';
import type { Page } from '@playwright/test';

const DOCUMENTS = 1000;
const PASSAGES_EACH = 4;
/** The most rows the list may hold in the DOM at once: the ~6 in view and the overscan on each side, with room. */
const MAX_ROWS = 40;

let library: LibraryFileInfo;
let file: string;
let titles: string[];

test.beforeAll(async () => {
  test.setTimeout(300_000);
  file = path.join(mkdtempSync(path.join(os.tmpdir(), 'passage-e2e-')), 'thousand-documents.passage');
  library = await writeLibraryFile({ passages: DOCUMENTS * PASSAGES_EACH, documentPassages: PASSAGES_EACH, pool: 60, out: { v2: file } });
  titles = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{"document"'))
    .map((line) => (JSON.parse(line) as { document: { title: string } }).document.title);
});

const list = (page: Page) => page.locator('library-panel ul[aria-label=Documents]');
const titleSearch = (page: Page) => page.getByRole('searchbox', { name: 'Find a document by title' });

async function importThousand(page: Page) {
  await openApp(page);
  await page.locator('settings-panel input[type=file]').setInputFiles(file);
  await expect(notices(page).first()).toContainText(`Imported ${DOCUMENTS.toLocaleString('en')} documents`, { timeout: 180_000 });
}

test('a library of 1,000 documents is found by title, sorted and scrolled, with only the rows in view in the DOM, also after a reload', async ({ page }) => {
  test.setTimeout(420_000);
  expect(library.documents).toBe(DOCUMENTS);
  await importThousand(page);
  await expect(page.locator('library-panel .count')).toHaveAttribute('data-documents', String(DOCUMENTS));
  await expect(list(page)).toHaveAttribute('data-total', String(DOCUMENTS));
  const rendered = await documentRows(page).count();
  expect(rendered).toBeGreaterThan(0);
  expect(rendered).toBeLessThanOrEqual(MAX_ROWS);

  // Title search: every word, any case.
  const wanted = titles.filter((t) => t.includes('1941'));
  expect(wanted.length).toBeGreaterThan(1);
  await titleSearch(page).fill('1941 roosevelt');
  await expect(list(page)).toHaveAttribute('data-total', String(wanted.length));
  await expect(page.locator('library-panel .shown')).toHaveText(`${wanted.length} documents match “1941 roosevelt”`);
  expect((await documentRows(page).locator('.title').allTextContents()).sort()).toEqual([...wanted].sort());
  await titleSearch(page).fill('no such title anywhere');
  await expect(page.locator('library-panel .shown')).toHaveText('No document title matches “no such title anywhere”.');
  await expect(documentRows(page)).toHaveCount(0);
  await titleSearch(page).fill('');
  await expect(list(page)).toHaveAttribute('data-total', String(DOCUMENTS));

  // Sorted by title, then scrolled to the end: the last title is in view, and still only a window of rows.
  const byTitle = [...titles].sort(new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare);
  await page.getByRole('combobox', { name: 'Sort documents' }).selectOption('title');
  await expect(documentRows(page).first().locator('.title')).toHaveText(byTitle[0]!);
  const scroller = page.locator('library-panel .scroller');
  await scroller.scrollIntoViewIfNeeded();
  await scroller.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  const last = documentRows(page).filter({ has: page.locator('.title', { hasText: byTitle.at(-1)! }) });
  await expect(last).toHaveCount(1);
  await expect(last).toHaveAttribute('aria-posinset', String(DOCUMENTS));
  await expect(last).toBeInViewport();
  expect(await documentRows(page).count()).toBeLessThanOrEqual(MAX_ROWS);

  // After a reload the long list comes back as a window of rows too, in the order chosen.
  await page.reload();
  await waitForModel(page);
  await expect(list(page)).toHaveAttribute('data-total', String(DOCUMENTS));
  await expect(documentRows(page).first().locator('.title')).toHaveText(byTitle[0]!);
  expect(await documentRows(page).count()).toBeLessThanOrEqual(MAX_ROWS);
});

test('a search limited to one document ranks only its passages and still fills the results, until the filter is cleared', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  await fileInput(page).setInputFiles(sotuAddresses);
  await waitForIndexed(page, 2);
  const washington = documentRows(page).filter({ hasText: '1790' });
  const washingtonTitle = (await washington.locator('.title').textContent())!.trim();
  const washingtonPassages = Number(await washington.locator('.indexed').getAttribute('data-passages'));

  const question = 'What freedoms should everyone in the world have?';
  const everywhere = await ask(page, question);
  expect(everywhere.title, 'unfiltered, the Four Freedoms address answers first').toContain('1941');

  // Tick "Search in" from the keyboard: the question is asked again within Washington's address only.
  const tick = page.getByRole('checkbox', { name: `Search in ${washingtonTitle}` });
  await tick.focus();
  await page.keyboard.press('Space');
  await expect(tick).toBeChecked();
  await expect(tick).toBeFocused();
  const filter = page.getByRole('group', { name: 'Search filter' });
  await expect(filter).toContainText('Searching only in');
  await expect(filter).toContainText(washingtonTitle);
  const results = page.locator('search-results li.result');
  await expect(results.first().locator('.title')).toHaveText(washingtonTitle);
  await expect(page.locator('search-results ol')).toHaveAttribute('aria-busy', 'false');
  const within = await results.locator('.title').allTextContents();
  expect(within.length, 'as many results as unfiltered (or every passage of the document)').toBe(Math.min(everywhere.all.length, washingtonPassages));
  expect(new Set(within)).toEqual(new Set([washingtonTitle]));

  // A new question keeps the filter.
  const again = await ask(page, 'How should the country pay its debts?');
  expect(new Set(again.all.map((hit) => hit.title))).toEqual(new Set([washingtonTitle]));

  // "Search all documents" clears it: the filter bar goes, focus returns to the question, both addresses answer.
  await filter.getByRole('button', { name: 'Search all documents' }).press('Enter');
  await expect(filter).toHaveCount(0);
  await expect(page.locator('search-box input')).toBeFocused();
  await expect(tick).not.toBeChecked();
  const answer = await ask(page, question);
  expect(answer.title).toContain('1941');
});
