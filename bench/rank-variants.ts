/**
 * Ranking alternatives compared on the eval's question sets in one run (docs/BENCHMARKS.md, "Many documents").
 * Splits and embeds exactly as `npm run eval` (same cache), then ranks every question under each variant over four
 * libraries: the articles alone, the six SOTU addresses alone, both, and both + every SOTU address as distractors.
 * Usage: npx tsx bench/rank-variants.ts [--only name,name] [--no-distractors] [--distractor-list file]
 *   [--cached-distractors] [--split-cache file]
 */
import { parseArgs } from 'node:util';
import { Bm25Index } from '../src/core/bm25.ts';
import { denseWeightFor, minMaxNormalise, rank, searchPassages } from '../src/core/rank.ts';
import { rowFilter } from '../src/core/row-filter.ts';
import { TitleIndex } from '../src/core/title-index.ts';
import { largeLibraryShare } from '../src/core/library-size.ts';
import type { Hit } from '../src/core/top-k.ts';
import { TopK } from '../src/core/top-k.ts';
import { titleFromFileName } from '../src/import/detect.ts';
import { openEmbeddingCache } from './cached-vectors.ts';
import { readDocumentDirs, sotuDistractors, type EvalDocument } from './documents.ts';
import { firstMatchRank, summarise } from './metrics.ts';
import { loadNodeEngine, readModelSpec, REPO_ROOT } from './node-engine.ts';
import { buildSearchIndex, embedPassages, splitDocuments, type EvalPassage } from './passage-index.ts';
import { readQueries, type EvalQuery } from './queries.ts';
import path from 'node:path';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { sha256Hex } from '../src/core/hash.ts';
import { vectorKey } from '../src/core/split.ts';
import type { SearchIndex } from '../src/core/search-index.ts';

const ARTICLE_SETS = ['articles', 'articles-check', 'articles-natural', 'articles-paraphrased', 'articles-heldout'];
const evalFile = (name: string) => path.join(REPO_ROOT, 'bench', 'eval', `${name}.jsonl`);

interface Library {
  name: string;
  passages: EvalPassage[];
  index: SearchIndex<string>;
  /** Document number of each row. */
  docOfRow: Int32Array;
  titles: string[];
  /** BM25 over `title + text` of each passage. */
  titledLexical: Bm25Index;
  /** BM25 over document titles, one row per document. */
  titleIndex: Bm25Index;
  /** The same titles as the app's TitleIndex, keyed by document number. */
  titleField: TitleIndex<number>;
  docOfId: Map<string, number>;
  queries: EvalQuery[];
  queryVectors: Float32Array;
}

interface Ctx {
  lib: Library;
  q: EvalQuery;
  vec: Float32Array;
}

type Variant = (ctx: Ctx) => number[];

const DEPTH = 50;

function topPositive(scores: ArrayLike<number>, k: number): Hit[] {
  const top = new TopK(k);
  for (let row = 0; row < scores.length; row++) if (scores[row]! > 0) top.push(row, scores[row]!);
  return top.sorted();
}

function candidates(lib: Library, vec: Float32Array, lexical: ArrayLike<number>): number[] {
  return [...new Set([...lib.index.vectors.search(vec, DEPTH).map((h) => h.row), ...topPositive(lexical, DEPTH).map((h) => h.row)])];
}

function minMaxFusion(lexicalOf: (ctx: Ctx) => ArrayLike<number>, weight: number): Variant {
  return (ctx) => {
    const lexical = lexicalOf(ctx);
    const rows = candidates(ctx.lib, ctx.vec, lexical);
    const cos = ctx.lib.index.vectors.scoreRows(ctx.vec, rows);
    const ranked = rank({
      dense: rows.map((row, i) => ({ row, score: cos[i]! })),
      lexical: rows.map((row) => ({ row, score: lexical[row] ?? 0 })),
      k: 10,
      weight,
    });
    return ranked.map((r) => r.row);
  };
}

