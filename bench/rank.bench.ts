/**
 * Ranking latency over N passages (default 25,000): the int8 VectorIndex search (integer pass + re-score)
 * against a float brute force over the same vectors, plus the hybrid searchPassages path (int8 + BM25 + fusion).
 * Uses the eval's cached real embeddings when present (repeated to reach N), else random unit vectors.
 * Usage: npx tsx bench/rank.bench.ts [--rows 25000] [--queries 50]
 */
import { parseArgs } from 'node:util';
import { searchPassages } from '../src/core/rank.ts';
import { SearchIndex } from '../src/core/search-index.ts';
import { TopK } from '../src/core/top-k.ts';
import { VectorIndex } from '../src/core/vector-index.ts';
import { quantize } from '../src/core/quantize.ts';
import { randomUnitVector, seededRandom } from '../src/core/random.test-support.ts';
import { readCachedVectors } from './cached-vectors.ts';
import { readModelSpec } from './node-engine.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '25000' }, queries: { type: 'string', default: '50' } } });
const rowCount = Number(values.rows);
const queryCount = Number(values.queries);
const spec = readModelSpec();
const dims = spec.dimensions;
const random = seededRandom(2024);

const cached = (await readCachedVectors(spec)) ?? [];
const source = cached.length > 0 ? `${cached.length} cached MiniLM passage vectors, repeated` : 'random unit vectors';
const rows = Array.from({ length: rowCount }, (_, i) => cached[i % cached.length] ?? randomUnitVector(random, dims));
const flat = new Float32Array(rowCount * dims);
rows.forEach((row, i) => flat.set(row, i * dims));

const vectorIndex = new VectorIndex(dims, rowCount);
const searchIndex = new SearchIndex<number>(dims, { initialCapacity: rowCount });
const words = ['treaty', 'tariff', 'revenue', 'army', 'navy', 'poverty', 'freedom', 'Congress', 'China', 'debt'];
rows.forEach((row, i) => {
  const { q, scale } = quantize(row);
  vectorIndex.add(q, scale);
  searchIndex.add(i, `${words[i % words.length]} ${words[(i * 7) % words.length]} passage ${i}`, q, scale);
});
// Queries: perturbed stored vectors, like a question close to some passage.
const queries = Array.from({ length: queryCount }, () => {
  const base = rows[Math.floor(random() * rowCount)]!;
  const noise = randomUnitVector(random, dims);
  const q = base.map((x, d) => x + 0.6 * noise[d]!);
  const norm = Math.hypot(...q);
  return q.map((x) => x / norm);
});

function floatBruteForce(query: Float32Array, k: number): void {
  const top = new TopK(k);
  for (let row = 0, offset = 0; row < rowCount; row++, offset += dims) {
    let dot = 0;
    for (let d = 0; d < dims; d++) dot += flat[offset + d]! * query[d]!;
    if (dot > top.threshold) top.push(row, dot);
  }
  top.sorted();
}

function medianMs(run: (query: Float32Array) => void): number {
  for (const q of queries.slice(0, 5)) run(q); // warm-up (JIT)
  const times = queries.map((q) => {
    const start = performance.now();
    run(q);
    return performance.now() - start;
  });
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const int8 = medianMs((q) => vectorIndex.search(q, 10));
const float = medianMs((q) => floatBruteForce(q, 10));
const hybrid = medianMs((q) => searchPassages(searchIndex, q, 'treaty revenue debt', { k: 10 }));
console.log(`rows=${rowCount} dims=${dims} queries=${queryCount} (${source})`);
console.log(`median ms: int8 search (k=10, re-score top 50) ${int8.toFixed(2)} | float brute force ${float.toFixed(2)} | hybrid searchPassages ${hybrid.toFixed(2)}`);
console.log(`memory: int8 ${(rowCount * (dims + 4)) / 1e6} MB vs float ${(rowCount * dims * 4) / 1e6} MB`);
