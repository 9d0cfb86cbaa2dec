/**
 * `npm run bench:peers`: Passage's ranking next to peers' retrieval methods on the same documents, the same eval
 * questions and the same passage vectors (the app's splitting + MiniLM q8 through the app's engine, via the eval's
 * modules and embedding cache). Peers run in-process: Orama (npm, full-text / vector / hybrid), MeMemo's HNSW
 * (npm, in memory) and a SemanticFinder-style baseline (fixed-size chunks, dense only; their chunking rule,
 * reimplemented, embedded with our engine). See docs/BENCHMARKS.md ("Peers, measured").
 *
 * Usage: npx tsx bench/peers.ts [--distractors sotu] [--docs <dir> …] [--queries <file.jsonl> …] [--k 10]
 *          [--sf-chars 100 …] [--rounds 3] [--no-mememo] [--only-passage]
 * Without --docs/--queries: the "combined" set (../shared/corpus + .cache/sotu-docs, both question files).
 * With --distractors sotu it also builds the big set (every SOTU address added) and reports quality, median query
 * latency, build time and index memory there. --only-passage runs Passage's own rows only (no peer is built).
 * "Passage hybrid" is the app's ranking (library-service.ts search): document titles as a word field and the
 * dense weight and the document prior by library size (it passes documentOf, as the app does).
 */
import { parseArgs } from 'node:util';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { create, insertMultiple, search, type Orama, type Vector } from '@orama/orama';
import { HNSW } from 'mememo';
import { DEFAULT_DENSE_WEIGHT, searchPassages, type SearchMode, type SearchOptions } from '../src/core/rank.ts';
import type { SearchIndex } from '../src/core/search-index.ts';
import type { PassageInput } from '../src/core/split.ts';
import { STOP_WORDS } from '../src/core/tokenize.ts';
import { VectorIndex } from '../src/core/vector-index.ts';
import { quantize } from '../src/core/quantize.ts';
import { openEmbeddingCache } from './cached-vectors.ts';
import { readDocumentDirs, sotuDistractors, type EvalDocument } from './documents.ts';
import { firstMatchRank, normaliseForMatch, summarise, type Summary } from './metrics.ts';
import { loadNodeEngine, modelIsBuilt, readModelSpec, REPO_ROOT } from './node-engine.ts';
import { buildSearchIndex, buildTitleIndex, embedPassages, splitDocuments, withoutContext, type EvalPassage } from './passage-index.ts';
import { EvalInputError, readQueries, type EvalQuery } from './queries.ts';
import type { Engine } from '../src/worker/engine.ts';
import type { EmbeddingCache } from './embedding-cache.ts';

const DEFAULT_DOCS = [path.resolve(REPO_ROOT, '..', 'shared', 'corpus'), path.join(REPO_ROOT, '.cache', 'sotu-docs')];
/** Every question set in bench/eval (145 questions). */
const DEFAULT_QUERIES = ['articles', 'articles-check', 'articles-natural', 'articles-paraphrased', 'articles-heldout', 'sotu'].map((set) =>
  path.join(REPO_ROOT, 'bench', 'eval', `${set}.jsonl`),
);
/** SemanticFinder's default chunking: "Split by # Chars", 100 (its index.html, do-me/SemanticFinder). */
const SEMANTICFINDER_DEFAULT_CHARS = 100;

interface PeerArgs {
  docs: string[];
  queries: string[];
  distractors: boolean;
  k: number;
  sfChars: number[];
  rounds: number;
  mememo: boolean;
  onlyPassage: boolean;
}

