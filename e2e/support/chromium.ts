/**
 * Which Chromium the e2e suite, the e2e tools and the browser benchmark launch: CHROMIUM_PATH, then Debian's
 * /usr/bin/chromium, then Playwright's own download. Without any, the run stops at once with one line that says
 * how to get one (Playwright's own error is a long box that points only at `npx playwright install`).
 */
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export const NO_CHROMIUM =
  'No Chromium found: install one (`apt-get install chromium`, or `npx playwright install chromium` where downloads work) or set CHROMIUM_PATH to its executable.';

/** The first Chromium that exists, or undefined. `env` and `exists` are parameters so the order is testable. */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  exists: (file: string) => boolean = existsSync,
  playwrightOwn: () => string = () => chromium.executablePath(),
): string | undefined {
  if (env.CHROMIUM_PATH) return exists(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  if (exists(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  let own: string | undefined;
  try {
    own = playwrightOwn();
  } catch {
    own = undefined; // Playwright throws when it has no build for this platform
  }
  return own && exists(own) ? own : undefined;
}

/** findChromium(), or one line on stderr and exit code 1. */
export function requireChromium(): string {
  const found = findChromium();
  if (found) return found;
  const hint = process.env.CHROMIUM_PATH ? `CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist. ${NO_CHROMIUM}` : NO_CHROMIUM;
  console.error(hint);
  process.exit(1);
}

/**
 * Launch options for every Chromium we start. The background-networking flags keep Chromium from calling Google
 * hosts on a closed network (and from tripping the no-other-origin checks).
 */
export function chromiumLaunchOptions(executablePath: string = requireChromium()) {
  return {
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  };
}
