/**
 * `npm run bench:scale`: Passage at 10k / 100k / 300k / 1M passages, today's checkout ("new") against commit 2f97dd0
 * ("old", main before the scale work), in the same run, in headless Chromium through the UI.
 *
 *   npm run bench:scale                       # all sizes, both builds, writes the "Scale" section of docs/BENCHMARKS.md
 *   npm run bench:scale -- --quick            # 10k both + 100k new only; prints, writes the doc only with --write
 *   options: --sizes 10k,100k  --only new|old  --port 4320 (new; old uses port+1)  --queries 10
 *            --reuse-baseline bench/results/scale-2f97dd0.json (old figures measured earlier on this machine)
 *            --json <file> (raw results; default .cache/scale/results-<time>.json)  --no-build  --new-format v1|v2
 *            --write / --no-write  --skip-indexing
 *            --note <text> (a paragraph under the run line)
 *            --render <results.json> (no measuring: rebuild the section from saved results, e.g. a new-only run
 *            plus --reuse-baseline; with --write it replaces the section)
 *
 * Library files are built by bench/scale/library-file.ts and cached in .cache/scale/. The old build is 2f97dd0
 * exported with `git archive` into /tmp/passage-2f97dd0 (node_modules and the built model symlinked to this
 * checkout's) and built there once. What each figure means: bench/scale/browser.ts (ScaleRun) and the doc section.
 */
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './node-engine.ts';
import { SOTU_DATA_DIR } from './documents.ts';
import { cachedLibraryFiles, copyAs, SCALE_CACHE_DIR } from './scale/library-file.ts';
import { chromiumVersion, measureIndexing, measureScale, startPreview, stopPreview, type ScaleRun } from './scale/browser.ts';
import { renderSection, replaceSection, renderChart, type ScaleResults, type Skipped } from './scale/report.ts';
import { SCALE_QUERIES } from './scale/queries.ts';

const OLD_COMMIT = '2f97dd0';
/** v1 files are one JSON string in the app: past ~400k passages they exceed V8's maximum string length. */
const V1_MAX = 300_000;
const ALL_SIZES = [10_000, 100_000, 300_000, 1_000_000];
/** Two addresses (~70 passages) indexed from scratch for passages/s. */
const INDEXING_FILES = ['1962_john_f_kennedy_d.txt', '1963_john_f_kennedy_d.txt'];
const QUERIES = SCALE_QUERIES;

function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!match) throw new Error(`--sizes: cannot read "${text}" (write 10k, 100k, 1M or a number)`);
  const unit = match[2]!.toLowerCase() === 'k' ? 1e3 : match[2]!.toLowerCase() === 'm' ? 1e6 : 1;
  return Math.round(Number(match[1]) * unit);
}

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    only: { type: 'string' },
    port: { type: 'string', default: '4320' },
    queries: { type: 'string', default: '10' },
    'reuse-baseline': { type: 'string' },
    json: { type: 'string' },
    write: { type: 'boolean' },
    'no-write': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'new-format': { type: 'string' },
    'old-dir': { type: 'string', default: path.join(os.tmpdir(), `passage-${OLD_COMMIT}`) },
    'skip-indexing': { type: 'boolean', default: false },
    render: { type: 'string' },
    note: { type: 'string' },
  },
});

const quick = values.quick;
const only = values.only as 'new' | 'old' | undefined;
if (only !== undefined && only !== 'new' && only !== 'old') throw new Error('--only must be new or old');
const port = Number(values.port);
const queryCount = Number(values.queries);
if (!Number.isInteger(queryCount) || queryCount < 1 || queryCount >= QUERIES.length) throw new Error(`--queries must be 1…${QUERIES.length - 1}`);
const sizes = values.sizes ? values.sizes.split(',').map(parseSize) : quick ? [10_000, 100_000] : ALL_SIZES;
const write = values['no-write'] ? false : (values.write ?? !quick);
const log = (line: string) => console.log(line);
const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();