function parsePeerArgs(argv: readonly string[]): PeerArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      docs: { type: 'string', multiple: true },
      queries: { type: 'string', multiple: true },
      distractors: { type: 'string', default: 'none' },
      k: { type: 'string', default: '10' },
      'sf-chars': { type: 'string', multiple: true },
      rounds: { type: 'string', default: '3' },
      'no-mememo': { type: 'boolean', default: false },
      'only-passage': { type: 'boolean', default: false },
    },
  });
  if (values.distractors !== 'none' && values.distractors !== 'sotu') throw new EvalInputError('--distractors must be sotu (or none)');
  const positive = (name: string, value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new EvalInputError(`${name} must be a positive integer, got "${value}"`);
    return n;
  };
  return {
    docs: values.docs ?? DEFAULT_DOCS,
    queries: values.queries ?? DEFAULT_QUERIES,
    distractors: values.distractors === 'sotu',
    k: positive('--k', values.k),
    sfChars: (values['sf-chars'] ?? [String(SEMANTICFINDER_DEFAULT_CHARS), '500']).map((v) => positive('--sf-chars', v)),
    rounds: positive('--rounds', values.rounds),
    mememo: !values['no-mememo'],
    onlyPassage: values['only-passage'],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Measurement helpers

/** `global.gc`, exposed at run time when node was not started with --expose-gc. */
function forcedGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const gc = forcedGc();

interface Built<T> {
  value: T;
  ms: number;
  /** process.memoryUsage() deltas after a forced full GC: V8 heap, and ArrayBuffer backing stores (typed arrays). */
  heapBytes: number;
  arrayBufferBytes: number;
}

type BuildStats = Omit<Built<unknown>, 'value'>;

/** measureBuild for an index that is only measured: it is garbage once this returns. */
async function measureOnly(build: () => unknown): Promise<BuildStats> {
  const { value: _value, ...stats } = await measureBuild(build);
  return stats;
}

async function measureBuild<T>(build: () => T | Promise<T>): Promise<Built<T>> {
  gc();
  gc();
  const before = process.memoryUsage();
  const start = performance.now();
  const value = await build();
  const ms = performance.now() - start;
  gc();
  gc();
  const after = process.memoryUsage();
  return { value, ms, heapBytes: after.heapUsed - before.heapUsed, arrayBufferBytes: after.arrayBuffers - before.arrayBuffers };
}

/** One retrieval method: the ids of its top k passages for query number `i`. */
interface Method {
  name: string;
  passages: ReadonlyMap<string, EvalPassage>;
  search: (i: number) => string[] | Promise<string[]>;
}

interface MethodResult {
  name: string;
  summary: Summary;
  /** Questions whose expected text occurs whole in at least one passage of the method's passage set. */
  matchable: number;
  medianMs: number;
  passages: number;
}

async function runMethod(method: Method, queries: readonly EvalQuery[], rounds: number): Promise<MethodResult> {
  const ranks: (number | null)[] = [];
  for (let i = 0; i < queries.length; i++) {
    const ids = await method.search(i); // also the warm-up round
    ranks.push(firstMatchRank(ids.map((id) => method.passages.get(id)!), queries[i]!.expect, queries[i]!.doc));
  }
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < queries.length; i++) {
      const start = performance.now();
      await method.search(i);
      times.push(performance.now() - start);
    }
  }
  times.sort((a, b) => a - b);
  return {
    name: method.name,
    summary: summarise(ranks),
    matchable: matchableCount([...method.passages.values()], queries),
    medianMs: times[Math.floor(times.length / 2)] ?? NaN,
    passages: method.passages.size,
  };
}

function matchableCount(passages: readonly EvalPassage[], queries: readonly EvalQuery[]): number {
  const normalised = passages.map((p) => ({ doc: p.doc, text: normaliseForMatch(p.text) }));
  return queries.filter((q) => {
    const needles = q.expect.map(normaliseForMatch);
    return normalised.some((p) => (q.doc === null || p.doc === q.doc) && needles.some((n) => p.text.includes(n)));
  }).length;
}

// ---------------------------------------------------------------------------------------------------------------
// Peers

/**
 * SemanticFinder's "# Chars" chunking, reimplemented from its description: the text is cut at single spaces and
 * words are packed into a chunk while it stays within `maxChars` (a longer word starts its own chunk). Line breaks
 * are not boundaries. Whitespace-only chunks are dropped.
 */
export function chunkByChars(documents: readonly EvalDocument[], maxChars: number): EvalPassage[] {
  return documents.flatMap((doc) => {
    const chunks: string[] = [];
    for (const word of doc.text.split(' ')) {
      const last = chunks.length - 1;
      if (last < 0 || chunks[last]!.length + 1 + word.length > maxChars) chunks.push(word);
      else chunks[last] += ` ${word}`;
    }
    return chunks.filter((c) => c.trim() !== '').map((text, i) => ({ id: `${doc.name}~${i}`, doc: doc.name, text, context: '' }));
  });
}

