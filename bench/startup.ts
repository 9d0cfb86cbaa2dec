/**
 * Reload → first answer, profiled: where a start's time and memory go, for several builds against the same stored
 * library, interleaved. A library is imported once into a browser profile (`prepare`); each measurement copies that
 * profile per build, serves the build on the same port (IndexedDB belongs to the origin), loads once to let the
 * build's service worker take over, then times reloads. The page and both workers post start-up marks
 * (src/shared/startup-trace.ts) on a BroadcastChannel, which the page collects on one clock.
 *
 *   npx tsx bench/startup.ts prepare --file .cache/scale/sotu-100000-….passage --profile /tmp/p100k --port 4331
 *   npx tsx bench/startup.ts measure --profile /tmp/p100k --port 4331 --build base=/work/wt/x-base --build new=. \
 *       --rounds 3 --reloads 2 [--json out.json]
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type BrowserContext, type Page } from '@playwright/test';
import { chromiumLaunch } from '../playwright.config.ts';
import { SHADOW_QUERIES } from './page-dom.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { reachable } from '../e2e/support/preview.ts';
import { rendererPids, startPreview, stopPreview } from './scale/browser.ts';

/** `vite preview` of `root`'s config serving `outDir` (a variant build), in its own process group. */
async function previewOf(root: string, outDir: string | undefined): Promise<ChildProcess> {
  if (!outDir) return startPreview(root, port);
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--outDir', outDir], { cwd: root, stdio: 'ignore', detached: true });
  for (let i = 0; i < 120; i++) {
    if (await reachable(`${origin}/`)) return server;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  stopPreview(server);
  throw new Error(`vite preview of ${outDir} did not start`);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    file: { type: 'string' },
    profile: { type: 'string' },
    port: { type: 'string', default: '4331' },
    build: { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '3' },
    reloads: { type: 'string', default: '2' },
    settle: { type: 'string', default: '8000' },
    json: { type: 'string' },
    query: { type: 'string', default: 'What did the president say about the national debt?' },
  },
});

const port = Number(values.port);
const origin = `http://localhost:${port}`;
const log = (line: string) => console.log(line);

const INSTRUMENT = `(() => {
${SHADOW_QUERIES}
  const marks = [];
  const bench = { marks, modelReadyAt: null };
  bench.answeredAt = (q) => {
    const list = inside('search-results', 'ol')[0];
    if (!list || list.dataset.query !== q || list.getAttribute('aria-busy') !== 'false') return false;
    return list.querySelector('li.result') ? performance.now() : false;
  };
  bench.importDone = () => inside('notice-list', 'li').some((li) => /Imported/.test(li.textContent) || li.classList.contains('error'));
  window.passageStartup = bench;
  try { bench.channel = new BroadcastChannel('passage-startup'); bench.channel.onmessage = (e) => marks.push(e.data); } catch {}
  document.addEventListener('DOMContentLoaded', () => {
    const shell = document.querySelector('passage-shell');
    const check = () => { if (bench.modelReadyAt === null && shell && shell.dataset.model === 'ready') bench.modelReadyAt = performance.now(); };
    check();
    if (shell) new MutationObserver(check).observe(shell, { attributes: true, attributeFilter: ['data-model'] });
  });
})();`;

interface StartupWindow {
  passageStartup: {
    marks: { name: string; at: number; detail?: Record<string, unknown> }[];
    modelReadyAt: number | null;
    answeredAt(query: string): number | false;
    importDone(): boolean;
  };
}

async function open(profile: string): Promise<{ context: BrowserContext; page: Page }> {
  // ForceEagerMeasureMemory: measureUserAgentSpecificMemory answers at once instead of after the next GC.
  const args = [...(chromiumLaunch.args ?? []), '--enable-blink-features=ForceEagerMeasureMemory'];
  const context = await chromium.launchPersistentContext(profile, { ...chromiumLaunch, args, headless: true, baseURL: origin, serviceWorkers: 'allow' });
  await context.addInitScript({ content: INSTRUMENT });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => log(`    page error: ${error.message}`));
  return { context, page };
}

