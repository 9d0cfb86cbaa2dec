/** On a 360 px wide phone everything fits: no horizontal scrolling, with results and the library shown. */
import path from 'node:path';
import { ask, expect, fileInput, fixturesDir, openApp, test, waitForIndexed, waitForServiceWorker } from './support/app.ts';

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

test('on a 360 px phone the search placeholder fits its box and the "Ready to work offline" notice covers nothing', async ({ page }) => {
  await page.goto('/');
  await waitForServiceWorker(page);
  const notice = page.locator('update-prompt .bar');
  await expect(notice).toContainText('Ready to work offline');

  // The placeholder shown is drawn whole: its width in the input's font is within the input's text box.
  const placeholder = await page.locator('search-box input').evaluate((input: HTMLInputElement) => {
    const style = getComputedStyle(input);
    const context = document.createElement('canvas').getContext('2d')!;
    context.font = style.font;
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return { text: input.placeholder, width: context.measureText(input.placeholder).width, room };
  });
  expect(placeholder.text.length).toBeGreaterThan(0);
  expect(placeholder.width, `“${placeholder.text}” in ${placeholder.room.toFixed(0)} px`).toBeLessThanOrEqual(placeholder.room);

  // No visible element outside the notice shares any pixel with it, wherever the page is scrolled.
  const covered = async () =>
    page.evaluate(() => {
      const host = document.querySelector('passage-shell')!.shadowRoot!.querySelector('update-prompt')!;
      const bar = host.shadowRoot!.querySelector('.bar')!.getBoundingClientRect();
      const out: string[] = [];
      const related = (el: Element) => {
        // The notice itself, what is inside it, and the boxes that contain it don't count.
        if (el === host || host.contains(el) || host.shadowRoot!.contains(el)) return true;
        for (let node: Node | null = host; node; node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null)) {
          if (node === el) return true;
        }
        return false;
      };
      const visit = (root: Document | ShadowRoot) => {
        for (const el of Array.from(root.querySelectorAll('*'))) {
          if (el.shadowRoot) visit(el.shadowRoot);
          if (related(el)) continue;
          const box = el.getBoundingClientRect();
          const style = getComputedStyle(el);
          if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || el.classList.contains('visually-hidden')) continue;
          const overlap = box.left < bar.right && box.right > bar.left && box.top < bar.bottom && box.bottom > bar.top;
          if (overlap) out.push(`${el.tagName.toLowerCase()}.${(el as HTMLElement).className}`);
        }
      };
      visit(document);
      return out;
    });
  expect(await covered()).toEqual([]);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  expect(await covered()).toEqual([]);
});
