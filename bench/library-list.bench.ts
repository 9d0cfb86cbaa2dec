/**
 * The library list on reload with many documents: main-thread long tasks from the page's start until the list has
 * rendered and settled, for one or more builds, interleaved, in headless Chromium.
 *
 *   npx tsx bench/library-list.bench.ts --file <library file> --build new=. --build old=/tmp/passage-before \
 *     [--runs 3] [--port 4206] [--settle 3000]
 *
 * Each build gets its own browser profile: it imports the file once through Settings → Import library, then every
 * run reopens the app (a reload with a warm service worker) and records the long tasks (PerformanceObserver
 * 'longtask', > 50 ms) from navigation start until `settle` ms after the first library row appeared, and how many
 * rows the list holds in the DOM. Medians over the runs; the runs of the builds alternate.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type BrowserContext } from '@playwright/test';
import { chromiumLaunchOptions } from '../e2e/support/chromium.ts';
import { startPreview, stopPreview } from '../e2e/support/preview.ts';
import { SHADOW_QUERIES } from './page-dom.ts';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    build: { type: 'string', multiple: true },
    runs: { type: 'string', default: '3' },
    port: { type: 'string', default: '4206' },
    settle: { type: 'string', default: '3000' },
  },
});
if (!values.file || !values.build?.length) throw new Error('give --file <library file> and at least one --build name=dir');
const file = path.resolve(values.file);
const builds = values.build.map((b) => {
  const [name, dir] = b.split('=');
  if (!name || !dir) throw new Error(`--build name=dir, not ${b}`);
  return { name, root: path.resolve(dir), profile: mkdtempSync(path.join(os.tmpdir(), `passage-list-${name}-`)) };
});
const runs = Number(values.runs);
const port = Number(values.port);
const settle = Number(values.settle);
const origin = `http://localhost:${port}`;
const launch = chromiumLaunchOptions();

const INSTRUMENT = `(() => {
${SHADOW_QUERIES}
  const bench = { longTasks: [], listAt: null };
  window.passageList = bench;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) bench.longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  const poll = () => {
    if (bench.listAt === null && inside('library-panel', 'li.document').length > 0) bench.listAt = performance.now();
    if (bench.listAt === null) requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
  bench.rows = () => inside('library-panel', 'li.document').length;
})();`;

declare global {
  interface Window {
    passageList: { longTasks: [number, number][]; listAt: number | null; rows(): number };
  }
}

async function open(profile: string): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(profile, { ...launch, headless: true, baseURL: origin, serviceWorkers: 'allow' });
  await context.addInitScript({ content: INSTRUMENT });
  return context;
}

interface Run {
  listAt: number;
  longTasks: number;
  over200: number;
  maxTask: number;
  sumTasks: number;
  rows: number;
}

async function importOnce(build: (typeof builds)[number]): Promise<void> {
  const server = await startPreview(port, build.root);
  const context = await open(build.profile);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 120_000 });
    await page.locator('passage-shell[data-model=ready]').waitFor({ timeout: 180_000 });
    const started = Date.now();
    await page.locator('settings-panel input[type=file]').setInputFiles(file);
    const notice = await page.locator('notice-list li.notice', { hasText: /Imported|not imported/ }).first().textContent({ timeout: 1_800_000 });
    console.log(`${build.name}: ${notice?.trim()} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await context.close();
    stopPreview(server);
  }
}

async function measure(build: (typeof builds)[number]): Promise<Run> {
  const server = await startPreview(port, build.root);
  const context = await open(build.profile);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    const listAt = (await (await page.waitForFunction(() => window.passageList.listAt, undefined, { timeout: 300_000, polling: 100 })).jsonValue()) as number;
    await page.waitForTimeout(settle);
    const { tasks, rows } = await page.evaluate(() => ({ tasks: window.passageList.longTasks, rows: window.passageList.rows() }));
    const until = listAt + settle;
    const inWindow = tasks.filter(([start]) => start <= until).map(([, duration]) => duration);
    return {
      listAt,
      longTasks: inWindow.length,
      over200: inWindow.filter((d) => d > 200).length,
      maxTask: Math.max(0, ...inWindow),
      sumTasks: inWindow.reduce((a, b) => a + b, 0),
      rows,
    };
  } finally {
    await context.close();
    stopPreview(server);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

console.log(`library file ${path.basename(file)} (${(statSync(file).size / 1e6).toFixed(1)} MB), ${runs} runs, settle ${settle} ms`);
for (const build of builds) await importOnce(build);
const results = new Map<string, Run[]>(builds.map((b) => [b.name, []]));
for (let run = 0; run < runs; run++) {
  for (const build of run % 2 ? [...builds].reverse() : builds) {
    const r = await measure(build);
    results.get(build.name)!.push(r);
    console.log(`${build.name} run ${run + 1}: list at ${r.listAt.toFixed(0)} ms, ${r.rows} rows in the DOM, long tasks ${r.longTasks} (${r.over200} > 200 ms), longest ${r.maxTask.toFixed(0)} ms, total ${r.sumTasks.toFixed(0)} ms`);
  }
}
console.log('\nmedians:');
for (const [name, rs] of results) {
  const m = (key: keyof Run) => median(rs.map((r) => r[key])).toFixed(0);
  console.log(`${name}: list at ${m('listAt')} ms · rows in DOM ${m('rows')} · long tasks ${m('longTasks')} (${m('over200')} > 200 ms) · longest ${m('maxTask')} ms · total ${m('sumTasks')} ms`);
}
for (const build of builds) rmSync(build.profile, { recursive: true, force: true });
