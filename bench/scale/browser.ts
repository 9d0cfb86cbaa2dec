/**
 * One scale measurement in headless Chromium: a fresh persistent profile, the production build served by
 * `vite preview`, a library file imported through Settings → Import library, then reload → first answer, queries,
 * memory and storage. Everything is driven through the UI; timings are taken inside the page (performance.now()
 * at the moment a condition is seen; relative to the navigation for reload figures).
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { chromiumLaunch } from '../../playwright.config.ts';
import { startPreview as startPreviewIn, stopPreview } from '../../e2e/support/preview.ts';
import { SHADOW_QUERIES } from '../page-dom.ts';

/** Names of the performance.measure entries the page may emit per query (the harness reads them if present). */
export const QUERY_PARTS = ['embed', 'rank', 'read', 'highlight'] as const;
export type QueryPart = (typeof QUERY_PARTS)[number];
export const QUERY_MEASURE_PREFIX = 'passage:query:';

export interface LongTasks {
  count: number;
  maxMs: number;
  totalMs: number;
}

export interface Percentiles {
  p50: number;
  p95: number;
  n: number;
}

export interface ScaleRun {
  build: 'new' | 'old';
  commit: string;
  /** Nominal size (10000, 100000, …) and what the file held. */
  size: number;
  passages: number;
  documents: number;
  fileFormat: 'v1' | 'v2';
  fileBytes: number;
  measuredAt: string;
  /** Change event of the file input → the success notice ("Imported …"). */
  importMs: number;
  importLongTasks: LongTasks;
  importRssPeakMB: number;
  /** Navigation start of the reload → passage-shell data-model="ready". */
  reloadModelReadyMs: number;
  /** Navigation start of the reload → results of the first query (typed as soon as the box takes input). */
  reloadFirstAnswerMs: number;
  reloadLongTasks: LongTasks;
  reloadRssPeakMB: number;
  /** Enter → results for that query rendered (list not busy, first result present), over `queries.n` queries. */
  query: Percentiles;
  /** passage:query:* measures, where the page emits them. */
  queryParts: Partial<Record<QueryPart, Percentiles>>;
  queryLongTasks: LongTasks;
  queryRssPeakMB: number;
  /** Main-thread JS heap after a forced GC, at the end (CDP Runtime.getHeapUsage; workers not included). */
  heapMB: number;
  /** Largest renderer process's RSS at the end (all renderers of this browser: `rendererSumMB`). */
  rendererMB: number;
  rendererSumMB: number;
  /** navigator.storage.estimate().usageDetails.indexedDB and the profile's IndexedDB folder on disk, at the end. */
  idbBytes: number | null;
  idbDiskBytes: number;
  errors: string[];
}

export interface IndexingRun {
  build: 'new' | 'old';
  commit: string;
  files: string[];
  passages: number;
  /** File input change → every document listed with all its passages embedded. */
  ms: number;
  passagesPerSecond: number;
  longTasks: LongTasks;
  measuredAt: string;
}

// Plain JavaScript (not a serialised TS function, so no transpiler helpers leak into the page).
const INSTRUMENT = `(() => {
${SHADOW_QUERIES}
  const bench = {
    longTasks: [],
    modelReadyAt: null,
    enterAt: null,
    changeAt: null,
    importDone() {
      const errors = inside('notice-list', 'li.error');
      if (errors.length) return 'error: ' + errors[0].textContent.trim();
      const ok = inside('notice-list', 'li.notice').filter((li) => /Imported/.test(li.textContent));
      return ok.length ? performance.now() : false;
    },
    indexedAt(count) {
      const rows = inside('library-panel', 'li.document');
      const counts = inside('library-panel', '.indexed');
      const done = rows.length === count && counts.length === count &&
        counts.every((c) => Number(c.dataset.passages) > 0 && c.dataset.indexed === c.dataset.passages);
      return done ? performance.now() : false;
    },
    passages() {
      return inside('library-panel', '.indexed').reduce((sum, n) => sum + Number(n.dataset.passages), 0);
    },
    answeredAt(query) {
      const list = inside('search-results', 'ol')[0];
      if (!list || list.dataset.query !== query.trim() || list.getAttribute('aria-busy') !== 'false') return false;
      // Hits, or the "No close match" card that stands in for them (the list then holds no result until asked).
      return list.querySelector('li.result') || list.dataset.closeMatch === 'false' ? performance.now() : false;
    },
  };
  window.passageScale = bench;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) bench.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  window.addEventListener('keydown', (e) => { if (e.key === 'Enter') bench.enterAt = performance.now(); }, true);
  document.addEventListener('DOMContentLoaded', () => {
    const shell = document.querySelector('passage-shell');
    if (!shell) return;
    const check = () => {
      if (bench.modelReadyAt === null && shell.dataset.model === 'ready') bench.modelReadyAt = performance.now();
    };
    check();
    new MutationObserver(check).observe(shell, { attributes: true, attributeFilter: ['data-model'] });
  });
})();`;

