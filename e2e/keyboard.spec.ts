/**
 * Everything on the first screen can be reached with Tab, and the focused control is visibly marked; after an
 * action removes or replaces the focused control, focus lands somewhere sensible, never on <body>.
 */
import path from 'node:path';
import type { Page } from '@playwright/test';
import { ask, documentRows, expect, fileInput, fixturesDir, openApp, test, waitForIndexed, waitForServiceWorker } from './support/app.ts';

interface Focused {
  label: string;
  outline: string;
}

test('the controls are reachable by keyboard in a sensible order, with a visible focus ring', async ({ page }) => {
  await page.goto('/');
  await waitForServiceWorker(page);
  await expect(page.locator('empty-state')).toBeVisible();

  const focused = () =>
    page.evaluate((): Focused => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      if (!el) return { label: '', outline: '' };
      const style = getComputedStyle(el);
      const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ');
      const label = el.tagName === 'INPUT' ? `input:${(el as HTMLInputElement).type}` : `${el.tagName.toLowerCase()}:${text}`;
      return { label, outline: `${style.outlineStyle} ${style.outlineWidth}` };
    });

  const seen: Focused[] = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    seen.push(await focused());
  }
  const labels = seen.map((f) => f.label);
  const order = ['input:search', 'button:Search', 'button:Try it with sample documents', 'button:Choose files…', 'summary:Paste text'];
  let last = -1;
  for (const label of order) {
    const at = labels.indexOf(label);
    expect(at, `${label} reachable by Tab (saw ${labels.join(' → ')})`).toBeGreaterThan(last);
    last = at;
  }
  for (const f of seen.filter((s) => s.label.startsWith('button') || s.label.startsWith('summary'))) {
    expect(f.outline, `focus ring on ${f.label}`).toMatch(/^solid [1-9]/);
  }

  // Searching from the keyboard leaves the focus in the question box, ready for the next question.
  await page.locator('search-box input').focus();
  await page.keyboard.type('anything');
  await page.keyboard.press('Enter');
  await expect(page.locator('search-box input')).toBeFocused();
});

/** The element that has keyboard focus, looking inside shadow roots: "tag:text" or "input:type". */
async function focusedLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return '';
    if (el.tagName === 'INPUT') return `input:${(el as HTMLInputElement).type}`;
    const text = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ');
    return `${el.tagName.toLowerCase()}:${text}`;
  });
}

test('after loading the samples from the keyboard, focus lands in the question box, not on <body>', async ({ page }) => {
  await openApp(page);
  const samples = page.getByRole('button', { name: 'Try it with sample documents' });
  await samples.focus();
  await page.keyboard.press('Enter');
  await expect(documentRows(page)).toHaveCount(3, { timeout: 60_000 });
  await expect(page.locator('search-box input')).toBeFocused();
  expect(await focusedLabel(page)).toBe('input:search');
});

test('after "Show in context" the focus stays on its toggle, now "Hide context"; after a delete it moves to the next document, then to the Library heading', async ({ page }) => {
  await openApp(page);
  await fileInput(page).setInputFiles(['lighthouse.txt', 'honeybees.html'].map((f) => path.join(fixturesDir, f)));
  await waitForIndexed(page, 2);

  await ask(page, 'What did the keeper clean before dark each day?');
  const toggle = page.locator('search-results li.result').first().getByRole('button', { name: 'Show in context' });
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('search-results .context').first()).toBeVisible();
  expect(await focusedLabel(page)).toBe('button:Hide context');
  // Enter again closes it, still from the same button.
  await page.keyboard.press('Enter');
  await expect(page.locator('search-results .context')).toHaveCount(0);
  expect(await focusedLabel(page)).toBe('button:Show in context');

  // Delete the first document from the keyboard: Delete → Confirm delete.
  const rows = documentRows(page);
  const [first, second] = await rows.locator('.title').allTextContents();
  await rows.first().getByRole('button', { name: `Delete ${first}` }).focus();
  await page.keyboard.press('Enter');
  expect(await focusedLabel(page)).toBe(`button:Confirm: delete ${first}`);
  await page.keyboard.press('Enter');
  await expect(rows).toHaveCount(1);
  await expect.poll(() => focusedLabel(page)).toBe(`button:Delete ${second}`);

  // The last one: focus goes to the Library heading.
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(rows).toHaveCount(0);
  await expect.poll(() => focusedLabel(page)).toBe('h2:Library');
});
