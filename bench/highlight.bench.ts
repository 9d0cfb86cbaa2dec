/**
 * Highlight without a model call at query time: how often sentence vectors pooled from the passage's own token
 * states (late chunking, core/sentence-pooling.ts) and their compact stored codes (core/sentence-codes.ts) pick the
 * same sentence as today's highlight (each sentence embedded on its own, as src/app/highlighter.ts does), and how
 * often the chosen sentence holds the answer.
 *
 *   npx tsx bench/highlight.bench.ts [--docs DIR …] [--queries FILE …]
 *
 * Defaults: --docs ../shared/corpus and .cache/sotu-docs (`npx tsx bench/sotu-docs.ts`), every bench/eval/*.jsonl.
 * Two views: (A) for each question, the first passage (document order) that contains an expected string, when a
 * single sentence of it does and it has two or more sentences; (B) each of the top 5 hits of the app's fusion search
 * that has two or more sentences.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import path from 'node:path';
import { bestSentence, bestSentenceByCodes, bestSentenceByScores, LEXICAL_TIE_BREAK } from '../src/core/highlight.ts';
import { searchPassages } from '../src/core/rank.ts';
import { encodeSentenceVectors } from '../src/core/sentence-codes.ts';
import { splitSentences } from '../src/core/sentences.ts';
import type { Span } from '../src/core/text-spans.ts';
import { tokenize } from '../src/core/tokenize.ts';
import type { Engine } from '../src/worker/engine.ts';
import { readDocumentDirs } from './documents.ts';
import { normaliseForMatch } from './metrics.ts';
import { loadNodeEngine, readModelSpec, REPO_ROOT } from './node-engine.ts';
import { buildSearchIndex, splitDocuments, type EvalPassage } from './passage-index.ts';
import { readQueries, type EvalQuery } from './queries.ts';

const HITS_SHOWN = 5;

interface Method {
  name: string;
  /** Stored bytes for one passage's sentences (0 for today's: nothing stored, embedded per query). */
  bytes: (passage: number) => number;
  pick: (passage: number, query: number) => Span;
}

function parseArgs(argv: readonly string[]): { docs: string[]; queries: string[]; reuse: boolean } {
  const docs: string[] = [];
  const queries: string[] = [];
  let reuse = false;
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--docs' && value) docs.push(argv[++i]!);
    else if (argv[i] === '--queries' && value) queries.push(argv[++i]!);
    else if (argv[i] === '--reuse') reuse = true;
    else throw new Error(`unknown argument ${argv[i]} (use --docs DIR, --queries FILE, --reuse)`);
  }
  if (docs.length === 0) {
    // ../shared/corpus from a checkout in /work/main, ../../shared/corpus from a worktree in /work/wt/<name>.
    const corpus = ['../shared/corpus', '../../shared/corpus'].map((d) => path.resolve(REPO_ROOT, d)).find(existsSync);
    for (const dir of [corpus, path.join(REPO_ROOT, '.cache', 'sotu-docs')]) if (dir && existsSync(dir)) docs.push(dir);
  }
  if (queries.length === 0) {
    const dir = path.join(REPO_ROOT, 'bench', 'eval');
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort()) queries.push(path.join(dir, name));
  }
  return { docs, queries, reuse };
}

/** What the model computed: saved after each run so `--reuse` can compare stored forms without the model. */
interface ModelOutputs {
  passages: EvalPassage[];
  queries: EvalQuery[];
  /** Late-chunked sentence vectors per passage (null: ranges not located). */
  late: (Float32Array | null)[];
  /** Sentences embedded alone, for the passages either view needs (others: null). */
  alone: (Float32Array | null)[];
  queryVectors: Float32Array;
  /** Top hits per question, as passage indexes. */
  hits: number[][];
  aloneMsPerSentence: number;
  /** Median ms per passage, interleaved on the same passages: embed alone vs embedPassages. */
  indexing: { embed: number; embedPassages: number; passages: number };
}

const SAVED = path.join(REPO_ROOT, '.cache', 'highlight-bench.v8');