interface PageScale {
  longTasks: [number, number][];
  modelReadyAt: number | null;
  enterAt: number | null;
  changeAt: number | null;
  importDone(): number | string | false;
  indexedAt(count: number): number | false;
  passages(): number;
  answeredAt(query: string): number | false;
}
declare global {
  interface Window {
    passageScale: PageScale;
  }
}

export function percentiles(values: readonly number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return { p50: NaN, p95: NaN, n: 0 };
  const mid = Math.floor(s.length / 2);
  const p50 = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  // Nearest rank: with 10 queries p95 is the slowest one.
  const p95 = s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
  return { p50, p95, n: s.length };
}

function longTasksBetween(tasks: readonly [number, number][], from: number, to: number): LongTasks {
  const inside = tasks.filter(([start, duration]) => start + duration >= from && start <= to);
  return {
    count: inside.length,
    maxMs: inside.reduce((m, [, d]) => Math.max(m, d), 0),
    totalMs: inside.reduce((sum, [, d]) => sum + d, 0),
  };
}

// ---- renderer memory, from /proc (CDP SystemInfo.getProcessInfo needs a browser session, which a persistent
// context does not give).

interface Proc {
  ppid: number;
  cmd: string;
}

function processTable(): Map<number, Proc> {
  const table = new Map<number, Proc>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      table.set(Number(name), { ppid, cmd });
    } catch {
      // The process ended while we looked.
    }
  }
  return table;
}

/** Renderer processes of the browser running with this profile. */
export function rendererPids(profile: string): number[] {
  const table = processTable();
  const browsers = [...table].filter(([, p]) => p.cmd.includes(`--user-data-dir=${profile}`) && !p.cmd.includes('--type=')).map(([pid]) => pid);
  const family = new Set(browsers);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, p] of table) {
      if (!family.has(pid) && family.has(p.ppid)) {
        family.add(pid);
        grew = true;
      }
    }
  }
  return [...family].filter((pid) => table.get(pid)!.cmd.includes('--type=renderer'));
}

function rssMB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples the renderers' RSS every 250 ms; `peak()` is the largest single renderer since the last reset. */
class RssSampler {
  private pids: number[] = [];
  private peakMB = 0;
  private timer: NodeJS.Timeout;
  private ticks = 0;
  constructor(private readonly profile: string) {
    this.timer = setInterval(() => this.sample(), 250);
  }
  sample(): { max: number; sum: number } {
    if (this.ticks++ % 20 === 0 || this.pids.length === 0) this.pids = rendererPids(this.profile);
    const values = this.pids.map(rssMB);
    const max = Math.max(0, ...values);
    this.peakMB = Math.max(this.peakMB, max);
    return { max, sum: values.reduce((a, b) => a + b, 0) };
  }
  reset(): number {
    const peak = Math.max(this.peakMB, this.sample().max);
    this.peakMB = 0;
    return peak;
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

function folderBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(full) : statSync(full).size;
  }
  return total;
}

// ---- servers

/** `vite preview` of the build in `root` (its dist/) on `port`, in its own process group. */
export function startPreview(root: string, port: number): Promise<ChildProcess> {
  return startPreviewIn(port, root);
}

export { stopPreview };

