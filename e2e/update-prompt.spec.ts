/** A new version waits until the user accepts it; then it takes over and the page reloads once. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, holdEntryScript, repoRoot, test, waitForModel, waitForServiceWorker } from './support/app.ts';

// Service-worker script fetches can't be routed by Playwright, so the "new version" is made on the server's disk:
// the same worker with different bytes, put back afterwards. Tests run one at a time (workers: 1).
const swFile = path.join(repoRoot, 'dist/sw.js');

test('offers a waiting new version and activates it only when asked', async ({ page }) => {
  await page.goto('/');
  await waitForServiceWorker(page);
  // The first visit's model load is over before the new version arrives (the next test accepts one during it).
  await waitForModel(page);
  const prompt = page.locator('update-prompt');
  await expect(prompt).toContainText('Ready to work offline');

  const original = readFileSync(swFile, 'utf8');
  try {
    writeFileSync(swFile, `${original}\n// next version\n`);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());

    await expect(prompt).toContainText('A new version of Passage is available');
    // Nothing changes until the user agrees: the new worker waits and the old one keeps control.
    const waiting = () => page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting));
    expect(await waiting()).toBe(true);

    const reloaded = page.waitForEvent('load');
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await expect(page.locator('passage-shell').getByRole('heading', { level: 1 })).toHaveText('Passage');
    await waitForServiceWorker(page);
    expect(await waiting()).toBe(false);
    await expect(prompt).not.toContainText('A new version');
  } finally {
    writeFileSync(swFile, original);
  }
});

test('an update accepted while the first visit is still loading the model reloads the page, which then loads it', async ({ page }) => {
  test.setTimeout(300_000);
  // The app's script is held until the next version waits, so the app starts — and starts loading the model —
  // with the update already on offer. Chromium defers the new worker's activation while the old one still has
  // work for the page; the page used to wait for the takeover forever, showing "Loading the language model".
  const release = await holdEntryScript(page);
  await page.goto('/', { waitUntil: 'commit' });
  await page.evaluate(async () => {
    await navigator.serviceWorker.register('/sw.js', { scope: '/' });
    await navigator.serviceWorker.ready;
  });
  await waitForServiceWorker(page);

  const original = readFileSync(swFile, 'utf8');
  try {
    writeFileSync(swFile, `${original}\n// next version\n`);
    const waiting = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update();
      for (let i = 0; i < 600 && !registration?.waiting; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      return Boolean(registration?.waiting);
    });
    expect(waiting).toBe(true);
    release();

    const prompt = page.locator('update-prompt');
    await expect(prompt).toContainText('A new version of Passage is available');
    // Accepted while the model loads (the hang was seen with clicks during its download, 2 of 3 runs).
    const modelLoading = /Loading the language model|Preparing the language model/;
    await expect(page.locator('passage-shell progress-bar .strip')).toContainText(modelLoading, { timeout: 60_000 });
    const reloaded = page.waitForEvent('load', { timeout: 30_000 });
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await waitForModel(page);
  } finally {
    writeFileSync(swFile, original);
  }
});
