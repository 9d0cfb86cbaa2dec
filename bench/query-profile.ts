/**
 * One query, Enter → results, accounted for: the production build in headless Chromium with a library file
 * imported once into a kept profile (so repeated runs skip the import), then queries timed from the Enter key to
 * the results list showing them, with the page's passage:query:* measures, and optionally a CPU profile of the
 * page's main thread (CDP) over the queries.
 *
 *   npx tsx bench/query-profile.ts --size 100k --port 4331 [--profile-dir /tmp/passage-qp-4331] [--queries 10]
 *        [--wait-words] (wait until the word index is complete: the steady state) [--cpu-profile out.cpuprofile]
 *        [--no-build] [--rounds 2]
 */
import { execSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../playwright.config.ts';
import { startPreview, stopPreview } from '../e2e/support/preview.ts';
import { REPO_ROOT } from './node-engine.ts';
import { SCALE_QUERIES } from './scale/queries.ts';
import { attachAll, profileAll } from './profile/cdp-targets.ts';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: '100k' },
    port: { type: 'string', default: '4331' },
    'profile-dir': { type: 'string' },
    queries: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '1' },
    'wait-words': { type: 'boolean', default: false },
    'cpu-profile': { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const size = Number(values.size!.replace(/k$/i, '000').replace(/m$/i, '000000'));
const port = Number(values.port);
const profileDir = values['profile-dir'] ?? path.join(os.tmpdir(), `passage-qp-${port}-${size}`);
const QUERIES = SCALE_QUERIES.slice(0, Number(values.queries) + 1);

const cache = path.join(REPO_ROOT, '.cache', 'scale');
const file = readdirSync(cache).find((f) => f.startsWith(`sotu-${size}-`) && f.endsWith('.passage'));
if (!file) throw new Error(`no library file of ${size} passages in ${cache}`);
if (!values['no-build']) execSync('npx vite build --logLevel error', { cwd: REPO_ROOT, stdio: 'inherit' });

const preview = await startPreview(port, REPO_ROOT);
const debugPort = port + 5000;
const context = await chromium.launchPersistentContext(profileDir, {
  ...chromiumLaunch,
  args: [...(chromiumLaunch.args ?? []), `--remote-debugging-port=${debugPort}`],
  headless: true,
  baseURL: `http://localhost:${port}`,
  serviceWorkers: 'allow',
});
await context.addInitScript({
  content: `window.__enterAt = null; window.addEventListener('keydown', (e) => { if (e.key === 'Enter') window.__enterAt = performance.now(); }, true);`,
});
const page = context.pages()[0] ?? (await context.newPage());
page.on('pageerror', (e) => console.log('pageerror', e.message));
const log = (s: string) => console.log(s);
const shadow = (sel: string) => `document.querySelector('passage-shell').shadowRoot.querySelector('${sel}')`;

try {
  await page.goto('/');
  await page.waitForFunction(() => document.querySelector<HTMLElement>('passage-shell')?.dataset.model === 'ready', undefined, { timeout: 300_000 });
  const passages = await page.evaluate(`(() => { const p = ${shadow('library-panel')}; const c = p && p.shadowRoot.querySelector('.count'); return c ? Number(c.dataset.passages || 0) : 0; })()`);
  if (Number(passages) < size) {
    log(`importing ${file} into ${profileDir}`);
    const t = Date.now();
    await page.locator('settings-panel input[type=file]').setInputFiles(path.join(cache, file));
    await page.locator('notice-list li.notice', { hasText: 'Imported' }).waitFor({ timeout: 3_600_000 });
    log(`imported in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  } else log(`library holds ${passages} passages`);

  for (let round = 0; round < Number(values.rounds); round++) {
    await page.reload();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('passage-shell')?.dataset.model === 'ready', undefined, { timeout: 300_000 });
    const ask = async (q: string) => {
      const input = page.locator('search-box input');
      await input.fill(q);
      await input.press('Enter');
      const at = (await (
        await page.waitForFunction(
          (query) => {
            const r = document.querySelector('passage-shell')!.shadowRoot!.querySelector('search-results')!;
            const list = r.shadowRoot!.querySelector('ol');
            if (!list || list.dataset.query !== query || list.getAttribute('aria-busy') !== 'false') return false;
            if (!list.querySelector('li.result') && list.dataset.closeMatch !== 'false') return false;
            return [performance.now(), r.shadowRoot!.textContent!.includes('ranked by meaning only')];
          },
          q,
          { timeout: 120_000, polling: 'raf' },
        )
      ).jsonValue()) as [number, boolean];
      const enterAt = (await page.evaluate('window.__enterAt')) as number;
      return { total: at[0] - enterAt, meaningOnly: at[1], enterAt };
    };
    await ask(QUERIES[0]!);
    if (values['wait-words']) {
      const t = Date.now();
      while ((await ask(QUERIES[0]!)).meaningOnly) await page.waitForTimeout(2000);
      log(`word index complete after ${((Date.now() - t) / 1000).toFixed(0)} s`);
    }
    const cdp = values['cpu-profile'] ? await profileAllTargets(debugPort) : null;
    const rows: Record<string, number>[] = [];
    for (const q of QUERIES.slice(1)) {
      const { total, meaningOnly, enterAt } = await ask(q);
      await page.waitForTimeout(300);
      const parts = (await page.evaluate(
        (from) =>
          Object.fromEntries(
            performance
              .getEntriesByType('measure')
              .filter((m) => m.name.startsWith('passage:query:') && m.startTime >= from - 5)
              .map((m) => [m.name.slice('passage:query:'.length), Math.round(m.duration * 10) / 10]),
          ),
        enterAt,
      )) as Record<string, number>;
      rows.push({ total: Math.round(total), meaningOnly: meaningOnly ? 1 : 0, ...parts });
    }
    if (cdp) {
      for (const [name, profile] of await cdp.stop()) writeFileSync(`${values['cpu-profile']}.${name}.cpuprofile`, JSON.stringify(profile));
    }
    console.table(rows);
    const med = (k: string) => {
      const xs = rows.map((r) => r[k]).filter((x): x is number => x !== undefined).sort((a, b) => a - b);
      return xs.length ? xs[Math.floor(xs.length / 2)] : undefined;
    };
    log(`round ${round + 1} p50: ` + Object.keys(rows[0] ?? {}).map((k) => `${k} ${med(k)}`).join(' · '));
  }
} finally {
  await context.close();
  stopPreview(preview);
}

/** CPU profiles of the page and its dedicated workers (bench/profile/cdp-targets.ts); `stop()` also detaches. */
async function profileAllTargets(debugPort: number): Promise<{ stop(): Promise<[string, unknown][]> }> {
  const devtools = await attachAll(debugPort);
  console.log('profiling', devtools.targets.map((t) => t.name).join(', '));
  const profiling = await profileAll(devtools);
  return {
    async stop() {
      const out = await profiling.stop();
      devtools.close();
      return out;
    },
  };
}