function rrf(lexicalOf: (ctx: Ctx) => ArrayLike<number>, weight: number, c = 60): Variant {
  return (ctx) => {
    const lexical = lexicalOf(ctx);
    const dense = ctx.lib.index.vectors.search(ctx.vec, DEPTH);
    const lex = topPositive(lexical, DEPTH);
    const score = new Map<number, number>();
    dense.forEach((h, i) => score.set(h.row, (score.get(h.row) ?? 0) + weight / (c + i + 1)));
    lex.forEach((h, i) => score.set(h.row, (score.get(h.row) ?? 0) + (1 - weight) / (c + i + 1)));
    return [...score].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 10).map(([row]) => row);
  };
}

/** Fused min-max score plus `gamma` × the best fused score of the passage's document among the candidates. */
function docPrior(lexicalOf: (ctx: Ctx) => ArrayLike<number>, weight: number, gamma: number, agg: 'max' | 'top3'): Variant {
  return (ctx) => {
    const lexical = lexicalOf(ctx);
    const rows = candidates(ctx.lib, ctx.vec, lexical);
    const cos = ctx.lib.index.vectors.scoreRows(ctx.vec, rows);
    const fused = rank({
      dense: rows.map((row, i) => ({ row, score: cos[i]! })),
      lexical: rows.map((row) => ({ row, score: lexical[row] ?? 0 })),
      k: rows.length,
      weight,
    });
    const byDoc = scoresByDocument(fused, ctx.lib.docOfRow);
    const docScore = new Map<number, number>();
    for (const [d, list] of byDoc) {
      docScore.set(d, agg === 'max' ? list[0]! : list.slice(0, 3).reduce((a, b) => a + b, 0) / 3);
    }
    return fused
      .map((r) => ({ row: r.row, s: r.score + gamma * docScore.get(ctx.lib.docOfRow[r.row]!)! }))
      .sort((a, b) => b.s - a.s || a.row - b.row)
      .slice(0, 10)
      .map((r) => r.row);
  };
}

const plainLexical = (ctx: Ctx) => ctx.lib.index.lexical.scores(ctx.q.query);
const titledLexical = (ctx: Ctx) => ctx.lib.titledLexical.scores(ctx.q.query);
/** Passage BM25 + lambda × title BM25 of its document (a two-field BM25, fields summed). */
const titleField = (lambda: number) => (ctx: Ctx) => {
  const base = ctx.lib.index.lexical.scores(ctx.q.query);
  const title = ctx.lib.titleIndex.scores(ctx.q.query);
  const out = new Float32Array(base.length);
  for (let row = 0; row < base.length; row++) {
    const t = title[ctx.lib.docOfRow[row]!] ?? 0;
    out[row] = base[row]! + lambda * t;
  }
  return out;
};

/**
 * Candidates as today (dense top 50 ∪ passage-BM25 top 50); then each candidate's lexical score gains
 * `lambda` × its document's title BM25 — the title re-orders candidates but never makes one.
 */
function titleBoostCandidates(lambda: number, weight: number): Variant {
  return (ctx) => {
    const base = ctx.lib.index.lexical.scores(ctx.q.query);
    const title = ctx.lib.titleIndex.scores(ctx.q.query);
    const rows = candidates(ctx.lib, ctx.vec, base);
    const cos = ctx.lib.index.vectors.scoreRows(ctx.vec, rows);
    return rank({
      dense: rows.map((row, i) => ({ row, score: cos[i]! })),
      lexical: rows.map((row) => ({ row, score: (base[row] ?? 0) + lambda * (title[ctx.lib.docOfRow[row]!] ?? 0) })),
      k: 10,
      weight,
    }).map((r) => r.row);
  };
}

