/** The "Scale" section of docs/BENCHMARKS.md and its chart (docs/scale.svg), from the raw results of bench/scale.ts. */
import type { IndexingRun, LongTasks, ScaleRun } from './browser.ts';
import { QUERY_PARTS } from './browser.ts';

export interface Skipped {
  build: 'new' | 'old';
  size: number;
  reason: string;
}

export interface ScaleResults {
  date: string;
  machine: { nproc: number; memoryGB: number; cpu: string; loadAverage: { start: number; end: number } };
  versions: { chromium: string; node: string; playwright: string; vite: string; transformers: string };
  commits: { new: string; old: string };
  /** The library file format fed to the new build. */
  newFormat: 'v1' | 'v2';
  runs: ScaleRun[];
  indexing: IndexingRun[];
  skipped: Skipped[];
  failures: { build: 'new' | 'old'; size: number; error: string }[];
  /** Set when the old build's figures were reused from an earlier run. */
  baseline: { file: string; measuredAt: string; sizes: number[] } | null;
  quick: boolean;
  /** A paragraph printed under the run line (e.g. what the two builds have in common). */
  note?: string;
}

const SECTION = '## Scale';

const s = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(1)} s`);
const ms = (value: number) => (value >= 1000 ? s(value) : `${value.toFixed(0)} ms`);
const mb = (value: number) => `${value.toFixed(0)} MB`;
const count = (n: number) => n.toLocaleString('en');
const tasks = (t: LongTasks) => (t.count === 0 ? '0' : `${t.count}, max ${t.maxMs.toFixed(0)} ms`);
const ratio = (old: number | undefined, now: number | undefined) =>
  old !== undefined && now !== undefined && now > 0 ? `${(old / now).toFixed(1)}×` : '–';

function runCells(r: ScaleRun): string[] {
  const parts = QUERY_PARTS.map((p) => (r.queryParts[p] ? ms(r.queryParts[p].p50) : '–')).join(' / ');
  const idb = r.idbBytes ?? r.idbDiskBytes;
  return [
    s(r.importMs),
    `${s(r.reloadModelReadyMs)} / **${s(r.reloadFirstAnswerMs)}**`,
    `**${ms(r.query.p50)}** / ${ms(r.query.p95)}`,
    parts,
    `${tasks(r.importLongTasks)} · ${tasks(r.reloadLongTasks)} · ${tasks(r.queryLongTasks)}`,
    `${mb(r.heapMB)} / ${mb(r.rendererMB)} (peak ${mb(Math.max(r.importRssPeakMB, r.reloadRssPeakMB, r.queryRssPeakMB))})`,
    mb(((idb / r.passages) * 100_000) / 1e6),
  ];
}

export function renderSection(results: ScaleResults, rawLink: string): string {
  const sizes = [...new Set([...results.runs.map((r) => r.size), ...results.skipped.map((x) => x.size), ...results.failures.filter((f) => f.size > 0).map((f) => f.size)])].sort((a, b) => a - b);
  const find = (build: 'new' | 'old', size: number) => results.runs.find((r) => r.build === build && r.size === size);
  const date = results.date.slice(0, 10);
  const lines: string[] = [];
  lines.push(SECTION, '');
  lines.push(
    '`npm run bench:scale` (`bench/scale.ts`, `bench/scale/`) builds library files of State of the Union text',
    '(`bench/scale/library-file.ts`: paragraphs of ~450 characters, split by the app\'s splitter and tokenizer; all 233',
    'addresses give 18,952 passages, beyond that abridged versions with every p-th sentence dropped, so texts stay',
    'distinct; real MiniLM vectors of 1,000 of the passages, each passage taking its own or a pool vector plus gaussian',
    'noise σ = 0.015, renormalised and int8-quantised as the app does), imports each through Settings → Import library in',
    'headless Chromium (production build, `vite preview` with COOP/COEP, a fresh persistent profile per run), and measures',
    `this checkout ("new") and commit ${results.commits.old} ("old": main before the scale work) in the same run.`,
    '`-- --quick` measures 10k on both builds and 100k on the new one and writes nothing unless `--write`; see the',
    'header of `bench/scale.ts` for `--sizes`, `--only`, `--port`, `--reuse-baseline`.',
    '',
    'What the figures are (all timed inside the page with `performance.now()`):',
    '- **import**: the Settings file input\'s `change` → the notice "Imported … documents".',
    '- **reload → model ready / first answer**: navigation start of a reload → `data-model="ready"` on `<passage-shell>`',
    '  / → results shown for a question typed and entered as soon as the model is ready.',
    `- **query p50 / p95**: Enter → the results list shows hits for that question and is not busy, over the next`,
    '  questions (nearest-rank p95: with 10 questions, the slowest). **embed / rank / read / highlight** are the medians of the',
    '  page\'s `performance.measure` entries `passage:query:embed|rank|read|highlight` ("–" where the build emits none).',
    '- **long tasks**: main-thread tasks over 50 ms (`PerformanceObserver` "longtask"): count and longest, during import ·',
    '  reload until the first answer · the queries.',
    '- **JS heap / renderer**: main-thread heap after a forced GC (CDP `Runtime.getHeapUsage`; workers not included) / RSS',
    '  of the largest renderer process (from /proc; it holds the page and its workers) at the end, and its peak over the run.',
    '- **IndexedDB / 100k**: `navigator.storage.estimate().usageDetails.indexedDB` at the end, per 100,000 passages.',
    '',
  );
  const m = results.machine;
  const when = results.baseline
    ? `measured ${date}; old figures at ${results.baseline.sizes.map(count).join(', ') || 'no size'} passages reused from \`${results.baseline.file}\`, measured ${results.baseline.measuredAt.slice(0, 16).replace('T', ' ')} UTC on this machine`
    : `measured ${date}, both builds in the same run`;
  lines.push(
    `**${results.quick ? 'Quick run' : 'Run'}, ${when}.** ${m.nproc} cores (${m.cpu}), ${m.memoryGB} GB; load average ${m.loadAverage.start.toFixed(1)} at the start, ` +
      `${Number.isFinite(m.loadAverage.end) ? m.loadAverage.end.toFixed(1) : '?'} at the end (the machine is shared: read the growth with N and the ratios, not the milliseconds). ` +
      `${/Chromium [\d.]+/.exec(results.versions.chromium)?.[0] ?? results.versions.chromium} headless, Node ${results.versions.node}, Playwright ${results.versions.playwright}, Vite ${results.versions.vite}, ` +
      `@huggingface/transformers ${results.versions.transformers}. new = \`${results.commits.new}\` (fed ${results.newFormat} library files), old = \`${results.commits.old}\` (v1). ` +
      `Raw results: [${rawLink.split('/').pop()}](${rawLink}).`,
    '',
    ...(results.note ? [results.note, ''] : []),
  );
  lines.push(
    '| passages | build | import | reload → model ready / **first answer** | query **p50** / p95 | embed / rank / read / highlight (p50) | long tasks: import · reload · queries | JS heap / renderer (peak) | IndexedDB / 100k |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const size of sizes) {
    for (const build of ['new', 'old'] as const) {
      const run = find(build, size);
      const skip = results.skipped.find((x) => x.build === build && x.size === size);
      const failure = results.failures.find((f) => f.build === build && f.size === size);
      // A run's own commit: results combined from runs of different commits (--render) say which is which.
      const label = `${build} (${run?.commit ?? (build === 'new' ? results.commits.new : results.commits.old)})`;
      if (run) lines.push(`| ${count(run.passages)} | ${label} | ${runCells(run).join(' | ')} |`);
      else if (skip) lines.push(`| ${count(size)} | ${label} | – | – | – | – | – | – | – |`);
      else if (failure) lines.push(`| ${count(size)} | ${label} | failed (see below) | – | – | – | – | – | – |`);
    }
  }
  lines.push('');
  const notes = [
    ...results.skipped.map((x) => `- ${x.build} at ${count(x.size)}: not measured: ${x.reason}.`),
    ...results.failures.map((f) => `- ${f.build}${f.size ? ` at ${count(f.size)}` : ' (indexing)'}: failed: ${f.error.split('\n')[0]}`),
    ...results.runs.filter((r) => r.errors.length).map((r) => `- ${r.build} at ${count(r.passages)}: page errors: ${r.errors.slice(0, 3).join('; ')}`),
  ];
  if (notes.length) lines.push(...notes, '');

  const paired = sizes.filter((size) => find('new', size) && find('old', size));
  if (paired.length) {
    lines.push('Old ÷ new (above 1× the new build is faster):', '', '| passages | import | reload → first answer | query p50 | renderer at the end | IndexedDB |', '|---|---|---|---|---|---|');
    for (const size of paired) {
      const n = find('new', size)!;
      const o = find('old', size)!;
      lines.push(
        `| ${count(n.passages)} | ${ratio(o.importMs, n.importMs)} | ${ratio(o.reloadFirstAnswerMs, n.reloadFirstAnswerMs)} | ${ratio(o.query.p50, n.query.p50)} | ` +
          `${ratio(o.rendererMB, n.rendererMB)} | ${ratio(o.idbBytes ?? o.idbDiskBytes, n.idbBytes ?? n.idbDiskBytes)} |`,
      );
    }
    lines.push('');
  }
  if (results.indexing.length) {
    lines.push(
      'Indexing (an empty library; two addresses added through the import panel, file input `change` → every passage embedded):',
      '',
      '| build | passages | time | passages/s | long tasks |',
      '|---|---|---|---|---|',
    );
    for (const run of results.indexing) {
      lines.push(`| ${run.build} (${run.commit}) | ${run.passages} | ${s(run.ms)} | ${run.passagesPerSecond.toFixed(1)} | ${tasks(run.longTasks)} |`);
    }
    const n = results.indexing.find((r) => r.build === 'new');
    const o = results.indexing.find((r) => r.build === 'old');
    if (n && o) lines.push('', `New ÷ old indexing speed: ${(n.passagesPerSecond / o.passagesPerSecond).toFixed(2)}× (${INDEXING_NOTE}).`);
    lines.push('');
  }
  lines.push('![Reload → first answer and query p50 against library size, old and new, log–log](scale.svg)', '');
  return lines.join('\n');
}

