/**
 * `npm run eval`: answer quality of the app's search on a folder of documents and a JSONL question set, using
 * the app's own splitting, embedding engine and ranking. See docs/BENCHMARKS.md ("Answer quality").
 * The last line printed is `hit@1=… hit@3=… hit@10=… mrr=… queries=… passages=…` (or one JSON object with --json).
 */
import { denseWeightFor, searchPassages, type SearchMode } from '../src/core/rank.ts';
import { tokenize } from '../src/core/tokenize.ts';
import { openEmbeddingCache } from './cached-vectors.ts';
import { parseEvalArgs, type EvalArgs } from './eval-args.ts';
import { readDocumentDirs, sotuDistractors } from './documents.ts';
import { firstMatchRank, summarise, type Summary } from './metrics.ts';
import { loadNodeEngine, modelIsBuilt, readModelSpec } from './node-engine.ts';
import { buildSearchIndex, buildTitleIndex, embedPassages, splitDocuments } from './passage-index.ts';
import { EvalInputError, readQueries, type EvalQuery } from './queries.ts';
import { calibrateHits } from '../src/core/relevance.ts';
import { readUnanswerable, relevanceReport } from './relevance-report.ts';

interface QueryResult {
  query: string;
  source: string;
  rank: number | null;
}

async function main(argv: readonly string[]): Promise<void> {
  const args = parseEvalArgs(argv);
  // Read every input before the (slow) model load so mistakes fail fast.
  const queries = args.queries.flatMap(readQueries);
  const unanswerable = args.unanswerable.flatMap(readUnanswerable);
  const ownDocuments = readDocumentDirs(args.docs);
  const documents = args.distractors === 'sotu' ? [...ownDocuments, ...sotuDistractors(ownDocuments)] : ownDocuments;

  const spec = readModelSpec();
  if (!modelIsBuilt(spec)) throw new EvalInputError(`model ${spec.id} is not built yet: run \`npm run models\``);
  const engine = await loadNodeEngine(spec, undefined, args.contextWeight);
  try {
    const split = splitDocuments(documents, (t) => engine.countTokens(t), {
      maxTokens: spec.maxTokens,
      ...(args.targetTokens ? { targetTokens: args.targetTokens } : {}),
      ...(args.minChars ? { minChars: args.minChars } : {}),
    });
    const passages = args.noContext ? split.map((p) => ({ ...p, context: '' })) : split;
    const cache = args.cache ? await openEmbeddingCache(spec) : null;
    const started = performance.now();
    const vectors = await embedPassages(engine, passages, cache, ({ done, total, cached }) => {
      const rate = (done - cached) / ((performance.now() - started) / 1000);
      process.stderr.write(`\rembedded ${done}/${total} passages (${cached} cached, ${rate.toFixed(0)}/s)   `);
    });
    process.stderr.write('\n');
    const index = buildSearchIndex(passages, vectors, spec.dimensions, {
      bm25: { params: args.bm25, tokenize: (text) => tokenize(text, { stem: args.stem }) },
    });
    const queryVectors = await engine.embed([...queries, ...unanswerable].map((q) => q.query), 'query');
    const passageById = new Map(passages.map((p) => [p.id, p]));
    const titles = args.titles
      ? { index: buildTitleIndex(documents), documentOf: (id: string) => passageById.get(id)!.doc, weight: args.titleWeight }
      : undefined;

    // The app's ranking options (library-service.ts search), with the command line's overrides.
    const rankOptions = (weight: number | undefined) => ({
      ...(weight === undefined ? {} : { denseWeight: weight }),
      ...(titles ? { titles } : {}),
      ...(args.documentPrior === 0 ? {} : { documentOf: (id: string) => passageById.get(id)!.doc }),
      ...(args.documentPrior === undefined || args.documentPrior === 0 ? {} : { documentPrior: args.documentPrior }),
    });
    const run = (mode: SearchMode, weight: number | undefined): QueryResult[] =>
      queries.map((q, i) => {
        const vector = queryVectors.subarray(i * spec.dimensions, (i + 1) * spec.dimensions);
        const hits = searchPassages(index, vector, q.query, { k: args.k, mode, ...rankOptions(weight) });
        const ranked = hits.map((h) => passageById.get(h.id)!);
        return { query: q.query, source: q.source, rank: firstMatchRank(ranked, q.expect, q.doc) };
      });

    if (args.sweep && !args.json) printSweep(run, passages.length);
    const results = run(args.mode, args.weight);
    if (unanswerable.length > 0 && !args.json) {
      // The app's path: searchPassages, then the calibrated score of each hit (library-service.ts does the same).
      const best = (query: string, i: number): number => {
        const vector = queryVectors.subarray(i * spec.dimensions, (i + 1) * spec.dimensions);
        const hits = searchPassages(index, vector, query, { k: args.k, mode: args.mode, ...rankOptions(args.weight) });
        return Math.max(0, ...calibrateHits(index.lexical, query, hits));
      };
      const groups = new Map<string, number[]>([['answerable', queries.map((q, i) => best(q.query, i))]]);
      unanswerable.forEach((q, j) => {
        const scores = groups.get(q.kind) ?? [];
        scores.push(best(q.query, queries.length + j));
        groups.set(q.kind, scores);
      });
      console.log(relevanceReport(groups, passages.length));
    }
    report(args, queries, results, passages.length);
  } finally {
    await engine.dispose();
  }
}

function summaryLine(summary: Summary, passages: number): string {
  return (
    `hit@1=${summary.hitAt1} hit@3=${summary.hitAt3} hit@10=${summary.hitAt10} ` +
    `mrr=${summary.mrr.toFixed(2)} queries=${summary.queries} passages=${passages}`
  );
}

function printSweep(run: (mode: SearchMode, weight: number | undefined) => QueryResult[], passages: number): void {
  console.log(`lexical      ${summaryLine(summarise(run('lexical', 0).map((r) => r.rank)), passages)}`);
  for (let tenths = 0; tenths <= 10; tenths++) {
    const weight = tenths / 10;
    const summary = summarise(run('hybrid', weight).map((r) => r.rank));
    console.log(`hybrid w=${weight.toFixed(1)} ${summaryLine(summary, passages)} mrr4=${summary.mrr.toFixed(4)}`);
  }
  console.log(`dense        ${summaryLine(summarise(run('dense', 1).map((r) => r.rank)), passages)}`);
}

function report(args: EvalArgs, queries: readonly EvalQuery[], results: readonly QueryResult[], passages: number): void {
  const summary = summarise(results.map((r) => r.rank));
  if (args.json) {
    const json = {
      mode: args.mode,
      weight: args.mode === 'hybrid' ? (args.weight ?? denseWeightFor(passages)) : null,
      k: args.k,
      'hit@1': summary.hitAt1,
      'hit@3': summary.hitAt3,
      'hit@10': summary.hitAt10,
      mrr: Number(summary.mrr.toFixed(4)),
      queries: summary.queries,
      passages,
      perQuery: results,
    };
    console.log(JSON.stringify(json));
    return;
  }
  if (!args.quiet) {
    results.forEach((r, i) => console.log(`${String(r.rank ?? '-').padStart(3)}  ${r.query}  (${queries[i]!.source})`));
  }
  console.log(summaryLine(summary, passages));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof EvalInputError) {
    console.error(`eval: ${error.message}`);
  } else {
    console.error('eval failed:', error);
  }
  process.exitCode = 1;
});