async function computeModelOutputs(docs: readonly string[], queryFiles: readonly string[]): Promise<ModelOutputs> {
  const spec = readModelSpec();
  const dims = spec.dimensions;
  const documents = readDocumentDirs(docs);
  const docNames = new Set(documents.map((d) => d.name));
  // Only questions whose documents are loaded (the SOTU set names its address; the article sets do not).
  const queries = queryFiles.flatMap(readQueries).filter((q) => q.doc === null || docNames.has(q.doc));
  const engine = await loadNodeEngine(spec);
  try {
    const passages = splitDocuments(documents, (t) => engine.countTokens(t), { maxTokens: spec.maxTokens });
    const sentences = passages.map((p) => splitSentences(p.text));

    const vectors = new Float32Array(passages.length * dims);
    const late: (Float32Array | null)[] = [];
    for (let i = 0; i < passages.length; i++) {
      const out = await engine.embedPassages([passages[i]!.text], [passages[i]!.context]);
      vectors.set(out.vectors, i * dims);
      late.push(out.sentenceVectors[0]!);
      progress(`late chunking ${i + 1}/${passages.length}`);
    }

    const index = buildSearchIndex(passages, vectors, dims);
    const queryVectors = await engine.embed(queries.map((q) => q.query), 'query');
    const hits = queries.map((q, i) =>
      searchPassages(index, queryVectors.subarray(i * dims, (i + 1) * dims), q.query, { k: HITS_SHOWN }).map((h) =>
        passages.findIndex((p) => p.id === h.id),
      ),
    );
    const answers = queries.map((q) => answerPassage(q, passages, sentences));
    const needed = new Set([...hits.flat(), ...answers.filter((a) => a !== null).map((a) => a.passage)]);
    const alone: (Float32Array | null)[] = passages.map(() => null);
    const started = performance.now();
    let sentenceCount = 0;
    for (const p of needed) {
      if (sentences[p]!.length < 2) continue;
      const texts = sentences[p]!.map((s) => passages[p]!.text.slice(s.start, s.end));
      alone[p] = await engine.embed(texts, 'passage');
      sentenceCount += texts.length;
      progress(`sentences alone: ${sentenceCount}`);
    }
    const aloneMsPerSentence = (performance.now() - started) / Math.max(sentenceCount, 1);
    const indexing = await timeIndexing(engine, passages);
    process.stderr.write('\n');
    const outputs = { passages, queries, late, alone, queryVectors, hits, aloneMsPerSentence, indexing };
    mkdirSync(path.dirname(SAVED), { recursive: true });
    writeFileSync(SAVED, serialize(outputs));
    return outputs;
  } finally {
    await engine.dispose();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dims = readModelSpec().dimensions;
  const outputs = args.reuse ? (deserialize(readFileSync(SAVED)) as ModelOutputs) : await computeModelOutputs(args.docs, args.queries);
  const { passages, queries, late, alone, queryVectors, hits } = outputs;
  const sentences = passages.map((p) => splitSentences(p.text));
  const queryVector = (q: number) => queryVectors.subarray(q * dims, (q + 1) * dims);
  const answers = queries.map((q) => answerPassage(q, passages, sentences));

  const text = (p: number) => passages[p]!.text;
  const q = (i: number) => queries[i]!.query;
  const withCodes = (name: string, encode: (rows: Float32Array) => Uint8Array): Method => {
    const codes = late.map((rows) => (rows ? encode(rows) : null));
    return {
      name,
      bytes: (p) => codes[p]?.length ?? 0,
      pick: (p, i) => bestSentenceByCodes(text(p), codes[p]!, queryVector(i), q(i)),
    };
  };
  const withFloats = (name: string, rowsOf: (p: number) => Float32Array | null, bytesPerRow: number): Method => ({
    name,
    bytes: (p) => sentences[p]!.length * bytesPerRow,
    pick: (p, i) => bestSentence(text(p), rowsOf(p), queryVector(i), q(i)),
  });
  // Centred rows estimate q·sentence minus a shared constant: scored by dot product, not cosine.
  const withCentred = (name: string, f: (row: Float32Array) => Float32Array, bytesPerRow: number): Method => {
    const rows = late.map((r) => r && mapCentred(r, dims, f));
    return {
      name,
      bytes: (p) => sentences[p]!.length * bytesPerRow,
      pick: (p, i) => bestSentenceByScores(text(p), dots(rows[p]!, queryVector(i)), q(i)),
    };
  };
  const methods: Method[] = [
    { ...withFloats('today: sentences embedded alone', (p) => alone[p]!, 0), bytes: () => 0 },
    withFloats('late chunking, float32', (p) => late[p]!, 4 * dims),
    withFloats('late, int8 per sentence', (p) => mapRows(late[p]!, dims, (r) => roundTrip(r, 127)), dims + 4),
    withFloats('late, int4 per sentence', (p) => mapRows(late[p]!, dims, (r) => roundTrip(r, 7)), dims / 2 + 4),
    withFloats('late, sign bits per sentence', (p) => mapRows(late[p]!, dims, signs), dims / 8),
    withCentred('centred, float32', (r) => r, 4 * dims),
    withCentred('centred, int4', (r) => roundTrip(r, 7), dims / 2 + 4),
    withCentred('centred, int3', (r) => roundTrip(r, 3), (3 * dims) / 8 + 4),
    withCentred('centred, 2 bits (Lloyd–Max levels)', twoBits, dims / 4 + 4),
    withCentred('centred, sign bits × mean abs', scaledSigns, dims / 8 + 4),
    withCentred('centred, sign bits × (π/2)·mean abs', (r) => scaledSigns(r).map((x) => (Math.PI / 2) * x), dims / 8 + 4),
    withCentred('centred, sign bits, one scale for all', (r) => signs(r).map((x) => x * 0.01), dims / 8),
    withCodes('**stored codes** (encodeSentenceVectors: centred signs + uint8 scale)', (rows) => encodeSentenceVectors(rows, dims)),
    { name: 'words only (no vectors)', bytes: () => 0, pick: (p, i) => bestSentence(text(p), null, null, q(i)) },
  ];

  const answerCases = answers.flatMap((a, i) => (a ? [{ query: i, ...a }] : []));
  const hitCases = hits.flatMap((list, i) => list.filter((p) => sentences[p]!.length > 1).map((p) => ({ query: i, passage: p })));
  const [today, float] = [methods[0]!, methods[1]!];
  const agree = (m: Method, ref: Method, cases: { query: number; passage: number }[]) =>
    cases.filter((c) => sameSpan(m.pick(c.passage, c.query), ref.pick(c.passage, c.query))).length;
  // How much worse, in late-float score (cosine + tie-break), the chosen sentence is than float's own choice.
  const floatScore = (p: number, i: number, span: Span) => {
    const s = sentences[p]!.findIndex((x) => sameSpan(x, span));
    const rows = late[p]!;
    let dot = 0;
    for (let d = 0; d < dims; d++) dot += rows[s * dims + d]! * queryVector(i)[d]!;
    return dot + LEXICAL_TIE_BREAK * overlapShare(q(i), text(p).slice(span.start, span.end));
  };
  const regret = (m: Method, cases: { query: number; passage: number }[]) =>
    cases.reduce((sum, c) => sum + floatScore(c.passage, c.query, float.pick(c.passage, c.query)) - floatScore(c.passage, c.query, m.pick(c.passage, c.query)), 0) /
    Math.max(cases.length, 1);
  const multi = passages.filter((_, p) => sentences[p]!.length > 1).length;
  const meanBytes = (m: Method) => passages.reduce((sum, _, p) => sum + m.bytes(p), 0) / passages.length;

  console.log(`\n${passages.length} passages (${multi} with 2+ sentences, ${(sentences.flat().length / passages.length).toFixed(2)} sentences each on average), ${queries.length} questions`);
  console.log(`sentence ranges not located (highlight by words): ${late.filter((v) => v === null).length} passages`);
  console.log(`(A) answer passages with 2+ sentences and the answer inside one sentence: ${answerCases.length}; (B) top-${HITS_SHOWN} hits with 2+ sentences: ${hitCases.length}`);
  const { indexing } = outputs;
  console.log(
    `indexing, median of 3 interleaved rounds over ${indexing.passages} passages: embed ${indexing.embed.toFixed(0)} ms/passage, ` +
      `embedPassages (with sentence vectors) ${indexing.embedPassages.toFixed(0)} ms/passage (×${(indexing.embedPassages / indexing.embed).toFixed(2)})`,
  );
  console.log(`today's query-time highlight: ${outputs.aloneMsPerSentence.toFixed(1)} ms per sentence embedded\n`);
  console.log('| method | bytes / passage (mean) | (A) same as today | (A) same as late float | (A) sentence has the answer | (B) same as today | (B) same as late float | (B) regret vs late float |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const m of methods) {
    const answered = answerCases.filter((c) => containsAny(text(c.passage), m.pick(c.passage, c.query), c.expect)).length;
    console.log(
      `| ${m.name} | ${meanBytes(m).toFixed(0)} | ${share(agree(m, today, answerCases), answerCases.length)} | ` +
        `${share(agree(m, float, answerCases), answerCases.length)} | ${share(answered, answerCases.length)} | ` +
        `${share(agree(m, today, hitCases), hitCases.length)} | ${share(agree(m, float, hitCases), hitCases.length)} | ` +
        `${regret(m, hitCases).toFixed(4)} |`,
    );
  }
  timeScoring(withCodes('codes', (rows) => encodeSentenceVectors(rows, dims)), hits);
}

/**
 * What the sentence vectors add to indexing: every 4th passage embedded by `embed` and by `embedPassages`, in
 * alternating order, three rounds; median of the per-round totals.
 */
async function timeIndexing(engine: Engine, passages: readonly EvalPassage[]): Promise<ModelOutputs['indexing']> {
  const sample = passages.filter((_, i) => i % 4 === 0);
  const rounds: { embed: number; embedPassages: number }[] = [];
  for (let round = 0; round < 3; round++) {
    const totals = { embed: 0, embedPassages: 0 };
    for (const [i, p] of sample.entries()) {
      const runs = [
        ['embed', () => engine.embed([p.text], 'passage', [p.context])],
        ['embedPassages', () => engine.embedPassages([p.text], [p.context])],
      ] as const;
      for (const [name, run] of i % 2 === round % 2 ? runs : [...runs].reverse()) {
        const started = performance.now();
        await run();
        totals[name] += performance.now() - started;
      }
      progress(`indexing cost, round ${round + 1}: ${i + 1}/${sample.length}`);
    }
    rounds.push(totals);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[1]! / sample.length;
  return { embed: median(rounds.map((r) => r.embed)), embedPassages: median(rounds.map((r) => r.embedPassages)), passages: sample.length };
}

/** The first passage (document order) holding an expected string inside one of its sentences, if it has 2+. */
function answerPassage(query: EvalQuery, passages: readonly EvalPassage[], sentences: readonly Span[][]) {
  const expect = query.expect.map(normaliseForMatch);
  const p = passages.findIndex(
    (passage) => (query.doc === null || passage.doc === query.doc) && expect.some((e) => normaliseForMatch(passage.text).includes(e)),
  );
  if (p < 0 || sentences[p]!.length < 2) return null;
  if (!sentences[p]!.some((s) => containsAny(passages[p]!.text, s, query.expect))) return null;
  return { passage: p, expect: query.expect };
}

function containsAny(text: string, span: Span, expect: readonly string[]): boolean {
  const sentence = normaliseForMatch(text.slice(span.start, span.end));
  return expect.some((e) => sentence.includes(normaliseForMatch(e)));
}

function timeScoring(method: Method, hits: readonly number[][]): void {
  const runs: number[] = [];
  for (let repeat = 0; repeat < 5; repeat++) {
    const started = performance.now();
    hits.forEach((list, i) => list.forEach((p) => method.pick(p, i)));
    runs.push((performance.now() - started) / hits.length);
  }
  runs.sort((a, b) => a - b);
  console.log(`\nhighlighting ${HITS_SHOWN} hits from codes (split + score + tie-break): median ${runs[2]!.toFixed(3)} ms per query`);
}

function mapRows(rows: Float32Array, dims: number, f: (row: Float32Array) => Float32Array): Float32Array {
  const out = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i += dims) out.set(f(rows.subarray(i, i + dims)), i);
  return out;
}

/** Symmetric per-row quantisation to ±levels and back. */
function roundTrip(row: Float32Array, levels: number): Float32Array {
  const max = Math.max(...row.map(Math.abs)) || 1;
  return row.map((x) => (Math.round((x / max) * levels) * max) / levels);
}

/** Each row minus the passage's mean row, transformed by `f`: the shared part is the same for every sentence. */
function mapCentred(rows: Float32Array, dims: number, f: (row: Float32Array) => Float32Array): Float32Array {
  const n = rows.length / dims;
  const mean = new Float32Array(dims);
  for (let i = 0; i < rows.length; i++) mean[i % dims]! += rows[i]! / n;
  return mapRows(rows, dims, (row) => f(row.map((x, d) => x - mean[d]!)));
}

/** Signs times the row's mean magnitude (its best one-scale approximation). */
function scaledSigns(row: Float32Array): Float32Array {
  const scale = row.reduce((sum, x) => sum + Math.abs(x), 0) / row.length;
  return row.map((x) => (x > 0 ? scale : -scale));
}

/** Four levels ±0.4528σ, ±1.510σ: the least-squares 2-bit quantiser of a Gaussian (Max 1960). */
function twoBits(row: Float32Array): Float32Array {
  const sigma = Math.sqrt(row.reduce((sum, x) => sum + x * x, 0) / row.length);
  return row.map((x) => Math.sign(x) * sigma * (Math.abs(x) > 0.9816 * sigma ? 1.51 : 0.4528));
}

function dots(rows: Float32Array, query: Float32Array): Float32Array {
  const dims = query.length;
  const out = new Float32Array(rows.length / dims);
  for (let i = 0; i < out.length; i++) for (let d = 0; d < dims; d++) out[i]! += rows[i * dims + d]! * query[d]!;
  return out;
}

function overlapShare(query: string, sentence: string): number {
  const queryWords = new Set(tokenize(query));
  const words = new Set(tokenize(sentence));
  return queryWords.size === 0 ? 0 : [...queryWords].filter((w) => words.has(w)).length / queryWords.size;
}

function signs(row: Float32Array): Float32Array {
  return row.map((x) => (x > 0 ? 1 : -1));
}

const sameSpan = (a: Span, b: Span) => a.start === b.start && a.end === b.end;
const share = (count: number, total: number) => `${count}/${total} (${((100 * count) / Math.max(total, 1)).toFixed(0)}%)`;
const progress = (message: string) => process.stderr.write(`\r${message}   `);

main().catch((error: unknown) => {
  console.error('highlight bench failed:', error);
  process.exitCode = 1;
});