/** Exactly what the app runs: core searchPassages with the title field at `weight`. */
function appRanking(titleWeight: number | null, denseWeight: number | 'by size' = 0.8, candidates = DEPTH, prior: number | 'by size' = 0): Variant {
  return (ctx) =>
    searchPassages(ctx.lib.index, ctx.vec, ctx.q.query, {
      k: 10,
      ...(denseWeight === 'by size' ? {} : { denseWeight }),
      candidates,
      ...(prior === 0 ? {} : { documentOf: (id: string) => ctx.lib.docOfId.get(id)!, ...(prior === 'by size' ? {} : { documentPrior: prior }) }),
      ...(titleWeight === null
        ? {}
        : { titles: { index: ctx.lib.titleField, documentOf: (id: string) => ctx.lib.docOfId.get(id)!, weight: titleWeight } }),
    }).map((h) => h.row);
}

/**
 * The app's ranking with the document prior at `gamma` × largeLibraryShare(size) (0 up to 1,000 passages, `gamma`
 * from 10,000), re-ordering only the best `depth` fused candidates (default: the app's), a standout word match kept.
 */
function appPrior(gamma: number, depth?: number): Variant {
  return (ctx) =>
    searchPassages(ctx.lib.index, ctx.vec, ctx.q.query, {
      k: 10,
      documentOf: (id: string) => ctx.lib.docOfId.get(id)!,
      documentPrior: gamma * largeLibraryShare(ctx.lib.index.size),
      ...(depth === undefined ? {} : { documentPriorDepth: depth }),
      titles: { index: ctx.lib.titleField, documentOf: (id: string) => ctx.lib.docOfId.get(id)!, weight: 1 },
    }).map((h) => h.row);
}

/**
 * The app's fusion (titles at `titleWeight`), plus as extra candidates the dense top `n` among the passages of the
 * documents whose title matches the query (all matching documents, or only those with the best title score).
 */
function titleDense(titleWeight: number, n: number, denseWeight: number | 'by size', bestOnly = false): Variant {
  return (ctx) => {
    const { lib, q, vec } = ctx;
    const base = lib.index.lexical.scores(q.query);
    const titleScores = lib.titleField.scores(q.query);
    const rows = candidates(lib, vec, base);
    if (titleScores.size > 0) {
      const best = Math.max(...titleScores.values());
      const docs = new Set([...titleScores].filter(([, s]) => !bestOnly || s >= best - 1e-6).map(([d]) => d));
      const filter = rowFilter(lib.index.size, (row) => docs.has(lib.docOfRow[row]!));
      const seen = new Set(rows);
      for (const h of lib.index.vectors.search(vec, n, undefined, filter)) if (!seen.has(h.row)) rows.push(h.row);
    }
    const cos = lib.index.vectors.scoreRows(vec, rows);
    const w = denseWeight === 'by size' ? denseWeightFor(lib.index.size) : denseWeight;
    return rank({
      dense: rows.map((row, i) => ({ row, score: cos[i]! })),
      lexical: rows.map((row) => ({ row, score: (base[row] ?? 0) + titleWeight * (titleScores.get(lib.docOfRow[row]!) ?? 0) })),
      k: 10,
      weight: w,
    }).map((r) => r.row);
  };
}

/** The app's ranking over all its candidates, then + gamma × an aggregate of the document's fused scores. */
function docPriorApp(gammaOrRamp: number | 'ramp0.2' | 'ramp0.3', agg: 'max' | 'top3' | 'second' | 'sum3', titleWeight: number | null = 1): Variant {
  return (ctx) => {
    const size = ctx.lib.index.size;
    const t = size <= 1000 ? 0 : size >= 10000 ? 1 : Math.log(size / 1000) / Math.log(10);
    const gamma = typeof gammaOrRamp === 'number' ? gammaOrRamp : t * (gammaOrRamp === 'ramp0.2' ? 0.2 : 0.3);
    const fused = searchPassages(ctx.lib.index, ctx.vec, ctx.q.query, {
      k: 1000,
      ...(titleWeight === null
        ? {}
        : { titles: { index: ctx.lib.titleField, documentOf: (id: string) => ctx.lib.docOfId.get(id)!, weight: titleWeight } }),
    });
    const byDoc = scoresByDocument(fused, ctx.lib.docOfRow);
    const docScore = new Map<number, number>();
    for (const [d, list] of byDoc) {
      const v =
        agg === 'max' ? list[0]! : agg === 'second' ? (list[1] ?? 0) : agg === 'sum3' ? list.slice(0, 3).reduce((a, b) => a + b, 0) : list.slice(0, 3).reduce((a, b) => a + b, 0) / 3;
      docScore.set(d, v);
    }
    return fused
      .map((r) => ({ row: r.row, s: r.score + gamma * docScore.get(ctx.lib.docOfRow[r.row]!)! }))
      .sort((a, b) => b.s - a.s || a.row - b.row)
      .slice(0, 10)
      .map((r) => r.row);
  };
}

