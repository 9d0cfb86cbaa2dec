/** A new version waits until the user accepts it; then it takes over and the page reloads once. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, repoRoot, test, waitForModel, waitForServiceWorker } from './support/app.ts';

// Service-worker script fetches can't be routed by Playwright, so the "new version" is made on the server's disk:
// the same worker with different bytes, put back afterwards. Tests run one at a time (workers: 1).
const swFile = path.join(repoRoot, 'dist/sw.js');

test('offers a waiting new version and activates it only when asked', async ({ page }) => {
  await page.goto('/');
  await waitForServiceWorker(page);
  // The first visit's model load is over before the new version arrives: the update is what is tested here. Once,
  // in a clean-clone CI run, an update accepted while that load still ran did not reload within 2 minutes (the page
  // stayed at "Loading the language model 22.9 MB of 22.9 MB"); not reproduced in 5 runs since, not understood yet.
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