// The new build reads v2 files once its importer knows them; until then v1 (up to V1_MAX).
const readsV2 = (() => {
  if (values['new-format']) return values['new-format'] === 'v2';
  const storeDir = path.join(REPO_ROOT, 'src', 'store');
  return readdirSync(storeDir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .some((f) => readFileSync(path.join(storeDir, f), 'utf8').includes('formatVersion'));
})();

const reuse: ScaleResults | null = values['reuse-baseline'] ? (JSON.parse(readFileSync(values['reuse-baseline'], 'utf8')) as ScaleResults) : null;
const measureNew = only !== 'old';
const measureOld = only !== 'new' && !reuse;

function writeDoc(results: ScaleResults): void {
  const resultsCopy = path.join(REPO_ROOT, 'bench', 'results', 'scale-latest.json');
  mkdirSync(path.dirname(resultsCopy), { recursive: true });
  writeFileSync(resultsCopy, JSON.stringify(results, null, 2));
  const docFile = path.join(REPO_ROOT, 'docs', 'BENCHMARKS.md');
  writeFileSync(path.join(REPO_ROOT, 'docs', 'scale.svg'), renderChart(results));
  writeFileSync(docFile, replaceSection(readFileSync(docFile, 'utf8'), renderSection(results, './results/scale-latest.json')));
  log('wrote docs/BENCHMARKS.md (section "Scale"), docs/scale.svg and bench/results/scale-latest.json');
}

if (values.render) {
  const saved = JSON.parse(readFileSync(values.render, 'utf8')) as ScaleResults;
  if (reuse) {
    // Old figures measured in this run stay; the baseline fills in the sizes this run did not measure.
    const measured = new Set(saved.runs.filter((r) => r.build === 'old').map((r) => r.size));
    const reused = reuse.runs.filter((r) => r.build === 'old' && !measured.has(r.size));
    saved.runs = [...saved.runs, ...reused].sort((a, b) => a.size - b.size || a.build.localeCompare(b.build));
    saved.skipped = saved.skipped.filter((x) => !(x.build === 'old' && reused.some((r) => r.size === x.size)));
    if (!saved.indexing.some((r) => r.build === 'old')) saved.indexing.push(...reuse.indexing.filter((r) => r.build === 'old'));
    saved.baseline = { file: values['reuse-baseline']!, measuredAt: reuse.date, sizes: reused.map((r) => r.size) };
    saved.skipped.push(...reuse.skipped.filter((x) => x.build === 'old' && !saved.runs.some((r) => r.build === 'old' && r.size === x.size)));
  }
  // Every size in the table gets a row per build, with the reason when it has no figures.
  const allSizes = new Set([...saved.runs.map((r) => r.size), ...saved.skipped.map((x) => x.size)]);
  for (const size of allSizes) {
    for (const build of ['new', 'old'] as const) {
      const known = [...saved.runs, ...saved.skipped, ...saved.failures].some((x) => x.build === build && x.size === size);
      if (!known) saved.skipped.push({ build, size, reason: saved.quick ? 'not part of this quick run' : 'not measured in this run' });
    }
  }
  if (values.note) saved.note = values.note;
  console.log(renderSection(saved, path.relative(path.join(REPO_ROOT, 'docs'), values.render)));
  if (values.write) writeDoc(saved);
  process.exit(0);
}

interface Plan {
  size: number;
  build: 'new' | 'old';
}
const plan: Plan[] = [];
const skipped: Skipped[] = [];
for (const size of sizes) {
  if (measureNew) {
    if (!readsV2 && size > V1_MAX) skipped.push({ build: 'new', size, reason: `this checkout imports only v1 files, and a v1 file of ${size.toLocaleString('en')} passages is longer than V8's maximum string length` });
    else plan.push({ size, build: 'new' });
  }
  // --quick measures the old build at its smallest size only.
  if (measureOld && !(quick && !values.sizes && size !== sizes[0])) {
    if (size > V1_MAX) skipped.push({ build: 'old', size, reason: `${OLD_COMMIT} reads the file with blob.text() + JSON.parse: a v1 file of ${size.toLocaleString('en')} passages (~${Math.round((size * 1.27e3) / 1e6)} MB) is longer than V8's maximum string length (~512 MB); it reads no other format` });
    else plan.push({ size, build: 'old' });
  }
}

function prepareOldBuild(dir: string): void {
  if (existsSync(path.join(dir, 'dist', 'index.html'))) return;
  log(`building ${OLD_COMMIT} in ${dir} (git archive; node_modules and models symlinked to this checkout's)`);
  mkdirSync(dir, { recursive: true });
  execSync(`git archive ${OLD_COMMIT} | tar -x -C ${JSON.stringify(dir)}`, { cwd: REPO_ROOT, stdio: 'inherit' });
  const link = (from: string, to: string) => {
    if (!lstatExists(to)) symlinkSync(realpathSync(from), to);
  };
  link(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  for (const entry of readdirSync(path.join(REPO_ROOT, 'models'), { withFileTypes: true })) {
    const target = path.join(dir, 'models', entry.name);
    if (entry.isDirectory() || entry.isSymbolicLink()) link(path.join(REPO_ROOT, 'models', entry.name), target);
  }
  execSync('npx vite build', { cwd: dir, stdio: 'inherit' });
}

function lstatExists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

const started = performance.now();
const loadStart = os.loadavg()[0]!;
const jsonFile = values.json ?? path.join(SCALE_CACHE_DIR, `results-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
// Only changes to what the build is made of count (editing the benchmark itself does not change the app).
const appPaths = ['src', 'public', 'index.html', 'vite.config.ts', 'models', 'package.json', 'package-lock.json'];
const newCommit = `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no', '--', ...appPaths) ? ' + uncommitted changes' : ''}`;
const oldCommit = git('rev-parse', '--short', OLD_COMMIT);
const pkg = (name: string) => (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

const results: ScaleResults = {
  date: new Date().toISOString(),
  machine: {
    nproc: os.cpus().length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    cpu: os.cpus()[0]?.model ?? '?',
    loadAverage: { start: loadStart, end: NaN },
  },
  versions: {
    chromium: chromiumVersion(),
    node: process.version,
    playwright: pkg('@playwright/test'),
    vite: pkg('vite'),
    transformers: pkg('@huggingface/transformers'),
  },
  commits: { new: newCommit, old: oldCommit },
  newFormat: readsV2 ? 'v2' : 'v1',
  runs: [],
  indexing: [],
  skipped,
  failures: [],
  baseline: reuse ? { file: values['reuse-baseline']!, measuredAt: reuse.date, sizes: reuse.runs.filter((r) => r.build === 'old').map((r) => r.size) } : null,
  quick,
  ...(values.note ? { note: values.note } : {}),
};
if (reuse) {
  results.runs.push(...reuse.runs.filter((r) => r.build === 'old' && sizes.includes(r.size)));
  results.indexing.push(...reuse.indexing.filter((r) => r.build === 'old'));
  results.skipped.push(...reuse.skipped.filter((s) => s.build === 'old' && sizes.includes(s.size)));
}
const save = () => {
  mkdirSync(path.dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, JSON.stringify(results, null, 2));
};

log(`${results.machine.nproc} cores, ${results.machine.cpu}, ${results.machine.memoryGB} GB; load ${loadStart.toFixed(1)}; ${results.versions.chromium}`);
log(`new = ${newCommit} (imports ${results.newFormat}), old = ${oldCommit}${reuse ? ` (reused from ${values['reuse-baseline']}, measured ${reuse.date})` : ''}`);
log(`plan: ${plan.map((p) => `${p.build} ${p.size.toLocaleString('en')}`).join(', ') || 'nothing'}${skipped.length ? `; not measured: ${skipped.map((s) => `${s.build} ${s.size}`).join(', ')}` : ''}`);

// 1. Builds and servers.
if (measureNew && !values['no-build']) {
  log('building this checkout (npx vite build)');
  execSync('npx vite build', { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
}
if (measureOld) prepareOldBuild(values['old-dir']);
const origins = { new: `http://localhost:${port}`, old: `http://localhost:${port + 1}` };
const servers = [
  ...(measureNew ? [await startPreview(REPO_ROOT, port)] : []),
  ...(measureOld ? [await startPreview(values['old-dir'], port + 1)] : []),
];

try {
  // 2. Indexing speed, both builds back to back on the same two addresses.
  if (!values['skip-indexing']) {
    const fixtureDir = path.join(SCALE_CACHE_DIR, 'indexing');
    const files = INDEXING_FILES.map((name) => copyAs(path.join(SOTU_DATA_DIR, name), path.join(fixtureDir, name)));
    for (const build of ['new', 'old'] as const) {
      if (build === 'new' ? !measureNew : !measureOld) continue;
      try {
        const run = await measureIndexing(build, build === 'new' ? newCommit : oldCommit, origins[build], files);
        results.indexing.push(run);
        log(`indexing ${build}: ${run.passages} passages in ${(run.ms / 1000).toFixed(1)} s = ${run.passagesPerSecond.toFixed(1)}/s`);
      } catch (error) {
        results.failures.push({ build, size: 0, error: String(error) });
        log(`indexing ${build} failed: ${String(error)}`);
      }
      save();
    }
  }

  // 3. Each size: new, then old.
  for (const { size, build } of plan) {
    const format = build === 'new' && readsV2 ? 'v2' : 'v1';
    const info = await cachedLibraryFiles(size, [format], { log });
    const cached = info.files[format]!.path;
    const file = copyAs(cached, path.join(SCALE_CACHE_DIR, 'upload', `passage-library-scale-${size}.${format === 'v1' ? 'json' : 'passage'}`));
    try {
      const run: ScaleRun = await measureScale({
        build,
        commit: build === 'new' ? newCommit : oldCommit,
        origin: origins[build],
        size,
        file,
        fileFormat: format,
        passages: info.passages,
        documents: info.documents,
        queries: QUERIES.slice(0, queryCount + 1),
        log,
      });
      results.runs.push(run);
    } catch (error) {
      results.failures.push({ build, size, error: String(error) });
      log(`  ${build} ${size} failed: ${String(error)}`);
    }
    save();
  }
} finally {
  for (const server of servers) stopPreview(server);
}

results.machine.loadAverage.end = os.loadavg()[0]!;
save();
log(`\nraw results: ${path.relative(REPO_ROOT, jsonFile)}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
const section = renderSection(results, path.relative(path.join(REPO_ROOT, 'docs'), jsonFile));
console.log(`\n${section}`);
if (write) writeDoc(results);