/**
 * Calibrated fusion: the dense part as today (min-max over the candidates, or raw cosine), the word part as the
 * share of the query's word weight the passage holds (BM25 / queryCeiling, titles added before dividing), so a
 * weak word match among candidates that all match weakly is not stretched to 1.
 */
function calibrated(w: number, denseNorm: 'minmax' | 'raw', titleWeight = 1): Variant {
  return (ctx) => {
    const { lib, q, vec } = ctx;
    const base = lib.index.lexical.scores(q.query);
    const titleScores = lib.titleField.scores(q.query);
    const ceiling = lib.index.lexical.queryCeiling(q.query) || 1;
    const rows = candidates(lib, vec, base);
    const cos = lib.index.vectors.scoreRows(vec, rows);
    const dn = denseNorm === 'minmax' ? minMaxNormalise(cos) : cos;
    return rows
      .map((row, i) => {
        const words = Math.min(1, ((base[row] ?? 0) + titleWeight * (titleScores.get(lib.docOfRow[row]!) ?? 0)) / ceiling);
        return { row, s: w * dn[i]! + (1 - w) * words };
      })
      .sort((a, b) => b.s - a.s || a.row - b.row)
      .slice(0, 10)
      .map((r) => r.row);
  };
}

/** Question words that say what is asked, not what about: dropped from the query's word match only (experiment). */
const QUESTION_WORDS = new Set(['say', 'said', 'says', 'according', 'describe', 'described', 'call', 'called', 'think', 'want', 'wants', 'use', 'used', 'make', 'made', 'give', 'gave', 'expect', 'expected', 'mention', 'mentioned', 'tell', 'told', 'can', 'could', 'should']);
function withoutQuestionWords(variant: Variant): Variant {
  return (ctx) => {
    const query = ctx.q.query.split(/\s+/).filter((w) => !QUESTION_WORDS.has(w.toLowerCase().replace(/[^a-z]/g, ''))).join(' ');
    return variant({ ...ctx, q: { ...ctx.q, query } });
  };
}