const INDEXING_NOTE = 'one run each: the machine is shared, repeat before quoting';

/** Replaces the "## Scale" section (up to the next "## " heading) or appends it. */
export function replaceSection(doc: string, section: string): string {
  const start = doc.search(/^## Scale$/m);
  if (start < 0) return `${doc.trimEnd()}\n\n${section.trimEnd()}\n`;
  const next = doc.slice(start + SECTION.length).search(/^## /m);
  const end = next < 0 ? doc.length : start + SECTION.length + next;
  return `${doc.slice(0, start)}${section.trimEnd()}\n${next < 0 ? '' : `\n${doc.slice(end)}`}`;
}

/** Log–log chart: reload → first answer and query p50 against passages, old dashed, new solid. */
export function renderChart(results: ScaleResults): string {
  const W = 640;
  const H = 400;
  const left = 70;
  const right = 150;
  const top = 30;
  const bottom = 50;
  const xMin = Math.log10(5_000);
  const xMax = Math.log10(2_000_000);
  const values = results.runs.flatMap((r) => [r.reloadFirstAnswerMs, r.query.p50]).filter((v) => v > 0);
  const yMin = Math.floor(Math.log10(Math.min(10, ...values)));
  const yMax = Math.ceil(Math.log10(Math.max(1000, ...values)));
  const x = (n: number) => left + ((Math.log10(n) - xMin) / (xMax - xMin)) * (W - left - right);
  const y = (v: number) => top + (1 - (Math.log10(v) - yMin) / (yMax - yMin)) * (H - top - bottom);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${left}" y="18" font-size="13" font-weight="bold">Passage at scale (${results.date.slice(0, 10)}): cost against library size</text>`);
  for (let e = yMin; e <= yMax; e++) {
    const v = 10 ** e;
    const label = v >= 1000 ? `${v / 1000} s` : `${v} ms`;
    out.push(`<line x1="${left}" x2="${W - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${label}</text>`);
  }
  for (const n of [10_000, 100_000, 300_000, 1_000_000]) {
    out.push(`<line x1="${x(n).toFixed(1)}" x2="${x(n).toFixed(1)}" y1="${top}" y2="${H - bottom}" stroke="#eee"/>`);
    out.push(`<text x="${x(n).toFixed(1)}" y="${H - bottom + 16}" text-anchor="middle">${n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`}</text>`);
  }
  out.push(`<text x="${((left + W - right) / 2).toFixed(0)}" y="${H - 12}" text-anchor="middle">passages (log scale)</text>`);
  const series = [
    { build: 'old', metric: 'reload', colour: '#c2410c', dash: '6 4', label: 'old: reload → first answer' },
    { build: 'new', metric: 'reload', colour: '#c2410c', dash: '', label: 'new: reload → first answer' },
    { build: 'old', metric: 'query', colour: '#1d4ed8', dash: '6 4', label: 'old: query p50' },
    { build: 'new', metric: 'query', colour: '#1d4ed8', dash: '', label: 'new: query p50' },
  ] as const;
  series.forEach((line, i) => {
    const points = results.runs
      .filter((r) => r.build === line.build)
      .sort((a, b) => a.passages - b.passages)
      .map((r) => [x(r.passages), y(line.metric === 'reload' ? r.reloadFirstAnswerMs : r.query.p50)] as const);
    if (points.length > 1) {
      out.push(`<polyline fill="none" stroke="${line.colour}" stroke-width="2"${line.dash ? ` stroke-dasharray="${line.dash}"` : ''} points="${points.map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`).join(' ')}"/>`);
    }
    for (const [a, b] of points) {
      out.push(line.build === 'new'
        ? `<circle cx="${a.toFixed(1)}" cy="${b.toFixed(1)}" r="4" fill="${line.colour}"/>`
        : `<rect x="${(a - 4).toFixed(1)}" y="${(b - 4).toFixed(1)}" width="8" height="8" fill="white" stroke="${line.colour}" stroke-width="2"/>`);
    }
    const ly = top + 10 + i * 20;
    out.push(`<line x1="${W - right + 10}" x2="${W - right + 34}" y1="${ly}" y2="${ly}" stroke="${line.colour}" stroke-width="2"${line.dash ? ` stroke-dasharray="${line.dash}"` : ''}/>`);
    out.push(`<text x="${W - right + 38}" y="${ly + 4}" font-size="11">${line.label}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
