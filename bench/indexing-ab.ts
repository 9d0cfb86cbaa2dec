/**
 * Indexing throughput of two builds of the app, interleaved: this checkout's `dist/` against a baseline checkout's
 * (e.g. a worktree of main), in headless Chromium, through the app's own UI. Each run: a fresh browser context,
 * open the app, wait for the model, import the documents through the file input, and time the file input's
 * `change` event → every passage embedded and stored (in the page, performance.now()). Also per run: the CPU time
 * of all Chromium processes per passage over the same span (/proc; other jobs' load inflates it less than the
 * wall clock), the machine's load average, and a digest of the stored vectors (int8 rows and scales, and sentence
 * codes, order-independent), so two builds that should store the same vectors can be seen to.
 *
 *   npx vite build   # in both checkouts first
 *   npx tsx bench/indexing-ab.ts --base /work/wt/x-base [--rounds 4] [--port 4360] [--single-thread]
 *
 * --single-thread adds a third configuration: this build served without COOP/COEP (not cross-origin isolated,
 * so the app's ORT runs 1 thread instead of min(4, cores)). Configurations take turns, order rotated each round.
 */
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from '@playwright/test';
import { chromiumLaunch } from '../playwright.config.ts';
import { fileInput, repoRoot, sotuDir, waitForIndexed, waitForModel } from '../e2e/support/app.ts';
import { startPreview, stopPreview } from '../e2e/support/preview.ts';
import { SHADOW_QUERIES } from './page-dom.ts';
import { startPlainProxy } from './plain-proxy.ts';
import { treeCpuSeconds } from './profile/processes.ts';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    rounds: { type: 'string', default: '4' },
    port: { type: 'string', default: '4360' },
    'single-thread': { type: 'boolean', default: false },
    docs: { type: 'string', default: '1790_george_washington_n.txt,1941_franklin_d_roosevelt_d.txt,1862_abraham_lincoln_r.txt' },
  },
});
if (!values.base) throw new Error('--base <checkout> is required');
const port = Number(values.port);
const DOCUMENTS = values.docs.split(',').map((f) => path.join(sotuDir, f));

const INSTRUMENT = `(() => {
${SHADOW_QUERIES}
  window.passageIndexing = {
    changeAt: null,
    indexedAt(count) {
      const counts = inside('library-panel', '.indexed');
      const done = counts.length === count && counts.every((c) => Number(c.dataset.passages) > 0 && c.dataset.indexed === c.dataset.passages);
      return done ? performance.now() : false;
    },
  };
})();`;

/** Reads every stored vector block and sentence-code record and digests them in a fixed order. */
const VECTOR_DIGEST = `(async () => {
  const db = await new Promise((resolve, reject) => { const r = indexedDB.open('passage'); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  const all = (store) => new Promise((resolve, reject) => { const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  const hex = async (bytes) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
  const parts = [];
  for (const b of await all('vectorBlocks')) parts.push(await hex(new Uint8Array([...new Uint8Array(b.q.buffer, b.q.byteOffset, b.q.byteLength), ...new Uint8Array(b.scales.buffer, b.scales.byteOffset, b.scales.byteLength)])));
  let rows = 0;
  for (const b of await all('vectorBlocks')) rows += b.ordinals.length;
  for (const v of await all('vectors')) if (v.sentences) parts.push(await hex(v.sentences instanceof Uint8Array ? v.sentences : new TextEncoder().encode(JSON.stringify(v.sentences))));
  db.close();
  parts.sort();
  return { rows, digest: (await hex(new TextEncoder().encode(parts.join('')))).slice(0, 16) };
})()`;

interface Config { name: string; origin: string }
interface Run { rate: number; cpuMs: number; passages: number; load: string; digest: string; threads: string }