export function chromiumVersion(): string {
  const text = execFileSync(chromiumLaunch.executablePath, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return /Chromium [\d.]+/.exec(text)?.[0] ?? text.trim();
}

// ---- the runs

async function openProfile(origin: string): Promise<{ context: BrowserContext; page: Page; profile: string; errors: string[] }> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'passage-scale-'));
  const context = await chromium.launchPersistentContext(profile, {
    ...chromiumLaunch,
    headless: true,
    baseURL: origin,
    serviceWorkers: 'allow',
  });
  await context.addInitScript({ content: INSTRUMENT });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, profile, errors };
}

async function waitModelReady(page: Page, timeout: number): Promise<number> {
  return (await page.waitForFunction(() => window.passageScale.modelReadyAt, undefined, { timeout, polling: 50 }).then((h) => h.jsonValue())) as number;
}

/** Types `query`, presses Enter, returns [enterAt, answeredAt] in page time. */
async function askTimed(page: Page, query: string, timeout: number): Promise<[number, number]> {
  const input = page.locator('search-box input');
  await input.fill(query, { timeout });
  await input.press('Enter', { timeout });
  const at = await (await page.waitForFunction((q) => window.passageScale.answeredAt(q), query, { timeout, polling: 'raf' })).jsonValue();
  const enterAt = await page.evaluate(() => window.passageScale.enterAt);
  if (at === false || enterAt === null) throw new Error(`no timing for “${query}”`);
  return [enterAt, at];
}

export interface ScaleRunInput {
  build: 'new' | 'old';
  commit: string;
  origin: string;
  size: number;
  file: string;
  fileFormat: 'v1' | 'v2';
  passages: number;
  documents: number;
  queries: readonly string[];
  log: (line: string) => void;
}

