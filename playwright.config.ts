import { defineConfig } from '@playwright/test';

import { chromiumLaunchOptions } from './e2e/support/chromium.ts';

// CHROMIUM_PATH, /usr/bin/chromium or Playwright's own browser; without any, one line on how to get one and exit 1.
export const chromiumLaunch = chromiumLaunchOptions();

// PASSAGE_E2E_PORT lets two checkouts run their e2e suites side by side.
const port = Number(process.env.PASSAGE_E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: chromiumLaunch,
    serviceWorkers: 'allow',
  },
  // The e2e tests run against the production build (`npm run build` runs before them in `npm test`).
  webServer: {
    command: `npx vite preview --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
