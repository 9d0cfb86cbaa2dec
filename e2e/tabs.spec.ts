/**
 * Several tabs of Passage agree (issue 11, item 4): two pages of one browser context share one IndexedDB
 * library. What one tab changes — documents, indexed counts, search results — reaches the other without a
 * reload; only one tab indexes at a time, the other follows and takes over when it closes; a schema upgrade
 * elsewhere makes a tab close its connection and ask for a reload.
 */
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import { ask, documentRows, expect, fileInput, fixturesDir, openApp, sotuDir, test, waitForIndexed } from './support/app.ts';
import { countEmbedded, embeddedIn } from './support/embedded.ts';

const LIGHTHOUSE = { question: 'What did the keeper clean before dark each day?', answer: 'polished the brass lens' };
const SOURDOUGH = { question: 'How often does a sourdough culture have to be given flour and water?', answer: 'every twelve hours' };
/** A public-domain address of ~30 passages (two indexing batches): long enough to watch two tabs share the work. */
const LONG_ADDRESS = path.join(sotuDir, '1887_grover_cleveland_d.txt');
/** ~90 passages: the indexing tab is still busy when the other tab's import lands, even on a quiet machine. */
const LONGER_ADDRESS = path.join(sotuDir, '1903_theodore_roosevelt_r.txt');

// Counts what each page embeds (support/embedded.ts), in every tab of the test's context.
test.beforeEach(({ context }) => countEmbedded(context));

function progressText(page: Page): Promise<string> {
  return page.locator('progress-bar .strip').innerText();
}

/** Passages indexed of the first document, as the library panel shows them. */
async function indexedCount(page: Page): Promise<number> {
  return Number(await page.locator('library-panel .indexed').first().getAttribute('data-indexed'));
}

/** Waits until one page indexes and the other says it follows; returns [indexing, following]. */
async function leaderAndFollower(a: Page, b: Page): Promise<[Page, Page]> {
  let roles: [Page, Page] | null = null;
  let seen = '';
  await expect
    .poll(
      async () => {
        const [ta, tb] = await Promise.all([progressText(a), progressText(b)]);
        seen = `${ta} | ${tb}`;
        if (ta.includes('Indexing passages') && tb.includes('Indexing in another Passage tab')) roles = [a, b];
        if (tb.includes('Indexing passages') && ta.includes('Indexing in another Passage tab')) roles = [b, a];
        return roles !== null;
      },
      { timeout: 60_000, message: `one tab indexes, the other says it follows (last seen: ${seen})` },
    )
    .toBe(true);
  return roles!;
}

/**
 * Two tabs of one library; the first imports a long address (`file`). Resolves once one tab indexes, the other follows,
 * and the follower's counts have advanced. `other` is the tab that did not import.
 */
async function twoTabsIndexing(
  page: Page,
  context: BrowserContext,
  file = LONG_ADDRESS,
): Promise<{ leader: Page; follower: Page; other: Page }> {
  const other = await context.newPage();
  await openApp(page);
  await openApp(other);
  await fileInput(page).setInputFiles(file);
  const [leader, follower] = await leaderAndFollower(page, other);
  await expect.poll(() => indexedCount(follower), { timeout: 180_000 }).toBeGreaterThan(0);
  return { leader, follower, other };
}

test('a document imported in one tab is listed, indexed and found by search in another tab without a reload; deleted there, it leaves the other tab’s results', async ({
  page,
  context,
}) => {
  test.setTimeout(480_000);
  const other = await context.newPage();
  await openApp(page);
  await openApp(other);

  await fileInput(page).setInputFiles(['lighthouse.txt', 'sourdough.md'].map((f) => path.join(fixturesDir, f)));
  // The other tab lists both and counts their passages as they are indexed — no reload.
  await waitForIndexed(other, 2);
  await waitForIndexed(page, 2);
  const passages = await other.locator('library-panel .indexed').evaluateAll((nodes) =>
    nodes.reduce((sum, n) => sum + Number((n as HTMLElement).dataset.passages), 0),
  );
  // Every passage was embedded once, by one of the two tabs.
  expect((await embeddedIn(page)) + (await embeddedIn(other))).toBe(passages);

  const found = await ask(other, LIGHTHOUSE.question);
  expect(found.passage).toContain(LIGHTHOUSE.answer);
  expect((await ask(other, SOURDOUGH.question)).passage).toContain(SOURDOUGH.answer);
  await ask(other, LIGHTHOUSE.question);

  // Deleted in the first tab: gone from the other tab's list and from the results it shows, and not found again.
  const row = documentRows(page).filter({ hasText: 'lighthouse' });
  await row.getByRole('button', { name: /^Delete / }).click();
  await row.getByRole('button', { name: /^Confirm: delete / }).click();
  await expect(documentRows(other)).toHaveCount(1);
  await expect(other.locator('search-results li.result').filter({ hasText: LIGHTHOUSE.answer })).toHaveCount(0);
  const again = await ask(other, LIGHTHOUSE.question, { nearest: true });
  expect(again.all.map((hit) => hit.passage).join('\n')).not.toContain(LIGHTHOUSE.answer);
  expect(again.all.every((hit) => !hit.title.includes('lighthouse'))).toBe(true);
});

