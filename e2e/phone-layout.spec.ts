/** On a 360 px wide phone everything fits: no horizontal scrolling, with results and the library shown. */
import path from 'node:path';
import { ask, expect, fileInput, fixturesDir, openApp, test, waitForIndexed } from './support/app.ts';

test.use({ viewport: { width: 360, height: 780 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });

test('fits a 360 × 780 phone screen without horizontal overflow', async ({ page }, testInfo) => {
  await openApp(page);
  const widest = () => page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));

  await expect(page.locator('empty-state')).toBeVisible();
  expect(await widest()).toBeLessThanOrEqual(360);
  await page.screenshot({ path: testInfo.outputPath('phone-empty.png'), fullPage: true });

  await fileInput(page).setInputFiles(['honeybees.html', 'glaciers.pdf'].map((f) => path.join(fixturesDir, f)));
  await waitForIndexed(page, 2);
  // Typing alone searches, once the typing pauses.
  const typed = 'How do bees tell each other where the flowers are?';
  await page.locator('search-box input').pressSequentially(typed, { delay: 40 });
  await expect(page.locator('search-results ol')).toHaveAttribute('data-query', typed);
  await ask(page, 'How do honeybees point the way to flowers?');
  await page.locator('search-results li.result').first().getByRole('button', { name: 'Show in context' }).click();
  await expect(page.locator('search-results .context')).toBeVisible();

  expect(await widest()).toBeLessThanOrEqual(360);
  // Nothing inside the components sticks out of the viewport either.
  const overflowing = await page.evaluate(() => {
    const out: string[] = [];
    const visit = (root: Document | ShadowRoot) => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        const box = el.getBoundingClientRect();
        if (box.width > 0 && (box.right > window.innerWidth + 0.5 || box.left < -0.5)) {
          out.push(`${el.tagName.toLowerCase()}.${(el as HTMLElement).className}`);
        }
        if (el.shadowRoot) visit(el.shadowRoot);
      }
    };
    visit(document);
    return out.filter((s) => !s.startsWith('input.visually-hidden'));
  });
  expect(overflowing).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath('phone-results.png'), fullPage: true });
});