const VARIANTS: Record<string, Variant> = {
  'prior 0.2 all': appPrior(0.2, Infinity),
  'prior 0.2 depth 3': appPrior(0.2, 3),
  'prior 0.2 depth 5': appPrior(0.2, 5),
  'prior 0.2 depth 8': appPrior(0.2, 8),
  'prior 0.2 depth 10': appPrior(0.2, 10),
  'prior 0.3 depth 5': appPrior(0.3, 5),
  'prior 0.3 depth 8': appPrior(0.3, 8),
  'prior 0.4 depth 5': appPrior(0.4, 5),
  'prior 0.15 depth 5': appPrior(0.15, 5),
  'prior 0.15 depth 8': appPrior(0.15, 8),
  'app prior no question words': withoutQuestionWords(appRanking(1, 'by size', DEPTH, 'by size')),
  'app prior c100': appRanking(1, 'by size', 100, 'by size'),
  'app prior titles 2': appRanking(2, 'by size', DEPTH, 'by size'),
  'calib minmax w0.8': calibrated(0.8, 'minmax'),
  'calib minmax w0.7': calibrated(0.7, 'minmax'),
  'calib minmax w0.6': calibrated(0.6, 'minmax'),
  'calib minmax w0.5': calibrated(0.5, 'minmax'),
  'calib raw w0.8': calibrated(0.8, 'raw'),
  'calib raw w0.7': calibrated(0.7, 'raw'),
  'calib raw w0.6': calibrated(0.6, 'raw'),
  'calib raw w0.5': calibrated(0.5, 'raw'),
  'prior second g0.1': docPriorApp(0.1, 'second'),
  'prior second g0.15': docPriorApp(0.15, 'second'),
  'prior second g0.25': docPriorApp(0.25, 'second'),
  'prior second g0.3': docPriorApp(0.3, 'second'),
  'prior second ramp0.2': docPriorApp('ramp0.2', 'second'),
  'prior second ramp0.3': docPriorApp('ramp0.3', 'second'),
  'prior max g0.1': docPriorApp(0.1, 'max'),
  'prior max g0.2': docPriorApp(0.2, 'max'),
  'prior second g0.2': docPriorApp(0.2, 'second'),
  'prior second g0.4': docPriorApp(0.4, 'second'),
  'prior top3 g0.1': docPriorApp(0.1, 'top3'),
  'prior top3 g0.2': docPriorApp(0.2, 'top3'),
  'prior sum3 g0.05': docPriorApp(0.05, 'sum3'),
  'prior sum3 g0.1': docPriorApp(0.1, 'sum3'),
  'app: titles 1 + weight by size': appRanking(1, 'by size'),
  'app: titles 1 + weight and prior by size': appRanking(1, 'by size', DEPTH, 'by size'),
  'app: no titles + weight by size': appRanking(null, 'by size'),
  'app: titles 2 + weight by size': appRanking(2, 'by size'),
  'app: titles 0.5 + weight by size': appRanking(0.5, 'by size'),
  'app: titles 1 w0.95': appRanking(1, 0.95),
  'title-dense n20 t1 by size': titleDense(1, 20, 'by size'),
  'title-dense n50 t1 by size': titleDense(1, 50, 'by size'),
  'title-dense n20 t2 by size': titleDense(2, 20, 'by size'),
  'title-dense-best n20 t1 by size': titleDense(1, 20, 'by size', true),
  'title-dense-best n50 t2 by size': titleDense(2, 50, 'by size', true),
  'app: no titles': appRanking(null),
  'app: titles 0.5': appRanking(0.5),
  'app: titles 1': appRanking(1),
  'app: titles 2': appRanking(2),
  'app: titles 3': appRanking(3),
  'app: titles 1 w0.7': appRanking(1, 0.7),
  'app: no titles w0.9': appRanking(null, 0.9),
  'app: titles 1 w0.9': appRanking(1, 0.9),
  'app: titles 2 w0.9': appRanking(2, 0.9),
  'app: no titles c100': appRanking(null, 0.8, 100),
  'app: titles 1 c100': appRanking(1, 0.8, 100),
  'app: titles 2 c100': appRanking(2, 0.8, 100),
  'title-field l1 w0.9': minMaxFusion(titleField(1), 0.9),
  'title-field l2 w0.8': minMaxFusion(titleField(2), 0.8),
  'title-field l1 docmax g0.2': docPrior(titleField(1), 0.8, 0.2, 'max'),
  'title-cand l0.5 w0.8': titleBoostCandidates(0.5, 0.8),
  'title-cand l1 w0.8': titleBoostCandidates(1, 0.8),
  'title-cand l1 w0.7': titleBoostCandidates(1, 0.7),
  'title-cand l2 w0.8': titleBoostCandidates(2, 0.8),
  'minmax w0.8 (main)': minMaxFusion(plainLexical, 0.8),
  'minmax w0.7': minMaxFusion(plainLexical, 0.7),
  'rrf w0.5': rrf(plainLexical, 0.5),
  'rrf w0.7': rrf(plainLexical, 0.7),
  'docmax g0.2': docPrior(plainLexical, 0.8, 0.2, 'max'),
  'doctop3 g0.3': docPrior(plainLexical, 0.8, 0.3, 'top3'),
  'titled-bm25 w0.8': minMaxFusion(titledLexical, 0.8),
  'titled-bm25 w0.7': minMaxFusion(titledLexical, 0.7),
  'titled-bm25 w0.6': minMaxFusion(titledLexical, 0.6),
  'title-field l0.5 w0.8': minMaxFusion(titleField(0.5), 0.8),
  'title-field l1 w0.8': minMaxFusion(titleField(1), 0.8),
  'title-field l1 w0.7': minMaxFusion(titleField(1), 0.7),
  'title-field l2 w0.7': minMaxFusion(titleField(2), 0.7),
  'titled-bm25 rrf w0.5': rrf(titledLexical, 0.5),
  'titled-bm25 doctop3 g0.3': docPrior(titledLexical, 0.8, 0.3, 'top3'),
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
      only: { type: 'string' },
      'no-distractors': { type: 'boolean', default: false },
      'distractor-list': { type: 'string' },
      'cached-distractors': { type: 'boolean', default: false },
      'split-cache': { type: 'string' },
      'title-context': { type: 'boolean', default: false },
    },
  });
  const only = values.only ? new Set(values.only.split(',')) : null;
  const articleDocs = readDocumentDirs([path.resolve(REPO_ROOT, '..', '..', 'shared', 'corpus')]);
  const sotuDocs = readDocumentDirs([path.join(REPO_ROOT, '.cache', 'sotu-docs')]);
  const combined = [...articleDocs, ...sotuDocs];
    // --distractor-list: only the addresses named in the file (for a partial run while the cache fills).
  const listed = values['distractor-list'] ? new Set(readFileSync(values['distractor-list'], 'utf8').split('\n').filter(Boolean)) : null;
  const withDistractors = values['no-distractors']
    ? combined
    : [...combined, ...sotuDistractors(combined).filter((d) => listed === null || listed.has(d.name))];
  const articleQueries = ARTICLE_SETS.flatMap((s) => readQueries(evalFile(s)));
  const sotuQueries = readQueries(evalFile('sotu'));

  const spec = readModelSpec();
  const engine = await loadNodeEngine(spec);
  const cache = await openEmbeddingCache(spec);
  const splitFile = values['split-cache'];
  let split: EvalPassage[];
  if (splitFile && existsSync(splitFile)) {
    split = JSON.parse(readFileSync(splitFile, 'utf8')) as EvalPassage[];
    const names = new Set(withDistractors.map((d) => d.name));
    if (split.some((p) => !names.has(p.doc)) || new Set(split.map((p) => p.doc)).size !== names.size) {
      throw new Error(`${splitFile} was saved for other documents`);
    }
  } else {
    split = splitDocuments(withDistractors, (t) => engine.countTokens(t), { maxTokens: spec.maxTokens });
    if (splitFile) writeFileSync(splitFile, JSON.stringify(split));
  }
  if (values['title-context']) {
    // Experiment: each passage read after its document's title (and its own context) when that fits the model.
    split = split.map((p) => {
      const context = `${titleFromFileName(p.doc)}\n\n${p.context}`;
      return engine.countTokens(context + p.text) <= spec.maxTokens ? { ...p, context } : p;
    });
  }
  if (values['cached-distractors']) {
    // Distractor passages without a cached vector are left out instead of embedded (a partial run; say so).
    const own = new Set(combined.map((d) => d.name));
    const hashes = await Promise.all(split.map((p) => sha256Hex(vectorKey(p, engine.contextWeight))));
    const before = split.length;
    split = split.filter((p, i) => own.has(p.doc) || cache.get(hashes[i]!) !== undefined);
    console.log(`cached distractors only: ${split.length} of ${before} passages`);
  }
  const vectors = await embedPassages(engine, split, cache, ({ done, total }) => process.stderr.write(`\rembedded ${done}/${total}  `));
  process.stderr.write('\n');
  const vectorOf = new Map(split.map((p, i) => [p.id, vectors.subarray(i * spec.dimensions, (i + 1) * spec.dimensions)]));
  const allQueries = [...articleQueries, ...sotuQueries];
  const allQueryVectors = await engine.embed(allQueries.map((q) => q.query), 'query');
  await engine.dispose();

  const makeLibrary = (name: string, docs: EvalDocument[], queries: EvalQuery[]): Library => {
    const names = new Set(docs.map((d) => d.name));
    const passages = split.filter((p) => names.has(p.doc));
    const flat = new Float32Array(passages.length * spec.dimensions);
    passages.forEach((p, i) => flat.set(vectorOf.get(p.id)!, i * spec.dimensions));
    const index = buildSearchIndex(passages, flat, spec.dimensions);
    const docNumber = new Map(docs.map((d, i) => [d.name, i]));
    const titles = docs.map((d) => titleFromFileName(d.name));
    const docOfRow = Int32Array.from(passages, (p) => docNumber.get(p.doc)!);
    const titledLexical = Bm25Index.build(passages.map((p, row) => [row, `${titles[docOfRow[row]!]}\n${p.text}`] as const));
    const titleIndex = Bm25Index.build(titles.map((t, i) => [i, t] as const));
    const titleField = new TitleIndex<number>();
    titles.forEach((t, i) => titleField.set(i, t));
    const docOfId = new Map(passages.map((p, row) => [p.id, docOfRow[row]!]));
    const qv = new Float32Array(queries.length * spec.dimensions);
    queries.forEach((q, i) => {
      const j = allQueries.indexOf(q);
      qv.set(allQueryVectors.subarray(j * spec.dimensions, (j + 1) * spec.dimensions), i * spec.dimensions);
    });
    return { name, passages, index, docOfRow, titles, titledLexical, titleIndex, titleField, docOfId, queries, queryVectors: qv };
  };
  const libraries = [
    makeLibrary('articles', articleDocs, articleQueries),
    makeLibrary('sotu', sotuDocs, sotuQueries),
    makeLibrary('combined', combined, allQueries),
    ...(values['no-distractors'] ? [] : [makeLibrary('+distractors', withDistractors, allQueries)]),
  ];

  const fmt = (ranks: (number | null)[]) => {
    const s = summarise(ranks);
    return `${s.hitAt1}/${s.hitAt3}/${s.hitAt10} ${s.mrr.toFixed(3)}`;
  };
  for (const [name, variant] of Object.entries(VARIANTS)) {
    if (only && !only.has(name)) continue;
    const cells: string[] = [];
    for (const lib of libraries) {
      const ranks = lib.queries.map((q, i) => {
        const vec = lib.queryVectors.subarray(i * spec.dimensions, (i + 1) * spec.dimensions);
        const rows = variant({ lib, q, vec });
        return firstMatchRank(rows.map((r) => lib.passages[r]!), q.expect, q.doc);
      });
      const bySet = (prefix: string) => ranks.filter((_, i) => lib.queries[i]!.source.includes(`/${prefix}.jsonl:`));
      if (lib.name === 'articles') {
        cells.push(`articles ${fmt(ranks)} [${ARTICLE_SETS.map((s) => fmt(bySet(s)).split(' ')[0]).join(' ')}]`);
      } else if (lib.name === 'sotu') {
        cells.push(`sotu ${fmt(ranks)}`);
      } else {
        const art = ranks.slice(0, articleQueries.length);
        const sotu = ranks.slice(articleQueries.length);
        cells.push(`${lib.name} ${fmt(ranks)} (art ${fmt(art).split(' ')[0]}, sotu ${fmt(sotu).split(' ')[0]}) [${ARTICLE_SETS.map((s) => fmt(bySet(s)).split(' ')[0]).join(' ')}]`);
      }
    }
    console.log(`${name.padEnd(26)} ${cells.join(' | ')}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

/** Each document's fused scores among the candidates, best first (`fused` is sorted best first). */
function scoresByDocument(fused: readonly { row: number; score: number }[], docOfRow: ArrayLike<number>): Map<number, number[]> {
  const byDoc = new Map<number, number[]>();
  for (const r of fused) {
    const d = docOfRow[r.row]!;
    const list = byDoc.get(d) ?? [];
    list.push(r.score);
    byDoc.set(d, list);
  }
  return byDoc;
}
