/**
 * A library of several thousand passages (a generated library file: public-domain State of the Union text with
 * perturbed real MiniLM vectors, bench/scale/library-file.ts) imports, answers, and after a reload answers again
 * from what was stored — the vectors come back from their blocks and nothing is embedded again.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeLibraryFile, type LibraryFileInfo } from '../bench/scale/library-file.ts';
import { ask, expect, notices, openApp, test, waitForModel } from './support/app.ts';
import { countEmbedded, embeddedIn } from './support/embedded.ts';

const PASSAGES = 4000;
let library: LibraryFileInfo;
let file: string;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  file = path.join(mkdtempSync(path.join(os.tmpdir(), 'passage-e2e-')), 'several-thousand.passage');
  // A small pool of real vectors keeps the one-time embedding short; anchors keep their own vectors.
  library = await writeLibraryFile({ passages: PASSAGES, pool: 60, out: { v2: file } });
});

// Counts what each page embeds (support/embedded.ts), in every tab of the test's context.
test.beforeEach(({ context }) => countEmbedded(context));

test('a library of several thousand passages survives reload and answers', async ({ page }) => {
  test.setTimeout(300_000);
  await openApp(page);
  await page.locator('settings-panel input[type=file]').setInputFiles(file);
  await expect(notices(page).first()).toContainText(`Imported ${library.documents} documents`, { timeout: 180_000 });
  await expect(page.locator('library-panel .count')).toHaveAttribute('data-documents', String(library.documents));

  const anchors = library.anchors.filter((a) => a.text.length > 200).slice(0, 3);
  expect(anchors.length).toBeGreaterThan(0);
  // Many passages share a pool vector (plus noise), so an anchor is told apart by its words: ask once word
  // matching has loaded (after an import or a reload it loads in the background and the results say so meanwhile).
  const summary = page.locator('search-results p.summary');
  const askFor = async () => {
    for (const anchor of anchors) {
      const question = anchor.text.slice(0, 160);
      await expect
        .poll(async () => {
          await ask(page, question);
          return summary.textContent();
        }, { timeout: 120_000, message: 'word matching loaded' })
        .not.toContain('by meaning only');
      const answer = await ask(page, question);
      expect(answer.all.map((hit) => hit.title), `results for an anchor of “${anchor.title}”`).toContain(anchor.title);
    }
  };
  await askFor();
  expect(await embeddedIn(page)).toBe(0);

  await page.reload();
  await waitForModel(page);
  await expect(page.locator('library-panel .count')).toHaveAttribute('data-documents', String(library.documents));
  await askFor();
  // Every passage had a vector in the file: nothing waits to be embedded after the reload.
  const count = page.locator('library-panel .count');
  await expect(count).toHaveAttribute('data-indexed', (await count.getAttribute('data-passages')) ?? 'none');
});
