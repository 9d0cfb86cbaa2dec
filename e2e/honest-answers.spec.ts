/**
 * Honest answers: a score that means the same for every question, "No close match" for gibberish and off-topic
 * questions with the nearest passages one click away, and a question asked too early says what to do.
 */
import path from 'node:path';
import { ask, expect, fileInput, fixturesDir, openApp, test, waitForIndexed } from './support/app.ts';

test('gibberish and an off-topic question show "No close match" with the nearest passages one click away; an answerable question shows its answer with a calibrated match', async ({ page }) => {
  await openApp(page);
  await fileInput(page).setInputFiles(['honeybees.html', 'glaciers.pdf', 'lighthouse.txt'].map((f) => path.join(fixturesDir, f)));
  await waitForIndexed(page, 3);
  const results = page.locator('search-results');
  const list = results.locator('ol');

  for (const question of ['asdkjh qwoeiu zzxq', 'Who won the football World Cup final?']) {
    const input = page.locator('search-box input');
    await input.fill(question);
    await input.press('Enter');
    await expect(list).toHaveAttribute('data-query', question);
    await expect(list).toHaveAttribute('aria-busy', 'false');
    await expect(list).toHaveAttribute('data-close-match', 'false');
    await expect(results.getByRole('heading', { name: 'No close match' })).toBeVisible();
    await expect(results.locator('.summary')).toHaveText('No close match.');
    await expect(results.locator('li.result')).toHaveCount(0);

    // The nearest passages are still there, on request, each with its (low) calibrated match.
    await results.getByRole('button', { name: 'Show nearest passages anyway' }).click();
    await expect(results.locator('li.result').first()).toBeVisible();
    const matches = await results.locator('li.result .meta').allTextContents();
    expect(matches.length).toBeGreaterThan(0);
    for (const text of matches) {
      const percent = Number(/match (\d+)%/.exec(text)?.[1]);
      expect(percent, `“${question}”: ${text}`).toBeLessThan(23);
    }
    await expect(results.getByRole('button', { name: 'Hide the nearest passages' })).toHaveAttribute('aria-expanded', 'true');
  }

  const answer = await ask(page, 'How do honeybees point the way to flowers?');
  expect(answer.title).toBe('How honeybees talk');
  await expect(list).toHaveAttribute('data-close-match', 'true');
  await expect(results.getByRole('heading', { name: 'No close match' })).toHaveCount(0);
  const meta = await results.locator('li.result .meta').first().textContent();
  const percent = Number(/match (\d+)%/.exec(meta ?? '')?.[1]);
  expect(percent, `first result: ${meta}`).toBeGreaterThanOrEqual(50);
});

test('a question asked with an empty library says to add documents or try the samples', async ({ page }) => {
  await openApp(page);
  await expect(page.locator('empty-state')).toBeVisible();
  const input = page.locator('search-box input');
  await input.fill('What freedoms should everyone have?');
  await input.press('Enter');
  const advice = page.locator('passage-shell .advice');
  await expect(advice).toBeVisible();
  await expect(advice).toContainText('Your library is empty');
  await expect(advice).toContainText('sample documents');
  // The way out is right there.
  await expect(page.getByRole('button', { name: 'Try it with sample documents' })).toBeVisible();
});
