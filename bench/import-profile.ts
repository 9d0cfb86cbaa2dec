/**
 * Where a library-file import's time goes, in headless Chromium through the UI (Settings → Import library), and
 * what a schema upgrade costs on reload. Reads the library worker's `performance.measure` entries
 * (`passage:import:check|store|store-writes|reload`, `passage:lexical:build`, `passage:library:open`) and
 * IndexedDB's bytes.
 *
 *   npx tsx bench/import-profile.ts --root <checkout> --port 4311 --file .cache/scale/sotu-100000-…passage
 *   options: --profile <dir> (keep the browser profile there; an existing one is reused: with --reload-only the
 *            page is only opened, e.g. to time an upgrade from an older schema by another checkout's build)
 *            --cpu-profile <prefix> (CPU profiles of the page and its workers over the import, written to
 *            <prefix>.<target>.cpuprofile, with the top self times printed; Node 20 needs
 *            NODE_OPTIONS=--experimental-websocket)
 *            --memory (at the end: RSS of every Chromium process, the renderer's resident memory by mapping, and
 *            each isolate's JS heap after a GC; same NODE_OPTIONS)
 *            --settle <s> (wait this long after the word index's build before reading memory: its save and the
 *            library worker's garbage nudge come after the build's measure)
 *
 * Prints one JSON line: { importMs, measures, indexedDbBytes, cpuSeconds (per Chromium process kind, over the
 * import), openMs?, memory? }.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { chromiumLaunch } from '../playwright.config.ts';
import { startPreview, stopPreview } from '../e2e/support/preview.ts';
import { SHADOW_QUERIES } from './page-dom.ts';
import { attachAll, heapsAfterGc, profileAll, selfTimes } from './profile/cdp-targets.ts';
import { chromiumProcesses, cpuByKind, residentByMapping, rssMB } from './profile/processes.ts';

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: process.cwd() },
    port: { type: 'string', default: '4311' },
    file: { type: 'string' },
    profile: { type: 'string' },
    'reload-only': { type: 'boolean', default: false },
    'lexical-wait': { type: 'string', default: '300' },
    queries: { type: 'string', default: '0' },
    'cpu-profile': { type: 'string' },
    memory: { type: 'boolean', default: false },
    settle: { type: 'string', default: '0' },
  },
});

const INSTRUMENT = `(() => {
${SHADOW_QUERIES}
  window.importProfile = {
    changeAt: null,
    done() {
      const errors = inside('notice-list', 'li.error');
      if (errors.length) return 'error: ' + errors[0].textContent.trim();
      return inside('notice-list', 'li.notice').some((li) => /Imported/.test(li.textContent)) ? performance.now() : false;
    },
    passages() {
      const count = inside('library-panel', '.count')[0];
      return count ? Number(count.dataset.passages) : -1;
    },
  };
})();`;

declare global {
  interface Window {
    importProfile: { changeAt: number | null; done(): number | string | false; passages(): number };
  }
}

async function workerMeasures(page: Page): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const worker of page.workers()) {
    // ORT's pthread workers sit in Atomics.wait and never answer: give each worker a moment, no more.
    const asked = worker
      .evaluate(() => performance.getEntriesByType('measure').filter((e) => e.name.startsWith('passage:')).map((e) => [e.name, e.duration] as const))
      .catch(() => []);
    const entries = await Promise.race([asked, new Promise<[]>((resolve) => setTimeout(() => resolve([]), 2000))]);
    for (const [name, duration] of entries) (out[name] ??= []).push(Math.round(duration));
  }
  return out;
}

async function main(): Promise<void> {
  const port = Number(values.port);
  const server = await startPreview(port, path.resolve(values.root));
  const profile = values.profile ?? mkdtempSync(path.join(os.tmpdir(), 'passage-import-profile-'));
  // Reload-only (an upgrade by another build): block the service worker, or it serves the old build from its precache.
  const serviceWorkers = values['reload-only'] ? 'block' : 'allow';
  const debugPort = port + 5000;
  const devtoolsWanted = values['cpu-profile'] !== undefined || values.memory;
  const args = [...(chromiumLaunch.args ?? []), ...(devtoolsWanted ? [`--remote-debugging-port=${debugPort}`] : [])];
  const context = await chromium.launchPersistentContext(profile, { ...chromiumLaunch, args, headless: true, baseURL: `http://localhost:${port}`, serviceWorkers });
  try {
    await context.addInitScript({ content: INSTRUMENT });
    const page = context.pages()[0] ?? (await context.newPage());
    const openedAt = Date.now();
    const log = (line: string) => console.error(`${((Date.now() - openedAt) / 1000).toFixed(1)} s: ${line}`);
    page.on('console', (m) => m.type() === 'error' && log(`console: ${m.text()}`));
    await page.goto('/');
    log('opened');
    await page.waitForFunction(() => document.querySelector('passage-shell')?.getAttribute('data-model') === 'ready', undefined, { timeout: 600_000, polling: 100 });
    if (values['reload-only']) await page.waitForFunction(() => window.importProfile.passages() >= 0, undefined, { timeout: 600_000, polling: 100 });
    log('model ready');
    const result: Record<string, unknown> = { listedMs: Date.now() - openedAt };
    if (!values['reload-only']) {
      if (!values.file) throw new Error('--file is required');
      const input = page.locator('settings-panel input[type=file]');
      await input.evaluate((el) => el.addEventListener('change', () => (window.importProfile.changeAt = performance.now()), { once: true }));
      const cpu = cpuByKind(profile);
      const devtools = values['cpu-profile'] ? await attachAll(debugPort) : null;
      const profiling = devtools ? await profileAll(devtools, 500) : null;
      await input.setInputFiles(values.file, { timeout: 600_000 });
      const done = await (await page.waitForFunction(() => window.importProfile.done(), undefined, { timeout: 1_200_000, polling: 100 })).jsonValue();
      if (typeof done === 'string' || done === false) throw new Error(`import failed: ${done}`);
      log('imported');
      result.cpuSeconds = cpu();
      if (profiling) {
        const top: Record<string, [string, number][]> = {};
        for (const [name, cpuProfile] of await profiling.stop()) {
          writeFileSync(`${values['cpu-profile']}.${name}.cpuprofile`, JSON.stringify(cpuProfile));
          top[name] = selfTimes(cpuProfile, 15);
        }
        devtools!.close();
        result.selfMs = top;
      }
      result.importMs = Math.round(done - (await page.evaluate(() => window.importProfile.changeAt))!);
    }
    // The word index builds after the notice: wait for it, so its cost is seen too.
    const deadline = Date.now() + Number(values['lexical-wait']) * 1000;
    let measures = await workerMeasures(page);
    // An import's word index is the second build of this library worker (the first ran on the empty library at start).
    const builds = values['reload-only'] ? 1 : 2;
    while ((measures['passage:lexical:build']?.length ?? 0) < builds && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      measures = await workerMeasures(page);
    }
    result.measures = measures;
    // Queries after the import: the page's passage:query:read entries (Library.readHits in the library worker).
    const questions = ['national debt and taxes', 'the tariff on imported goods', 'treaties with the Indian tribes', 'public schools', 'the navy and new ships', 'veterans pensions', 'inflation and the cost of living', 'civil service reform', 'the Panama canal', 'foreign oil'];
    for (const question of questions.slice(0, Number(values.queries))) {
      const box = page.locator('search-box input');
      await box.fill(question);
      await box.press('Enter');
      await page.waitForTimeout(2500);
    }
    if (Number(values.queries) > 0) {
      result.read = await page.evaluate(() => performance.getEntriesByName('passage:query:read').map((e) => Math.round(e.duration * 10) / 10));
      result.rank = await page.evaluate(() => performance.getEntriesByName('passage:query:rank').map((e) => Math.round(e.duration * 10) / 10));
    }
    const estimate = await page.evaluate(async () => {
      const e = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: Record<string, number> };
      return e.usageDetails?.indexedDB ?? e.usage ?? 0;
    });
    result.indexedDbBytes = estimate;
    result.passages = await page.evaluate(() => window.importProfile.passages());
    if (values.memory) {
      await new Promise((resolve) => setTimeout(resolve, Number(values.settle) * 1000));
      const processes = chromiumProcesses(profile).map((p) => ({ ...p, rssMB: rssMB(p.pid) }));
      const renderer = processes.filter((p) => p.kind === 'renderer').sort((a, b) => b.rssMB - a.rssMB)[0];
      const devtools = await attachAll(debugPort);
      result.memory = {
        processes: processes.map(({ kind, rssMB }) => [kind, rssMB]),
        rendererByMapping: renderer ? residentByMapping(renderer.pid) : null,
        rendererBeforeGcMB: renderer ? rssMB(renderer.pid) : null,
        heapsAfterGc: await heapsAfterGc(devtools, () => (renderer ? rssMB(renderer.pid) : 0)),
        rendererAfterGcMB: renderer ? rssMB(renderer.pid) : null,
      };
      devtools.close();
    }
    console.log(JSON.stringify(result));
  } finally {
    await context.close();
    stopPreview(server);
  }
}

await main();
