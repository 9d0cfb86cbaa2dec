/**
 * The app in real headless Chromium (WASM), on this machine: time from navigation to "model ready" on a first
 * visit (the service worker installs and precaches) and on a reload (precached); indexing throughput for two
 * public-domain State of the Union addresses (1790, 1941; the e2e suite's documents) imported through the file
 * input; and query latency (Enter → results for that query rendered) for the first 10 questions of
 * bench/eval/sotu.jsonl. (Until 2026-12-03 it imported the two articles of ../shared/corpus and asked
 * bench/eval/articles.jsonl: numbers measured before then are not comparable.)
 *
 *   npx vite build            # once; this script builds nothing
 *   npx tsx bench/browser.bench.ts [--runs 3]
 *
 * It starts its own `vite preview` on :4174 (COOP/COEP, so the page is cross-origin isolated and ORT runs WASM
 * with threads) and a small proxy on :4175 that forwards to it with the COOP/COEP headers removed (not
 * isolated, so ORT runs 1 thread), and stops both at the end. Each run uses a fresh persistent profile (deleted
 * afterwards): first visit → reload → import → queries. Timings are taken inside the page (performance.now(),
 * relative to the navigation for "model ready"); results are medians. Not part of `npm test`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { chromiumLaunch } from '../playwright.config.ts';
import { ask, fileInput, repoRoot, sotuAddresses, waitForIndexed, waitForModel, waitForServiceWorker } from '../e2e/support/app.ts';
import { startPreview, stopPreview } from '../e2e/support/preview.ts';
import { countEmbedded, embeddedIn } from '../e2e/support/embedded.ts';
import { readQueries } from './queries.ts';
import { SHADOW_QUERIES } from './page-dom.ts';
import { startPlainProxy } from './plain-proxy.ts';

const PREVIEW_PORT = 4174;
const PLAIN_PORT = 4175;
const DOCUMENTS = sotuAddresses;
const QUESTIONS = readQueries(path.join(repoRoot, 'bench', 'eval', 'sotu.jsonl'))
  .slice(0, 10)
  .map((q) => q.query);

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be a positive integer');

/** What the page records about itself (installed by INSTRUMENT before any page script runs). */
interface PageBench {
  modelReadyAt: number | null;
  enterAt: number | null;
  changeAt: number | null;
  /** performance.now() once `count` documents are listed and every passage is embedded, else false. */
  indexedAt(count: number): number | false;
  /** performance.now() once the results list shows hits for `query` and is no longer busy, else false. */
  answeredAt(query: string): number | false;
}
declare global {
  interface Window {
    passageBench: PageBench;
  }
}

// Plain JavaScript (not a serialised TS function, so no transpiler helpers leak into the page).
const INSTRUMENT = `(() => {
${SHADOW_QUERIES}
  const bench = {
    modelReadyAt: null,
    enterAt: null,
    changeAt: null,
    indexedAt(count) {
      const rows = inside('library-panel', 'li.document');
      const counts = inside('library-panel', '.indexed');
      const done = rows.length === count && counts.length === count &&
        counts.every((c) => Number(c.dataset.passages) > 0 && c.dataset.indexed === c.dataset.passages);
      return done ? performance.now() : false;
    },
    answeredAt(query) {
      const list = inside('search-results', 'ol')[0];
      if (!list || list.dataset.query !== query.trim() || list.getAttribute('aria-busy') !== 'false') return false;
      return list.querySelector('li.result') ? performance.now() : false;
    },
  };
  window.passageBench = bench;
  window.addEventListener('keydown', (e) => { if (e.key === 'Enter') bench.enterAt = performance.now(); }, true);
  document.addEventListener('DOMContentLoaded', () => {
    const shell = document.querySelector('passage-shell');
    const check = () => {
      if (bench.modelReadyAt === null && shell.dataset.model === 'ready') bench.modelReadyAt = performance.now();
    };
    check();
    new MutationObserver(check).observe(shell, { attributes: true, attributeFilter: ['data-model'] });
  });
})();`;