export async function measureScale(input: ScaleRunInput): Promise<ScaleRun> {
  const { log } = input;
  const { context, page, profile, errors } = await openProfile(input.origin);
  const sampler = new RssSampler(profile);
  const slow = Math.max(120_000, input.passages * 10); // 10 ms per passage: ~50 min at 300k for the old importer
  try {
    await page.goto('/');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 120_000 });
    await waitModelReady(page, 180_000);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));

    // 1. Import through Settings → Import library.
    const fileInput = page.locator('settings-panel input[type=file]');
    await fileInput.evaluate((el) => el.addEventListener('change', () => (window.passageScale.changeAt = performance.now()), { once: true }));
    sampler.reset();
    log(`  ${input.build} ${input.size}: importing ${path.basename(input.file)} (${(statSync(input.file).size / 1e6).toFixed(0)} MB)`);
    await fileInput.setInputFiles(input.file, { timeout: slow });
    const done = await (await page.waitForFunction(() => window.passageScale.importDone(), undefined, { timeout: slow, polling: 100 })).jsonValue();
    if (typeof done === 'string') throw new Error(`import failed: ${done}`);
    const changeAt = await page.evaluate(() => window.passageScale.changeAt);
    if (changeAt === null || done === false) throw new Error('import times were not observed');
    const importMs = done - changeAt;
    const importLongTasks = longTasksBetween(await page.evaluate(() => window.passageScale.longTasks), changeAt, done);
    const importRssPeakMB = sampler.reset();
    log(`  ${input.build} ${input.size}: imported in ${(importMs / 1000).toFixed(1)} s`);
    // Let the app finish what an import starts (library list, storage figures) before the reload.
    await page.waitForTimeout(2000);

    // 2. Reload → model ready → first answer.
    const [first, ...rest] = input.queries;
    // At 300k on a loaded machine the old page took over 30 s to let the reload commit (a long main-thread task).
    await page.reload({ waitUntil: 'commit', timeout: slow });
    const reloadModelReadyMs = await waitModelReady(page, slow);
    const [, firstAnswer] = await askTimed(page, first!, slow);
    const reloadLongTasks = longTasksBetween(await page.evaluate(() => window.passageScale.longTasks), 0, firstAnswer);
    const reloadRssPeakMB = sampler.reset();
    log(`  ${input.build} ${input.size}: reload → model ready ${(reloadModelReadyMs / 1000).toFixed(1)} s, first answer ${(firstAnswer / 1000).toFixed(1)} s`);

    // 3. Queries, Enter → results rendered; the page's passage:query:* measures when it makes them.
    const totals: number[] = [];
    const parts = new Map<QueryPart, number[]>();
    let queriesFrom = Infinity;
    let queriesTo = 0;
    for (const query of rest) {
      const [enterAt, at] = await askTimed(page, query, 120_000);
      totals.push(at - enterAt);
      queriesFrom = Math.min(queriesFrom, enterAt);
      // The highlight may come after the results: give it a moment before reading the measures.
      await page.waitForTimeout(400);
      queriesTo = await page.evaluate(() => performance.now());
      const measures = await page.evaluate(
        ([prefix, from]) =>
          performance
            .getEntriesByType('measure')
            .filter((m) => m.name.startsWith(prefix) && m.startTime >= from - 50)
            .map((m) => [m.name.slice(prefix.length), m.duration] as [string, number]),
        [QUERY_MEASURE_PREFIX, enterAt] as const,
      );
      const sums = new Map<string, number>();
      for (const [name, duration] of measures) sums.set(name, (sums.get(name) ?? 0) + duration);
      for (const part of QUERY_PARTS) {
        const value = sums.get(part);
        if (value !== undefined) parts.set(part, [...(parts.get(part) ?? []), value]);
      }
    }
    const queryLongTasks = longTasksBetween(await page.evaluate(() => window.passageScale.longTasks), queriesFrom, queriesTo);
    const queryRssPeakMB = sampler.reset();
    const query = percentiles(totals);
    log(`  ${input.build} ${input.size}: query p50 ${query.p50.toFixed(0)} ms, p95 ${query.p95.toFixed(0)} ms`);

    // 4. Memory and storage at the end.
    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
    await cdp.detach();
    const renderers = sampler.sample();
    const storage = await page.evaluate(async () => {
      const estimate = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: { indexedDB?: number } };
      return estimate.usageDetails?.indexedDB ?? null;
    });
    await context.close();
    const idbDiskBytes = folderBytes(path.join(profile, 'Default', 'IndexedDB'));

    return {
      build: input.build,
      commit: input.commit,
      size: input.size,
      passages: input.passages,
      documents: input.documents,
      fileFormat: input.fileFormat,
      fileBytes: statSync(input.file).size,
      measuredAt: new Date().toISOString(),
      importMs,
      importLongTasks,
      importRssPeakMB,
      reloadModelReadyMs,
      reloadFirstAnswerMs: firstAnswer,
      reloadLongTasks,
      reloadRssPeakMB,
      query,
      queryParts: Object.fromEntries([...parts].map(([k, v]) => [k, percentiles(v)])),
      queryLongTasks,
      queryRssPeakMB,
      heapMB: heap.usedSize / 2 ** 20,
      rendererMB: renderers.max,
      rendererSumMB: renderers.sum,
      idbBytes: storage,
      idbDiskBytes,
      errors,
    };
  } finally {
    sampler.stop();
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Indexing speed: documents added through the import panel of an empty library, until every passage is embedded. */
export async function measureIndexing(build: 'new' | 'old', commit: string, origin: string, files: string[]): Promise<IndexingRun> {
  const { context, page, profile } = await openProfile(origin);
  try {
    await page.goto('/');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 120_000 });
    await waitModelReady(page, 180_000);
    const input = page.locator('import-panel input[type=file]');
    await input.evaluate((el) => el.addEventListener('change', () => (window.passageScale.changeAt = performance.now()), { once: true }));
    await input.setInputFiles(files);
    const indexedAt = await (
      await page.waitForFunction((count) => window.passageScale.indexedAt(count), files.length, { timeout: 1_800_000, polling: 100 })
    ).jsonValue();
    const changeAt = await page.evaluate(() => window.passageScale.changeAt);
    if (indexedAt === false || changeAt === null) throw new Error('indexing times were not observed');
    const passages = await page.evaluate(() => window.passageScale.passages());
    const ms = indexedAt - changeAt;
    const longTasks = longTasksBetween(await page.evaluate(() => window.passageScale.longTasks), changeAt, indexedAt);
    return { build, commit, files: files.map((f) => path.basename(f)), passages, ms, passagesPerSecond: (passages / ms) * 1000, longTasks, measuredAt: new Date().toISOString() };
  } finally {
    await context.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}