async function modelReady(page: Page, timeout: number): Promise<number> {
  const handle = await page.waitForFunction(() => (window as unknown as StartupWindow).passageStartup.modelReadyAt, undefined, { timeout, polling: 50 });
  return (await handle.jsonValue()) as number;
}

/** Types the query as soon as the box takes input; returns page time when its results are shown. */
async function firstAnswer(page: Page, query: string, timeout: number): Promise<number> {
  const input = page.locator('search-box input');
  await input.fill(query, { timeout });
  await input.press('Enter', { timeout });
  const handle = await page.waitForFunction((q) => (window as unknown as StartupWindow).passageStartup.answeredAt(q), query, { timeout, polling: 'raf' });
  return (await handle.jsonValue()) as number;
}

function rss(profile: string): { max: number; sum: number } {
  const values = rendererPids(profile).map((pid) => {
    try {
      return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  });
  return { max: Math.max(0, ...values), sum: values.reduce((a, b) => a + b, 0) };
}

async function prepare(): Promise<void> {
  const file = values.file;
  const profile = values.profile;
  const root = values.build[0]?.split('=')[1] ?? '.';
  if (!file || !profile) throw new Error('prepare needs --file and --profile');
  const server = await startPreview(path.resolve(root), port);
  try {
    const { context, page } = await open(profile);
    await page.goto('/');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 120_000 });
    await modelReady(page, 180_000);
    const started = Date.now();
    await page.locator('settings-panel input[type=file]').setInputFiles(file, { timeout: 3_600_000 });
    await page.waitForFunction(() => (window as unknown as StartupWindow).passageStartup.importDone(), undefined, { timeout: 3_600_000, polling: 1000 });
    log(`imported in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    await page.waitForTimeout(10_000); // the word index is saved after the import's reload of the index
    await context.close();
  } finally {
    stopPreview(server);
  }
}

interface Sample {
  build: string;
  round: number;
  reload: number;
  modelReadyMs: number;
  firstAnswerMs: number;
  marks: Record<string, number>;
  rssAtAnswerMB: number;
  rssSettledMB: number;
  rssPeakMB: number;
  queryParts: Record<string, number>;
}

async function measureBuild(name: string, root: string, outDir: string | undefined, profileCopy: string, round: number, reloads: number): Promise<Sample[]> {
  const server = await previewOf(root, outDir);
  const samples: Sample[] = [];
  try {
    const { context, page } = await open(profileCopy);
    // Warm-up: the build's service worker takes over (a new build replaces the previous one's precache). Until it
    // has, the previous build's precached page is what loads: reload until the page runs this build's script.
    const entry = /src="\/(assets\/index-[^"]+\.js)"/.exec(readFileSync(path.join(outDir ?? path.join(root, 'dist'), 'index.html'), 'utf8'))?.[1];
    await page.goto('/');
    for (let attempt = 0; ; attempt++) {
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 120_000 });
      const running = await page.evaluate(() => [...document.scripts].map((script) => script.src).join(' '));
      if (!entry || running.includes(entry)) break;
      if (attempt === 40) throw new Error(`${name}: the page still runs another build (${running})`);
      await page.waitForTimeout(3000);
      await page.reload();
    }
    await modelReady(page, 300_000);
    await firstAnswer(page, values.query!, 300_000);
    await page.waitForTimeout(Number(values.settle));
    for (let r = 0; r < reloads; r++) {
      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, rss(profileCopy).max)), 200);
      await page.reload({ waitUntil: 'commit', timeout: 300_000 });
      const ready = await modelReady(page, 300_000);
      const answered = await firstAnswer(page, values.query!, 300_000);
      const atAnswer = rss(profileCopy).max;
      await page.waitForTimeout(Number(values.settle));
      const cdp = await context.newCDPSession(page);
      await cdp.send('HeapProfiler.collectGarbage');
      await cdp.detach();
      await page.waitForTimeout(500);
      clearInterval(sampler);
      const settled = rss(profileCopy).max;
      const memory = await page
        .evaluate(async () => {
          const measureMemory = (performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number; breakdown: { bytes: number; types: string[]; attribution: { url: string; scope: string }[] }[] }> }).measureUserAgentSpecificMemory;
          if (!measureMemory) return null;
          const result = await Promise.race([measureMemory.call(performance), new Promise<null>((r) => setTimeout(() => r(null), 5_000))]);
          if (!result) return null;
          const by: Record<string, number> = {};
          for (const part of result.breakdown) {
            const where = part.attribution.map((a) => `${a.scope}:${a.url.split('/').pop()?.split('?')[0]?.replace(/-[\w-]{8}\.js$/, '')}`).join(',') || 'shared';
            const key = `${where} ${part.types.join('+')}`;
            by[key] = (by[key] ?? 0) + Math.round(part.bytes / 1e5) / 10;
          }
          return { totalMB: Math.round(result.bytes / 1e5) / 10, by };
        })
        .catch((error: unknown) => String(error));
      log(`    memory ${JSON.stringify(memory)}`);
      const { marks, parts } = await page.evaluate(() => {
        const origin = performance.timeOrigin;
        const marks: Record<string, number> = {};
        for (const m of (window as unknown as StartupWindow).passageStartup.marks) {
          const key = m.detail && typeof m.detail.url === 'string' ? `${m.name} ${m.detail.url.split('/').pop()}` : m.name;
          if (!(key in marks)) marks[key] = Math.round(m.at - origin);
          for (const [k, v] of Object.entries(m.detail ?? {})) if (typeof v === 'number') marks[`${m.name}.${k}`] = v;
        }
        const parts: Record<string, number> = {};
        for (const e of performance.getEntriesByType('measure')) if (e.name.startsWith('passage:query:') && !(e.name in parts)) parts[e.name.slice(14)] = Math.round(e.duration);
        return { marks, parts };
      });
      samples.push({ build: name, round, reload: r, modelReadyMs: Math.round(ready), firstAnswerMs: Math.round(answered), marks, rssAtAnswerMB: Math.round(atAnswer), rssSettledMB: Math.round(settled), rssPeakMB: Math.round(Math.max(peak, atAnswer)), queryParts: parts });
      log(`  ${name} round ${round} reload ${r}: model ${ready.toFixed(0)} ms, answer ${answered.toFixed(0)} ms, rss at answer ${atAnswer.toFixed(0)} / settled ${settled.toFixed(0)} / peak ${Math.max(peak, atAnswer).toFixed(0)} MB`);
      log(`    marks ${JSON.stringify(marks)} query ${JSON.stringify(parts)}`);
    }
    await context.close();
  } finally {
    stopPreview(server);
  }
  return samples;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

async function measure(): Promise<void> {
  const profile = values.profile;
  if (!profile || !existsSync(profile)) throw new Error('measure needs a prepared --profile');
  const builds = values.build.map((b) => {
    const [name, where] = b.split('=');
    const [root, outDir] = where!.split('@');
    return { name: name!, root: path.resolve(root!), outDir };
  });
  const rounds = Number(values.rounds);
  const all: Sample[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? builds : [...builds].reverse();
    for (const build of order) {
      const copy = `${profile}-${build.name}`;
      if (!existsSync(copy)) {
        mkdirSync(copy, { recursive: true });
        cpSync(profile, copy, { recursive: true });
      }
      all.push(...(await measureBuild(build.name, build.root, build.outDir, copy, round, Number(values.reloads))));
    }
  }
  for (const build of builds) {
    const s = all.filter((x) => x.build === build.name);
    log(`${build.name}: n=${s.length} model ready ${median(s.map((x) => x.modelReadyMs))} ms, first answer ${median(s.map((x) => x.firstAnswerMs))} ms, rss at answer ${median(s.map((x) => x.rssAtAnswerMB))} MB, settled ${median(s.map((x) => x.rssSettledMB))} MB, peak ${median(s.map((x) => x.rssPeakMB))} MB`);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(all, null, 2));
}

const command = positionals[0];
if (command === 'prepare') await prepare();
else if (command === 'measure') await measure();
else if (command === 'clean') rmSync(values.profile!, { recursive: true, force: true });
else throw new Error('usage: bench/startup.ts prepare|measure …');
