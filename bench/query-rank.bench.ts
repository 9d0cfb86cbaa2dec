/**
 * Where a query's ranking time goes at scale, in Node, on the bench:scale library files (real SOTU passages,
 * realistic int8 vectors) and the real query embeddings of bench:scale's questions: the library worker's
 * `searchPassages` call (hybrid, titles, as the app ranks) split into its parts, and the app's ranking against
 * the reference (exact float scores over the same candidates) for recall.
 *
 *   npx tsx bench/query-rank.bench.ts [--size 100000] [--repeats 5]
 *
 * Needs .cache/scale/sotu-<size>-*.passage (npm run bench:scale builds them).
 */
import { createReadStream, readdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { searchPassages } from '../src/core/rank.ts';
import { calibrateHits } from '../src/core/relevance.ts';
import { SearchIndex } from '../src/core/search-index.ts';
import { TitleIndex } from '../src/core/title-index.ts';
import { scanSigns, signStride, signTables } from '../src/core/sign-codes.ts';
import { createPoolScratch, signPool } from '../src/core/sign-pool.ts';
import { TopK } from '../src/core/top-k.ts';
import { loadNodeEngine, readModelSpec, REPO_ROOT } from './node-engine.ts';
import { SCALE_QUERIES } from './scale/queries.ts';

const { values } = parseArgs({ options: { size: { type: 'string', default: '100000' }, repeats: { type: 'string', default: '5' } } });
const size = Number(values.size);
const repeats = Number(values.repeats);
const dir = path.join(REPO_ROOT, '.cache', 'scale');
const file = readdirSync(dir).find((f) => f.startsWith(`sotu-${size}-`) && f.endsWith('.passage'));
if (!file) throw new Error(`no library file of ${size} passages in ${dir}`);

const QUERIES = SCALE_QUERIES;

const spec = readModelSpec();
const dims = spec.dimensions;
const docIdOf = (id: string) => id.slice(0, id.lastIndexOf(':'));
const index = new SearchIndex<string>(dims, { groupOf: docIdOf });
const titles = new TitleIndex<string>();
const loadStart = performance.now();
{
  let doc: { id: string; text: string } | null = null;
  for await (const line of createInterface({ input: createReadStream(path.join(dir, file)), crlfDelay: Infinity })) {
    if (line.startsWith('{"document"')) {
      const d = (JSON.parse(line) as { document: { id: string; text: string; title: string } }).document;
      doc = d;
      titles.set(d.id, d.title);
    } else if (line.startsWith('{"p"')) {
      const [ordinal, start, end, , , scale, codes] = (JSON.parse(line) as { p: [number, number, number, number, string, number | null, string | null] }).p;
      if (scale === null || codes === null || !doc) continue;
      const q = new Int8Array(Buffer.from(codes, 'base64'));
      index.add(`${doc.id}:${ordinal}`, doc.text.slice(start, end), q, scale);
    }
  }
}
console.log(`${file}: ${index.size} passages, ${titles.size} documents, loaded in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

const engine = await loadNodeEngine(spec);
const vectors = await Promise.all(QUERIES.map(async (q) => engine.embed([q], 'query')));
await engine.dispose();

const titleField = { index: titles, documentOf: docIdOf };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function time(label: string, run: (i: number) => unknown): number {
  const all: number[] = [];
  for (let r = 0; r < repeats; r++) {
    QUERIES.forEach((_, i) => {
      const t = performance.now();
      run(i);
      all.push(performance.now() - t);
    });
  }
  const m = median(all);
  console.log(`${label.padEnd(44)} p50 ${m.toFixed(2)} ms`);
  return m;
}

const k = 15; // the library service asks k + SPARE_HITS
time('searchPassages hybrid + titles (the app)', (i) => {
  const hits = searchPassages(index, vectors[i]!, QUERIES[i]!, { k, mode: 'hybrid', titles: titleField });
  calibrateHits(index.lexical, QUERIES[i]!, hits);
});
time('  dense: vectors.search(q, 50)', (i) => index.vectors.search(vectors[i]!, 50));
time('  BM25: lexical.scores(query)', (i) => index.lexical.scores(QUERIES[i]!));
time('  titles: titleIndex.scores(query)', (i) => titles.scores(QUERIES[i]!));
time('  calibrate: queryCeiling', (i) => index.lexical.queryCeiling(QUERIES[i]!));
time('dense only (searchPassages mode dense)', (i) => searchPassages(index, vectors[i]!, QUERIES[i]!, { k, mode: 'dense' }));
time('exact float scan (reference)', (i) => index.vectors.searchExact(vectors[i]!, k));

// The coarse pass alone, before (a TopK heap over scanSigns, then its sorted hits) and now (sign-pool.ts),
// interleaved query by query so machine load hits both alike.
{
  const inner = index.vectors as unknown as { _signs: Uint8Array; _alive: Uint8Array; _rows: number };
  const stride = signStride(dims);
  const scratch = createPoolScratch();
  const heap: number[] = [];
  const hist: number[] = [];
  for (let r = 0; r < repeats; r++) {
    vectors.forEach((v) => {
      const tables = signTables(v, stride);
      let t = performance.now();
      const top = new TopK(2000);
      scanSigns(inner._signs, stride, inner._alive, inner._rows, tables, top);
      const before = top.sorted();
      heap.push(performance.now() - t);
      t = performance.now();
      const now = signPool(inner._signs, stride, inner._alive, inner._rows, tables, 2000, scratch);
      hist.push(performance.now() - t);
      const expected = before.map((h) => h.row).sort((a, b) => a - b);
      if (expected.join() !== [...now].join()) throw new Error('signPool kept other rows than the heap');
    });
  }
  console.log(`coarse pass, pool 2000 (same rows every query): heap over scanSigns p50 ${median(heap).toFixed(2)} ms, signPool p50 ${median(hist).toFixed(2)} ms (×${(median(heap) / median(hist)).toFixed(2)})`);
}
