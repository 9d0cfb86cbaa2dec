/** Every supported format imports to searchable text; bad files are refused with a message and store nothing. */
import path from 'node:path';
import {
  ask,
  documentRows,
  expect,
  fileInput,
  fixturesDir,
  notices,
  openApp,
  test,
  waitForIndexed,
  waitForServiceWorker,
} from './support/app.ts';

const formats = [
  {
    file: 'lighthouse.txt',
    question: 'What did the keeper clean before dark each day?',
    answer: 'polished the brass lens every evening before sunset',
  },
  {
    file: 'sourdough.md',
    question: 'How often does a sourdough culture have to be given flour and water?',
    answer: 'every twelve hours',
  },
  {
    file: 'honeybees.html',
    question: 'What dance do forager bees use to show the way to flowers?',
    answer: 'communicate the location of flowers with a waggle dance',
  },
  {
    file: 'glaciers.pdf',
    question: 'How does moving ice shape mountain valleys?',
    answer: 'Glaciers carve U-shaped valleys',
  },
  {
    file: 'chess.docx',
    question: 'Which chess piece can leap over the others?',
    answer: 'The knight is the only chess piece that can jump over other pieces',
  },
];

function questionFor(file: string): string {
  const format = formats.find((f) => f.file === file);
  if (!format) throw new Error(`${file} is not one of the formats`);
  return format.question;
}

test('imports .txt, .md, .html, .pdf and .docx and finds a sentence from each', async ({ page, requests }) => {
  test.setTimeout(180_000);
  await openApp(page);
  await fileInput(page).setInputFiles(formats.map((f) => path.join(fixturesDir, f.file)));
  await waitForIndexed(page, formats.length);

  // Titles: the HTML <title> and the PDF's title metadata; file names otherwise.
  const titles = await documentRows(page).locator('.title').allTextContents();
  expect(titles.sort()).toEqual(['Glaciers at work', 'How honeybees talk', 'chess', 'lighthouse', 'sourdough'].sort());

  for (const { question, answer } of formats) {
    const first = await ask(page, question);
    expect.soft(first.passage, `first result for “${question}”`).toContain(answer);
  }

  // Markdown syntax is gone, the words stay.
  const md = await ask(page, questionFor('sourdough.md'));
  expect(md.passage).not.toMatch(/[*#[\]]/);

  // The HTML file's scripts never ran and its image, stylesheet and beacon were never requested.
  expect(await page.evaluate(() => 'passageFixtureScriptRan' in window || '__passageFixtureScriptRan' in window)).toBe(false);
  expect(requests.requests.filter((r) => r.url.includes('example.invalid'))).toEqual([]);
  const html = await ask(page, questionFor('honeybees.html'));
  expect(html.passage).not.toContain('Scripting hint');
  expect(html.passage).not.toContain('__passageFixtureScriptRan');
});

test('refuses empty, unknown, corrupt and textless files with a clear message and stores nothing', async ({ page }) => {
  // Reading files needs no model: these checks run while it loads.
  await page.goto('/');
  await waitForServiceWorker(page);
  const bad = [
    { name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0), message: '“empty.txt” is empty.' },
    { name: 'picture.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47]), message: 'is not a file type Passage can read' },
    { name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.from('this is not a PDF'), message: '“broken.pdf” could not be read as a PDF' },
    { name: 'broken.docx', mimeType: 'application/octet-stream', buffer: Buffer.from('PK not really a zip'), message: '“broken.docx” could not be read as a Word document' },
    { name: 'blank.md', mimeType: 'text/markdown', buffer: Buffer.from('# \n\n---\n\n   \n'), message: 'No text was found in “blank.md”' },
  ];
  for (const { name, mimeType, buffer, message } of bad) {
    await fileInput(page).setInputFiles({ name, mimeType, buffer });
    await expect(notices(page).first()).toContainText(message);
  }
  await expect(page.locator('notice-list li.error')).toHaveCount(bad.length);
  await expect(documentRows(page)).toHaveCount(0);
  await expect(page.locator('empty-state')).toBeVisible();

  // Pasted text goes in too, and the same text twice is recognised as a duplicate.
  await page.getByText('Paste text').click();
  await page.locator('import-panel textarea').fill('Otters hold hands while they sleep so they do not drift apart.');
  await page.locator('import-panel').getByRole('button', { name: 'Add text' }).click();
  await expect(documentRows(page)).toHaveCount(1);
  await page.locator('import-panel textarea').fill('Otters hold hands while they sleep so they do not drift apart.');
  await page.locator('import-panel').getByRole('button', { name: 'Add text' }).click();
  await expect(page.locator('notice-list li.notice:not(.error)').first()).toContainText('is already in your library');
  await expect(documentRows(page)).toHaveCount(1);
});