type OramaSchema = Record<string, 'string' | Vector>;
type OramaDb = Orama<OramaSchema>;

/**
 * Orama with default settings, or `tuned`: its tokenizer given Passage's stop-word list and its own English stemmer
 * (by default it removes no stop words and does not stem). Vectors go in as plain arrays (its schema validation
 * requires arrays).
 */
async function buildOrama(
  passages: readonly EvalPassage[],
  vectors: Float32Array,
  dims: number,
  { withText = true, tuned = false }: { withText?: boolean; tuned?: boolean } = {},
): Promise<OramaDb> {
  const embedding = `vector[${dims}]` as Vector;
  const schema: OramaSchema = withText ? { text: 'string', embedding } : { embedding };
  const db = tuned ? create({ schema, components: { tokenizer: { stemming: true, stopWords: [...STOP_WORDS] } } }) : create({ schema });
  const docs = passages.map((p, i) => ({
    id: p.id,
    ...(withText ? { text: p.text } : {}),
    embedding: Array.from(vectors.subarray(i * dims, (i + 1) * dims)),
  }));
  await insertMultiple(db, docs);
  return db;
}

async function buildMememo(passages: readonly EvalPassage[], vectors: Float32Array, dims: number): Promise<HNSW> {
  // Defaults (cosine, m = 16, efConstruction = 100) except storage: in memory, as Node has no IndexedDB.
  const index = new HNSW({ useIndexedDB: false, seed: 20240 });
  await index.bulkInsert(
    passages.map((p) => p.id),
    passages.map((_, i) => Array.from(vectors.subarray(i * dims, (i + 1) * dims))),
  );
  return index;
}

interface PassageSet {
  passages: EvalPassage[];
  byId: Map<string, EvalPassage>;
  /** Each passage's text embedded alone: what the peers index. */
  vectors: Float32Array;
  /** Each passage read after its context (core/pooling.ts): what Passage indexes. */
  contextVectors: Float32Array;
}

async function embedSet(engine: Engine, cache: EmbeddingCache, passages: EvalPassage[], label: string): Promise<PassageSet> {
  const embed = async (inputs: readonly PassageInput[], what: string) => {
    const started = performance.now();
    const vectors = await embedPassages(engine, inputs, cache, ({ done, total, cached }) => {
      const rate = (done - cached) / ((performance.now() - started) / 1000);
      process.stderr.write(`\r${label}${what}: embedded ${done}/${total} (${cached} cached, ${rate.toFixed(0)}/s)   `);
    });
    process.stderr.write('\n');
    return vectors;
  };
  const vectors = await embed(withoutContext(passages), '');
  const withContext = passages.some((p) => p.context !== '');
  const contextVectors = withContext ? await embed(passages, ' in context') : vectors;
  return { passages, byId: new Map(passages.map((p) => [p.id, p])), vectors, contextVectors };
}

function passageMethod(
  name: string,
  set: PassageSet,
  index: SearchIndex<string>,
  mode: SearchMode,
  queryVector: (i: number) => Float32Array,
  queries: readonly EvalQuery[],
  k: number,
  options: SearchOptions<string, string> = {},
): Method {
  return {
    name,
    passages: set.byId,
    search: (i) => searchPassages(index, queryVector(i), queries[i]!.query, { k, mode, ...options }).map((h) => h.id),
  };
}

/** What library-service.ts passes to searchPassages besides the query: titles and each passage's document. */
function appRankingOptions(set: PassageSet, documents: readonly EvalDocument[]): SearchOptions<string, string> {
  const names = new Set(set.passages.map((p) => p.doc));
  const documentOf = (id: string) => set.byId.get(id)!.doc;
  return { titles: { index: buildTitleIndex(documents.filter((d) => names.has(d.name))), documentOf }, documentOf };
}

async function oramaIds(results: ReturnType<typeof search>): Promise<string[]> {
  return (await results).hits.map((h) => h.id);
}