interface RunResult {
  firstVisitMs: number;
  reloadMs: number;
  passages: number;
  embedded: number;
  indexMs: number;
  queryMs: number[];
  isolated: boolean;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function modelReadyMs(page: Page): Promise<number> {
  await waitForModel(page);
  const at = await page.evaluate(() => window.passageBench.modelReadyAt);
  if (at === null) throw new Error('model ready was not observed');
  return at;
}

async function oneRun(origin: string): Promise<RunResult> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'passage-bench-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      ...chromiumLaunch,
      headless: true,
      baseURL: origin,
      serviceWorkers: 'allow',
    });
    try {
      await context.addInitScript({ content: INSTRUMENT });
      await countEmbedded(context);
      const page = context.pages()[0] ?? (await context.newPage());
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));

      // 1. First visit: the service worker installs (precaching app, model and ORT wasm) and claims the page.
      await page.goto('/');
      const firstVisitMs = await modelReadyMs(page);
      await waitForServiceWorker(page);
      // Let the precache finish before the reload, so the reload is served from it.
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      // Reload: everything comes from the precache.
      await page.reload();
      const reloadMs = await modelReadyMs(page);
      const isolated = await page.evaluate(() => self.crossOriginIsolated);

      // 2. Indexing: from the file input's change event to every passage embedded and stored.
      await fileInput(page).evaluate((input) =>
        input.addEventListener('change', () => (window.passageBench.changeAt = performance.now()), { once: true }),
      );
      await fileInput(page).setInputFiles(DOCUMENTS);
      const indexedAt = await (await page.waitForFunction(() => window.passageBench.indexedAt(2), undefined, { timeout: 180_000 })).jsonValue();
      await waitForIndexed(page, 2);
      const changeAt = await page.evaluate(() => window.passageBench.changeAt);
      if (changeAt === null || indexedAt === false) throw new Error('indexing times were not observed');
      const passages = await page
        .locator('library-panel .indexed')
        .evaluateAll((nodes) => nodes.reduce((sum, n) => sum + Number((n as HTMLElement).dataset.passages), 0));
      const embedded = await embeddedIn(page);

      // 3. Queries: one untimed warm-up, then Enter → results for that query rendered (checked every frame).
      await ask(page, 'warm-up question about North Korea');
      const queryMs: number[] = [];
      for (const question of QUESTIONS) {
        const input = page.locator('search-box input');
        await input.fill(question);
        await input.press('Enter');
        const doneAt = await (await page.waitForFunction((q) => window.passageBench.answeredAt(q), question, { timeout: 60_000 })).jsonValue();
        const enterAt = await page.evaluate(() => window.passageBench.enterAt);
        if (doneAt === false || enterAt === null) throw new Error(`no timing for “${question}”`);
        queryMs.push(doneAt - enterAt);
      }
      if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
      return { firstVisitMs, reloadMs, passages, embedded, indexMs: indexedAt - changeAt, queryMs, isolated };
    } finally {
      await context.close();
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

function summarise(label: string, runs: readonly RunResult[]): void {
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const rates = runs.map((r) => (r.passages / r.indexMs) * 1000);
  const queries = runs.flatMap((r) => r.queryMs);
  console.log(`\n${label} (crossOriginIsolated: ${runs.map((r) => r.isolated).join('/')}; ${runs.length} runs)`);
  console.log(`  model ready, first visit: median ${fmt(median(runs.map((r) => r.firstVisitMs)))}  [${runs.map((r) => fmt(r.firstVisitMs)).join(', ')}]`);
  console.log(`  model ready, reload:      median ${fmt(median(runs.map((r) => r.reloadMs)))}  [${runs.map((r) => fmt(r.reloadMs)).join(', ')}]`);
  console.log(
    `  indexing: ${runs[0]!.passages} passages (${runs.map((r) => r.embedded).join('/')} embedded), median ${median(rates).toFixed(1)} passages/s` +
      `  [${runs.map((r, i) => `${fmt(r.indexMs)} = ${rates[i]!.toFixed(1)}/s`).join(', ')}]`,
  );
  console.log(
    `  query (Enter → results rendered): median ${median(queries).toFixed(0)} ms over ${queries.length}` +
      `  [min ${Math.min(...queries).toFixed(0)}, max ${Math.max(...queries).toFixed(0)}]`,
  );
}

const loadavg = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`${os.cpus().length} cores, ${os.cpus()[0]?.model ?? '?'}; load average at start ${loadavg()}`);
const started = performance.now();
const server = await startPreview(PREVIEW_PORT);
const proxy = await startPlainProxy(PLAIN_PORT, PREVIEW_PORT);
try {
  const browserVersion = await chromium.launch(chromiumLaunch).then(async (b) => {
    const v = b.version();
    await b.close();
    return v;
  });
  console.log(`Chromium ${browserVersion}, headless; ${RUNS} runs per configuration`);
  const threaded: RunResult[] = [];
  const single: RunResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    threaded.push(await oneRun(`http://localhost:${PREVIEW_PORT}`));
    process.stdout.write(`  run ${i + 1} isolated done (load ${loadavg()})\n`);
    single.push(await oneRun(`http://localhost:${PLAIN_PORT}`));
    process.stdout.write(`  run ${i + 1} not isolated done (load ${loadavg()})\n`);
  }
  summarise('Cross-origin isolated (COOP/COEP, ORT WASM threads)', threaded);
  summarise('Not isolated (headers stripped by the :4175 proxy, ORT WASM 1 thread)', single);
  console.log(`\nload average at end ${loadavg()}; total ${((performance.now() - started) / 1000).toFixed(0)} s`);
} finally {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  stopPreview(server);
}
