/**
 * First visit of the production build in headless Chromium, fresh profile each run: navigation start → first
 * contentful paint (what a person first sees) and → `data-model="ready"`; the service worker's precache (raw bytes,
 * what `vite preview` sends) and Cache Storage + IndexedDB usage at ready. Builds are compared interleaved:
 *
 *   npx tsx bench/first-visit.bench.ts [--runs 3] <label>=<dist dir> ...   (default: this checkout's dist)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../playwright.config.ts';
import { repoRoot } from '../e2e/support/app.ts';
import { reachable, stopPreview } from '../e2e/support/preview.ts';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 3;
const builds = (args.length ? args : [`this=${path.join(repoRoot, 'dist')}`]).map((a) => {
  const [label, dir] = a.split('=');
  return { label: label!, dir: path.resolve(dir!) };
});

async function serve(dir: string, port: number): Promise<ChildProcess> {
  const server = spawn('npx', ['vite', 'preview', '--outDir', dir, '--port', String(port), '--strictPort'], { cwd: repoRoot, stdio: 'ignore', detached: true });
  for (let i = 0; i < 120 && !(await reachable(`http://localhost:${port}/`)); i++) await new Promise((r) => setTimeout(r, 500));
  return server;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results = new Map<string, { fcp: number[]; ready: number[]; usage: number[] }>();
const servers = await Promise.all(builds.map((b, i) => serve(b.dir, 4290 + i)));
try {
  const browser = await chromium.launch(chromiumLaunch);
  for (let run = 0; run < runs; run++) {
    for (const [i, build] of builds.entries()) {
      const context = await browser.newContext({ baseURL: `http://localhost:${4290 + i}`, serviceWorkers: 'allow' });
      const page = await context.newPage();
      await page.addInitScript(() => {
        new MutationObserver(() => {
          const shell = document.querySelector('passage-shell');
          const w = window as unknown as { __ready?: number };
          if (shell?.getAttribute('data-model') === 'ready' && w.__ready === undefined) w.__ready = performance.now();
        }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-model'] });
      });
      await page.goto('/');
      await page.waitForFunction(() => (window as unknown as { __ready?: number }).__ready !== undefined, undefined, { timeout: 120_000 });
      const m = await page.evaluate(async () => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        ready: (window as unknown as { __ready: number }).__ready,
        usage: (await navigator.storage.estimate()).usage ?? NaN,
      }));
      const r = results.get(build.label) ?? { fcp: [], ready: [], usage: [] };
      r.fcp.push(m.fcp);
      r.ready.push(m.ready);
      r.usage.push(m.usage);
      results.set(build.label, r);
      console.log(`run ${run + 1} ${build.label}: first paint ${m.fcp.toFixed(0)} ms, ready ${m.ready.toFixed(0)} ms, storage ${(m.usage / 1e6).toFixed(1)} MB`);
      await context.close();
    }
  }
  await browser.close();
} finally {
  for (const s of servers) stopPreview(s);
}
for (const [label, r] of results) {
  console.log(
    `${label}: median first paint ${median(r.fcp).toFixed(0)} ms, ready ${median(r.ready).toFixed(0)} ms (${r.ready.map((x) => x.toFixed(0)).join(', ')}), storage ${(median(r.usage) / 1e6).toFixed(1)} MB`,
  );
}
