/** Everything on the first screen can be reached with Tab, and the focused control is visibly marked. */
import { expect, test, waitForServiceWorker } from './support/app.ts';

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
