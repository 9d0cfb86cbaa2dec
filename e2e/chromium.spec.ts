/**
 * Which Chromium the e2e run uses, and what happens without one. No browser is launched here: these tests use
 * Playwright's runner only.
 */
import { spawnSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { DEBIAN_CHROMIUM, findChromium, NO_CHROMIUM } from './support/chromium.ts';

const own = '/root/.cache/ms-playwright/chromium-1234/chrome-linux/chrome';
const playwrightOwn = () => own;

test("the e2e run finds Chromium through CHROMIUM_PATH, then /usr/bin/chromium, then Playwright's own browser", () => {
  const everywhere = new Set(['/opt/chromium/chrome', DEBIAN_CHROMIUM, own]);
  const exists = (file: string) => everywhere.has(file);
  expect(findChromium({ CHROMIUM_PATH: '/opt/chromium/chrome' }, exists, playwrightOwn)).toBe('/opt/chromium/chrome');
  expect(findChromium({}, exists, playwrightOwn)).toBe(DEBIAN_CHROMIUM);
  expect(findChromium({}, (file) => file === own, playwrightOwn)).toBe(own);
  // Nothing installed: no browser, not a path that does not exist.
  expect(findChromium({}, () => false, playwrightOwn)).toBeUndefined();
  expect(
    findChromium({}, () => true, () => {
      throw new Error('no Playwright build for this platform');
    }),
  ).toBe(DEBIAN_CHROMIUM);
  // A CHROMIUM_PATH that points nowhere is a mistake to report, not a reason to launch some other browser.
  expect(findChromium({ CHROMIUM_PATH: '/opt/missing/chrome' }, exists, playwrightOwn)).toBeUndefined();
});

test('without a Chromium, the e2e run stops at once with one line saying how to install one', () => {
  const started = Date.now();
  const run = spawnSync('npx', ['playwright', 'test', '--list'], {
    env: { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status).toBe(1);
  expect(run.stderr.trim().split('\n')).toEqual([`CHROMIUM_PATH=/nonexistent/chromium does not exist. ${NO_CHROMIUM}`]);
  expect(NO_CHROMIUM).toContain('apt-get install chromium');
  expect(NO_CHROMIUM).toContain('npx playwright install chromium');
  expect(run.stdout).not.toContain('passed'); // nothing ran, no preview server was started
  expect(Date.now() - started).toBeLessThan(30_000);
});
