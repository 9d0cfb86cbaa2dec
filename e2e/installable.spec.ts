/**
 * Installability as Chromium judges it. Incognito contexts always report "in-incognito", so this test uses a
 * persistent profile (stack notes) and asks the DevTools protocol.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../playwright.config.ts';
import { RequestLog, expect, test, waitForServiceWorker } from './support/app.ts';

test('is installable: manifest, icons and service worker pass Chromium’s checks', async ({ baseURL }) => {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'passage-profile-'));
  const context = await chromium.launchPersistentContext(profile, { ...chromiumLaunch, headless: true, baseURL });
  const origin = new URL(baseURL ?? 'http://localhost:4173').origin;
  const requests = new RequestLog(origin);
  requests.attach(context);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    await waitForServiceWorker(page);
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    expect(installabilityErrors).toEqual([]);

    const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[] };
    expect(manifest.url).toBe(`${origin}/manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    for (const icon of ['icon-192.png', 'icon-512.png', 'icon-maskable-512.png']) {
      const response = await page.request.get(`/icons/${icon}`);
      expect(response.headers()['content-type']).toBe('image/png');
    }
    expect(requests.foreign(), 'requests to another origin').toEqual([]);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