test('only one tab indexes at a time: the other says it follows and its counts advance, and closing the indexing tab lets the other finish', async ({
  page,
  context,
}) => {
  test.setTimeout(600_000);
  // The follower embeds nothing, yet its counts advance with the leader's work.
  const { leader, follower } = await twoTabsIndexing(page, context);
  expect(await embeddedIn(follower)).toBe(0);
  expect(await progressText(follower)).toContain('Indexing in another Passage tab');

  // The leader closes mid-way: the follower takes over and finishes, embedding only what was left.
  const passages = Number(await follower.locator('library-panel .indexed').first().getAttribute('data-passages'));
  const storedBeforeClose = await indexedCount(follower);
  expect(storedBeforeClose).toBeLessThan(passages);
  await leader.close();
  await expect.poll(() => progressText(follower), { timeout: 60_000 }).toContain('Indexing passages');
  await expect.poll(() => indexedCount(follower), { timeout: 300_000 }).toBe(passages);
  await waitForIndexed(follower, 1);
  const embedded = await embeddedIn(follower);
  expect(embedded).toBeGreaterThan(0);
  expect(embedded).toBeLessThanOrEqual(passages - storedBeforeClose);
  await expect(follower.locator('progress-bar')).toContainText('Ready');
});

test('files imported in the following tab while the other tab indexes are listed in both, indexed by the indexing tab alone, and found from either', async ({
  page,
  context,
}) => {
  test.setTimeout(600_000);
  const { leader, follower } = await twoTabsIndexing(page, context, LONGER_ADDRESS);
  await fileInput(follower).setInputFiles(['lighthouse.txt', 'sourdough.md'].map((f) => path.join(fixturesDir, f)));
  await expect(documentRows(leader)).toHaveCount(3);
  await expect(documentRows(follower)).toHaveCount(3);
  // The leader's indexing takes the follower's documents in its stride: the follower embeds nothing.
  await waitForIndexed(follower, 3, 480_000);
  await waitForIndexed(leader, 3);
  expect(await embeddedIn(follower)).toBe(0);
  expect((await ask(follower, LIGHTHOUSE.question)).passage).toContain(LIGHTHOUSE.answer);
  expect((await ask(leader, SOURDOUGH.question)).passage).toContain(SOURDOUGH.answer);
});

test('cancelling indexing in one tab stops it in every tab, and “Index now” in the tab that did not import starts it again (one tab indexes, the other follows)', async ({
  page,
  context,
}) => {
  test.setTimeout(600_000);
  const { leader, follower, other } = await twoTabsIndexing(page, context);

  await follower.locator('progress-bar').getByRole('button', { name: 'Cancel' }).click();
  expect(await indexedCount(follower)).toBeLessThan(Number(await follower.locator('library-panel .indexed').first().getAttribute('data-passages')));
  for (const tab of [leader, follower]) {
    await expect(tab.locator('progress-bar')).toContainText('not indexed yet', { timeout: 30_000 });
  }
  await other.waitForTimeout(2000); // a batch stored just before the cancel reaches both lists
  const stopped = await indexedCount(other);
  await other.waitForTimeout(3000);
  expect(await indexedCount(other)).toBe(stopped);
  expect(await indexedCount(page)).toBe(stopped);

  // "Index now" in the tab that did not import the document starts indexing again: one tab indexes, the other
  // follows, and both lists end complete.
  await other.locator('progress-bar').getByRole('button', { name: 'Index now' }).click();
  await leaderAndFollower(page, other);
  const passages = Number(await other.locator('library-panel .indexed').first().getAttribute('data-passages'));
  await expect.poll(() => indexedCount(other), { timeout: 300_000 }).toBe(passages);
  await waitForIndexed(other, 1);
  await waitForIndexed(page, 1);
});

test('a schema upgrade in another tab is not blocked: this tab closes its database and says “Passage was updated in another tab — reload to continue”', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await openApp(page);
  await fileInput(page).setInputFiles(path.join(fixturesDir, 'lighthouse.txt'));
  await waitForIndexed(page, 1);
  await expect(page.locator('schema-banner [role=alert]')).toHaveCount(0);

  // A newer Passage opens the library with a higher schema version (here: from the page's own thread; the app's
  // connection lives in its library worker, so it is a second connection as another tab's would be).
  const outcome = await page.evaluate(
    () =>
      new Promise<string>((resolve) => {
        const request = indexedDB.open('passage', 1000);
        request.onblocked = () => resolve('blocked');
        request.onsuccess = () => {
          request.result.close();
          resolve('upgraded');
        };
        request.onerror = () => resolve(`failed: ${request.error?.message}`);
      }),
  );
  expect(outcome).toBe('upgraded');
  const banner = page.locator('schema-banner [role=alert]');
  await expect(banner).toContainText('Passage was updated in another tab — reload to continue');

  // Reloading this (older) build onto the newer library says so instead of failing silently.
  await banner.getByRole('button', { name: 'Reload' }).click();
  await expect(page.locator('schema-banner [role=alert]')).toContainText('reload to continue', { timeout: 60_000 });
  await expect(page.locator('notice-list')).toContainText('saved by a newer version of Passage');
});