const loadavg = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function oneRun(browser: Browser, browserPid: number, origin: string): Promise<Run> {
  const context = await browser.newContext({ baseURL: origin, serviceWorkers: 'allow' });
  try {
    await context.addInitScript({ content: INSTRUMENT });
    const page = await context.newPage();
    await page.goto('/');
    await waitForModel(page);
    const threads = (await page.evaluate(() => self.crossOriginIsolated)) ? 'isolated' : 'not isolated';
    await fileInput(page).evaluate((input) =>
      input.addEventListener('change', () => ((window as unknown as { passageIndexing: { changeAt: number } }).passageIndexing.changeAt = performance.now()), { once: true }),
    );
    const cpuBefore = treeCpuSeconds(browserPid);
    await fileInput(page).setInputFiles(DOCUMENTS);
    const indexedAt = (await (await page.waitForFunction((n) => (window as unknown as { passageIndexing: { indexedAt(n: number): number | false } }).passageIndexing.indexedAt(n), DOCUMENTS.length, { timeout: 600_000, polling: 100 })).jsonValue()) as number;
    const cpu = treeCpuSeconds(browserPid) - cpuBefore;
    await waitForIndexed(page, DOCUMENTS.length);
    const changeAt = await page.evaluate(() => (window as unknown as { passageIndexing: { changeAt: number } }).passageIndexing.changeAt);
    const passages = await page.locator('library-panel .indexed').evaluateAll((nodes) => nodes.reduce((sum, n) => sum + Number((n as HTMLElement).dataset.passages), 0));
    const { rows, digest } = (await page.evaluate(VECTOR_DIGEST)) as { rows: number; digest: string };
    if (rows !== passages) throw new Error(`${rows} stored rows for ${passages} passages`);
    return { rate: (passages / (indexedAt - changeAt)) * 1000, cpuMs: (cpu * 1000) / passages, passages, load: loadavg(), digest, threads };
  } finally {
    await context.close();
  }
}

console.log(`${os.cpus().length} cores; load ${loadavg()}; documents ${values.docs}`);
const servers = [await startPreview(port, path.resolve(values.base)), await startPreview(port + 1, repoRoot)];
const proxy = values['single-thread'] ? await startPlainProxy(port + 2, port + 1) : null;
const configs: Config[] = [
  { name: `base (${path.basename(path.resolve(values.base))})`, origin: `http://localhost:${port}` },
  { name: 'this checkout', origin: `http://localhost:${port + 1}` },
  ...(proxy ? [{ name: 'this checkout, not isolated (1 thread)', origin: `http://localhost:${port + 2}` }] : []),
];
const browserServer = await chromium.launchServer({ ...chromiumLaunch, headless: true });
const browser = await chromium.connect(browserServer.wsEndpoint());
const runs = new Map(configs.map((c) => [c.name, [] as Run[]]));
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const config of configs.map((_, i) => configs[(i + round) % configs.length]!)) {
      const run = await oneRun(browser, browserServer.process().pid!, config.origin);
      runs.get(config.name)!.push(run);
      console.log(`  round ${round + 1}: ${run.rate.toFixed(2)} passages/s, cpu ${run.cpuMs.toFixed(0)} ms/passage, ${run.passages} passages, vectors ${run.digest}, ${run.threads}, load ${run.load}   ${config.name}`);
    }
  }
  const base = median(runs.get(configs[0]!.name)!.map((r) => r.rate));
  const baseCpu = median(runs.get(configs[0]!.name)!.map((r) => r.cpuMs));
  console.log(`\nmedians over ${values.rounds} rounds`);
  for (const c of configs) {
    const rs = runs.get(c.name)!;
    const rate = median(rs.map((r) => r.rate));
    const cpu = median(rs.map((r) => r.cpuMs));
    console.log(`${rate.toFixed(2).padStart(6)} passages/s ×${(rate / base).toFixed(2)}  cpu ${cpu.toFixed(0)} ms/passage ×${(cpu / baseCpu).toFixed(2)}  vectors ${[...new Set(rs.map((r) => r.digest))].join('/')}  ${c.name}  [${rs.map((r) => r.rate.toFixed(2)).join(', ')}]`);
  }
  console.log(`load at end ${loadavg()}`);
} finally {
  await browser.close();
  await browserServer.close();
  if (proxy) await new Promise<void>((resolve) => proxy.close(() => resolve()));
  servers.forEach(stopPreview);
}
