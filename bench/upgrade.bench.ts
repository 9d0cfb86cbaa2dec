/**
 * Times the IndexedDB upgrade from schema 5 in headless Chromium, for one or more checkouts interleaved: a
 * schema-5 library of `--passages` synthetic passages (shaped like the scale libraries: bench/upgrade/page.ts) is
 * built once in a browser profile; each run copies that profile and opens the database with a checkout's db.ts
 * (bundled with esbuild), in the page's main thread.
 *
 *   npx tsx bench/upgrade.bench.ts --passages 100000 --runs 3 --root /work/wt/base --root .
 *
 * Prints one line per run and the medians per checkout (and the machine's load average).
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { chromium, type BrowserContext } from '@playwright/test';
import { chromiumLaunch } from '../playwright.config.ts';

const { values } = parseArgs({
  options: {
    root: { type: 'string', multiple: true, default: ['.'] },
    passages: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    profile: { type: 'string' },
  },
});

const ORIGIN = 'http://upgrade.bench';
const DB = 'passage-upgrade-bench';
const here = path.dirname(new URL(import.meta.url).pathname);

async function bundle(root: string): Promise<string> {
  const result = await build({
    entryPoints: [path.join(here, 'upgrade/page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    plugins: [
      {
        name: 'db-under-test',
        setup(b) {
          b.onResolve({ filter: /\/src\/store\/db\.ts$/ }, (args) =>
            args.importer.endsWith(path.join('upgrade', 'page.ts')) ? { path: path.resolve(root, 'src/store/db.ts') } : undefined,
          );
        },
      },
    ],
    nodePaths: [path.resolve(here, '../node_modules')],
    logLevel: 'error',
  });
  return result.outputFiles[0]!.text;
}

async function open(profile: string, script: string): Promise<BrowserContext> {
  const context = await chromium.launchPersistentContext(profile, { ...chromiumLaunch, headless: true });
  await context.route(`${ORIGIN}/**`, (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><script>${script.replace(/<\/script/g, '<\\/script')}</script>` }),
  );
  return context;
}

interface Run {
  ms: number;
  version: number;
  /** [ms since the open, passages done] of each progress report. */
  reports: [number, number][];
  last: unknown;
  passages: number;
}

/** The longest wait between progress reports (and from the open to the first, and the last to the end). */
const longestGap = (run: Run) => {
  const times = [0, ...run.reports.map(([t]) => t), run.ms];
  return Math.round(Math.max(...times.slice(1).map((t, i) => t - times[i]!)));
};
if (process.env.UPGRADE_BENCH_TRACE) console.error('tracing progress reports');

/** What bench/upgrade/page.ts puts on the page. */
interface BenchPage {
  upgradeBench: { buildV5(name: string, passages: number): Promise<{ ms: number }>; upgrade(name: string): Promise<Run> };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const passages = Number(values.passages);
  const roots = values.root.map((r) => path.resolve(r));
  const scripts = await Promise.all(roots.map(bundle));
  const source = values.profile ?? path.join(os.tmpdir(), `passage-upgrade-v5-${passages}`);
  if (!existsSync(source)) {
    const context = await open(source, scripts[0]!);
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(ORIGIN);
    const built = await page.evaluate(([name, n]) => (globalThis as unknown as BenchPage).upgradeBench.buildV5(name, n), [DB, passages] as const);
    console.error(`built a schema-5 library of ${passages} passages in ${Math.round(built.ms)} ms (${source})`);
    await context.close();
  }
  const times = new Map<string, number[]>(roots.map((r) => [r, []]));
  for (let run = 0; run < Number(values.runs); run++) {
    for (const [i, root] of roots.entries()) {
      const profile = mkdtempSync(path.join(os.tmpdir(), 'passage-upgrade-run-'));
      cpSync(source, profile, { recursive: true });
      const context = await open(profile, scripts[i]!);
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        await page.goto(ORIGIN);
        const result: Run = await page.evaluate((name) => (globalThis as unknown as BenchPage).upgradeBench.upgrade(name), DB);
        if (result.passages !== passages) throw new Error(`${root}: ${result.passages} passages after the upgrade, not ${passages}`);
        times.get(root)!.push(result.ms);
        if (process.env.UPGRADE_BENCH_TRACE) console.error(JSON.stringify(result.reports));
        console.log(JSON.stringify({ run, root, ms: Math.round(result.ms), version: result.version, reports: result.reports.length, longestGapMs: longestGap(result), last: result.last, load: os.loadavg()[0]!.toFixed(1) }));
      } finally {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      }
    }
  }
  const base = median(times.get(roots[0]!)!);
  for (const root of roots) {
    const m = median(times.get(root)!);
    console.log(`${root}: median ${Math.round(m)} ms over ${times.get(root)!.length} runs (×${(m / base).toFixed(2)} of the first)`);
  }
}

await main();
