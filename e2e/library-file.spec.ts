/** The library file: export, clear, import gives the same answers without embedding again; a file made for
 * another model is refused and changes nothing. Then re-indexing a document embeds it again. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ask, documentRows, expect, fileInput, fixturesDir, notices, openApp, test, waitForIndexed } from './support/app.ts';
import { countEmbedded, embeddedIn } from './support/embedded.ts';

const questions = [
  { question: 'What did the keeper clean before dark each day?', answer: 'polished the brass lens' },
  { question: 'How often does a sourdough culture have to be given flour and water?', answer: 'every twelve hours' },
];

// Counts what each page embeds (support/embedded.ts), in every tab of the test's context.
test.beforeEach(({ context }) => countEmbedded(context));

test('export → clear → import restores the same results; a mismatched file is refused; re-index embeds again', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  await openApp(page);
  await fileInput(page).setInputFiles(['lighthouse.txt', 'sourdough.md'].map((f) => path.join(fixturesDir, f)));
  await waitForIndexed(page, 2);

  const before = [];
  for (const { question, answer } of questions) {
    const first = await ask(page, question);
    expect(first.passage).toContain(answer);
    before.push(await page.locator('search-results li.result .text').allTextContents());
  }

  const settings = page.locator('settings-panel');
  const downloading = page.waitForEvent('download');
  await settings.getByRole('button', { name: 'Export library' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^passage-library-\d{4}-\d{2}-\d{2}-all-MiniLM-L6-v2\.passage$/);
  const exported = testInfo.outputPath('library.passage');
  await download.saveAs(exported);

  await settings.getByRole('button', { name: 'Clear library…' }).click();
  await settings.getByRole('button', { name: 'Delete everything' }).click();
  await expect(documentRows(page)).toHaveCount(0);
  await expect(page.locator('empty-state')).toBeVisible();

  const embeddedBeforeImport = await embeddedIn(page);
  await settings.locator('input[type=file]').setInputFiles(exported);
  await expect(notices(page).first()).toContainText('Imported 2 documents');
  await expect(documentRows(page)).toHaveCount(2);
  await expect(page.locator('library-panel .indexed.partial')).toHaveCount(0);

  for (const [i, { question }] of questions.entries()) {
    await ask(page, question);
    expect(await page.locator('search-results li.result .text').allTextContents()).toEqual(before[i]);
  }
  // The vectors came from the file: nothing was embedded again.
  expect(await embeddedIn(page)).toBe(embeddedBeforeImport);

  // A file made with another model is refused, with the reason, and the library stays as it was.
  // The file is JSON lines (format 2): the model is named in the header, its first line.
  const [headerLine, ...rest] = readFileSync(exported, 'utf8').split('\n');
  const other = JSON.parse(headerLine!) as { modelId: string; dims: number };
  other.modelId = 'bge-small-en-v1.5';
  other.dims = 512;
  const mismatched = testInfo.outputPath('other-model.passage');
  writeFileSync(mismatched, [JSON.stringify(other), ...rest].join('\n'));
  await settings.locator('input[type=file]').setInputFiles(mismatched);
  await expect(page.locator('notice-list li.error').first()).toContainText('“other-model.passage” was not imported');
  await expect(page.locator('notice-list li.error').first()).toContainText('bge-small-en-v1.5');
  await expect(documentRows(page)).toHaveCount(2);

  // Not a library file at all.
  await settings.locator('input[type=file]').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello":1}') });
  await expect(page.locator('notice-list li.error').first()).toContainText('“notes.json” was not imported');
  await expect(documentRows(page)).toHaveCount(2);

  // Re-index one document: it is split and embedded again, and answers as before.
  const lighthouse = documentRows(page).filter({ hasText: 'lighthouse' });
  const passages = Number(await lighthouse.locator('.indexed').getAttribute('data-passages'));
  const embeddedBeforeReindex = await embeddedIn(page);
  await lighthouse.getByRole('button', { name: /^Re-index / }).click();
  await waitForIndexed(page, 2);
  await expect.poll(() => embeddedIn(page)).toBe(embeddedBeforeReindex + passages);
  const again = await ask(page, questions[0]!.question);
  expect(again.passage).toContain(questions[0]!.answer);
});
