import { expect, test } from '@playwright/test';

test('the production build opens with the Passage shell', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto('/');
  await expect(page.locator('passage-shell').getByRole('heading', { level: 1 })).toHaveText('Passage');
  // Served cross-origin isolated, so ONNX Runtime can use WASM threads.
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  expect(errors).toEqual([]);
});