function oramaMethods(set: PassageSet, db: OramaDb, tuned: OramaDb, queryVector: (i: number) => number[], queries: readonly EvalQuery[], k: number): Method[] {
  const ids = oramaIds;
  const vector = (i: number) => ({ value: queryVector(i), property: 'embedding' });
  return [
    { name: 'Orama full-text (default BM25)', passages: set.byId, search: (i) => ids(search(db, { term: queries[i]!.query, limit: k })) },
    {
      name: 'Orama vector, similarity 0.8 (default)',
      passages: set.byId,
      search: (i) => ids(search(db, { mode: 'vector', vector: vector(i), limit: k })),
    },
    {
      name: 'Orama vector, similarity 0',
      passages: set.byId,
      search: (i) => ids(search(db, { mode: 'vector', vector: vector(i), similarity: 0, limit: k })),
    },
    {
      name: 'Orama hybrid (default 0.5/0.5, similarity 0.8)',
      passages: set.byId,
      search: (i) => ids(search(db, { mode: 'hybrid', term: queries[i]!.query, vector: vector(i), limit: k })),
    },
    {
      name: 'Orama hybrid (default 0.5/0.5, similarity 0)',
      passages: set.byId,
      search: (i) => ids(search(db, { mode: 'hybrid', term: queries[i]!.query, vector: vector(i), similarity: 0, limit: k })),
    },
    {
      name: 'Orama full-text, tuned (stop words + its stemmer)',
      passages: set.byId,
      search: (i) => ids(search(tuned, { term: queries[i]!.query, limit: k })),
    },
    {
      name: 'Orama hybrid, tuned, similarity 0',
      passages: set.byId,
      search: (i) => ids(search(tuned, { mode: 'hybrid', term: queries[i]!.query, vector: vector(i), similarity: 0, limit: k })),
    },
  ];
}

function mememoMethod(set: PassageSet, index: HNSW, queryVector: (i: number) => number[], k: number): Method {
  return { name: 'MeMemo HNSW (defaults, in memory)', passages: set.byId, search: async (i) => (await index.query(queryVector(i), k)).keys };
}

// ---------------------------------------------------------------------------------------------------------------
// Output

function printTable(title: string, results: readonly MethodResult[], queries: number): void {
  console.log(`\n### ${title} (${queries} questions)\n`);
  console.log('| method | passages | answerable | hit@1 | hit@3 | hit@10 | MRR | median query ms |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const s = r.summary;
    console.log(`| ${r.name} | ${r.passages} | ${r.matchable} | ${s.hitAt1} | ${s.hitAt3} | ${s.hitAt10} | ${s.mrr.toFixed(2)} | ${r.medianMs.toFixed(2)} |`);
  }
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

function printBuilds(builds: readonly [string, BuildStats][]): void {
  console.log('\n### Index build time and memory (forced GC before and after; deltas of process.memoryUsage())\n');
  console.log('| index | build s | heapUsed Δ MB | arrayBuffers Δ MB | total MB |');
  console.log('|---|---|---|---|---|');
  for (const [name, b] of builds) {
    console.log(`| ${name} | ${(b.ms / 1000).toFixed(2)} | ${mb(b.heapBytes)} | ${mb(b.arrayBufferBytes)} | ${mb(b.heapBytes + b.arrayBufferBytes)} |`);
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main(argv: readonly string[]): Promise<void> {
  const args = parsePeerArgs(argv);
  const queries = args.queries.flatMap(readQueries);
  const documents = readDocumentDirs(args.docs);
  const spec = readModelSpec();
  if (!modelIsBuilt(spec)) throw new EvalInputError(`model ${spec.id} is not built yet: run \`npm run models\``);
  const dims = spec.dimensions;
  const engine = await loadNodeEngine(spec);
  try {
    const cache = await openEmbeddingCache(spec);
    const split = (docs: readonly EvalDocument[]) => splitDocuments(docs, (t) => engine.countTokens(t), { maxTokens: spec.maxTokens });
    const base = await embedSet(engine, cache, split(documents), 'passages');
    const queryVectors = await engine.embed(queries.map((q) => q.query), 'query');
    const queryVector = (i: number) => queryVectors.subarray(i * dims, (i + 1) * dims);
    const queryArrays = queries.map((_, i) => Array.from(queryVector(i)));
    const queryArray = (i: number) => queryArrays[i]!;
    console.log(`model ${spec.id} (${spec.dtype}), ${queries.length} questions, k=${args.k}, ${args.rounds} timed rounds, node ${process.version}`);

    const evaluate = async (set: PassageSet, docs: readonly EvalDocument[], withSemanticFinder: boolean): Promise<{ results: MethodResult[]; builds: [string, BuildStats][] }> => {
      const builds: [string, BuildStats][] = [];
      const ours = await measureBuild(() => buildSearchIndex(set.passages, set.contextVectors, dims));
      builds.push(['Passage SearchIndex (int8 vectors + BM25)', ours]);
      const vectorsOnly = await measureOnly(() => {
        const index = new VectorIndex(dims, set.passages.length);
        set.passages.forEach((_, i) => {
          const { q, scale } = quantize(set.contextVectors.subarray(i * dims, (i + 1) * dims));
          index.add(q, scale);
        });
        return index;
      });
      builds.push(['Passage VectorIndex alone (int8)', vectorsOnly]);
      const peers = !args.onlyPassage;
      const orama = peers ? await measureBuild(() => buildOrama(set.passages, set.vectors, dims)) : null;
      if (orama) builds.push(['Orama (text + vector[384])', orama]);
      const oramaTuned = orama ? await buildOrama(set.passages, set.vectors, dims, { tuned: true }) : null;
      if (orama) builds.push(['Orama vector[384] alone', await measureOnly(() => buildOrama(set.passages, set.vectors, dims, { withText: false }))]);
      const mememo = peers && args.mememo ? await measureBuild(() => buildMememo(set.passages, set.vectors, dims)) : null;
      if (mememo) builds.push(['MeMemo HNSW (in memory)', mememo]);

      const methods: Method[] = [
        passageMethod("Passage hybrid (the app's ranking)", set, ours.value, 'hybrid', queryVector, queries, args.k, appRankingOptions(set, docs)),
        passageMethod(`Passage hybrid before 2026-12-03 (w = ${DEFAULT_DENSE_WEIGHT}, no titles)`, set, ours.value, 'hybrid', queryVector, queries, args.k, {
          denseWeight: DEFAULT_DENSE_WEIGHT,
        }),
        passageMethod('Passage dense only (int8)', set, ours.value, 'dense', queryVector, queries, args.k),
        passageMethod('Passage BM25 only', set, ours.value, 'lexical', queryVector, queries, args.k),
        ...(orama && oramaTuned ? oramaMethods(set, orama.value, oramaTuned, queryArray, queries, args.k) : []),
        ...(mememo ? [mememoMethod(set, mememo.value, queryArray, args.k)] : []),
      ];
      if (withSemanticFinder && peers) {
        for (const chars of args.sfChars) {
          const chunks = await embedSet(engine, cache, chunkByChars(documents, chars), `SemanticFinder-style ${chars}-char chunks`);
          const index = buildSearchIndex(chunks.passages, chunks.contextVectors, dims);
          const label = chars === SEMANTICFINDER_DEFAULT_CHARS ? ' (its default)' : '';
          methods.push(passageMethod(`SemanticFinder-style: ${chars}-char chunks${label}, dense only`, chunks, index, 'dense', queryVector, queries, args.k));
        }
      }
      const results: MethodResult[] = [];
      for (const method of methods) {
        process.stderr.write(`running ${method.name}\n`);
        results.push(await runMethod(method, queries, args.rounds));
      }
      return { results, builds };
    };

    const small = await evaluate(base, documents, true);
    printTable(`Documents: ${args.docs.join(', ')}`, small.results, queries.length);
    printBuilds(small.builds);

    if (args.distractors) {
      const withDistractors = [...documents, ...sotuDistractors(documents)];
      const big = await embedSet(engine, cache, split(withDistractors), 'with SOTU distractors');
      const large = await evaluate(big, withDistractors, false);
      printTable(`+ every SOTU address as a distractor`, large.results, queries.length);
      printBuilds(large.builds);
    }
  } finally {
    await engine.dispose();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof EvalInputError ? `peers: ${error.message}` : error);
  process.exitCode = 1;
});
