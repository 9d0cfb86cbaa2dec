/** Command-line options of `npm run eval`. */
import { parseArgs } from 'node:util';
import type { Bm25Params } from '../src/core/bm25.ts';
import { CONTEXT_TOKEN_WEIGHT } from '../src/core/pooling.ts';
import { DEFAULT_DENSE_WEIGHT, DEFAULT_TITLE_WEIGHT, type SearchMode } from '../src/core/rank.ts';
import { EvalInputError } from './queries.ts';

export interface EvalArgs {
  docs: string[];
  queries: string[];
  k: number;
  json: boolean;
  mode: SearchMode;
  /** Dense weight; undefined = the app's (core/rank.ts denseWeightFor: by library size). */
  weight: number | undefined;
  distractors: 'none' | 'sotu';
  /** Window size for long paragraphs (defaults to the model's maxTokens). */
  targetTokens: number | undefined;
  /** Paragraphs shorter than this join a neighbour (defaults to MIN_PASSAGE_CHARS). */
  minChars: number | undefined;
  stem: boolean;
  /** Embed passages without their context (the recipe before context existed). */
  noContext: boolean;
  /** Overrides CONTEXT_TOKEN_WEIGHT (core/pooling.ts). */
  contextWeight: number | undefined;
  /** BM25 overrides (defaults: DEFAULT_BM25_PARAMS). */
  bm25: Partial<Bm25Params>;
  /** Count document titles as a second word field (core/title-index.ts); off = ranking before 2026-12-03. */
  titles: boolean;
  titleWeight: number;
  /** Document prior weight (core/document-prior.ts); undefined = by library size, as in the app; 0 = off. */
  documentPrior: number | undefined;
  /** Also report every dense weight 0, 0.1, …, 1. */
  sweep: boolean;
  cache: boolean;
  quiet: boolean;
  /** Questions the documents do not answer (JSONL): also report how the calibrated score separates them. */
  unanswerable: string[];
}

export const USAGE = `usage: npm run eval -- --docs <dir> [--docs <dir> …] --queries <file.jsonl> [--queries …]
  [--k 10] [--json] [--mode hybrid|dense|lexical] [--weight ${DEFAULT_DENSE_WEIGHT} (default: by library size)] [--distractors sotu]
  [--target-tokens N] [--min-chars N] [--no-stem] [--no-context | --context-weight ${CONTEXT_TOKEN_WEIGHT}]
  [--bm25-k1 1.2] [--bm25-b 0.75] [--no-titles | --title-weight ${DEFAULT_TITLE_WEIGHT}]
  [--document-prior W (default: by library size, as in the app; 0 = off)] [--sweep] [--no-cache] [--quiet] [--unanswerable <file.jsonl> …]`;

export function parseEvalArgs(argv: readonly string[]): EvalArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        docs: { type: 'string', multiple: true },
        queries: { type: 'string', multiple: true },
        k: { type: 'string', default: '10' },
        json: { type: 'boolean', default: false },
        mode: { type: 'string', default: 'hybrid' },
        weight: { type: 'string' },
        distractors: { type: 'string', default: 'none' },
        'target-tokens': { type: 'string' },
        'min-chars': { type: 'string' },
        'no-stem': { type: 'boolean', default: false },
        'no-context': { type: 'boolean', default: false },
        'context-weight': { type: 'string' },
        'bm25-k1': { type: 'string' },
        'bm25-b': { type: 'string' },
        'no-titles': { type: 'boolean', default: false },
        'title-weight': { type: 'string', default: String(DEFAULT_TITLE_WEIGHT) },
        'document-prior': { type: 'string' },
        sweep: { type: 'boolean', default: false },
        'no-cache': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        unanswerable: { type: 'string', multiple: true },
      },
    }).values;
  } catch (error) {
    throw new EvalInputError(`${(error as Error).message}\n${USAGE}`);
  }
  if (!parsed.docs?.length || !parsed.queries?.length) throw new EvalInputError(`--docs and --queries are required\n${USAGE}`);
  const mode = parsed.mode;
  if (mode !== 'hybrid' && mode !== 'dense' && mode !== 'lexical') throw new EvalInputError(`--mode must be hybrid, dense or lexical`);
  const distractors = parsed.distractors;
  if (distractors !== 'none' && distractors !== 'sotu') throw new EvalInputError(`--distractors must be sotu (or none)`);
  return {
    docs: parsed.docs,
    queries: parsed.queries,
    k: positiveInteger('--k', parsed.k),
    json: parsed.json,
    mode,
    weight: parsed.weight === undefined ? undefined : weightArg(parsed.weight),
    distractors,
    targetTokens: parsed['target-tokens'] === undefined ? undefined : positiveInteger('--target-tokens', parsed['target-tokens']),
    minChars: parsed['min-chars'] === undefined ? undefined : positiveInteger('--min-chars', parsed['min-chars']),
    stem: !parsed['no-stem'],
    noContext: parsed['no-context'],
    contextWeight: parsed['context-weight'] === undefined ? undefined : unitInterval('--context-weight', parsed['context-weight']),
    bm25: {
      ...(parsed['bm25-k1'] === undefined ? {} : { k1: nonNegative('--bm25-k1', parsed['bm25-k1']) }),
      ...(parsed['bm25-b'] === undefined ? {} : { b: nonNegative('--bm25-b', parsed['bm25-b']) }),
    },
    titles: !parsed['no-titles'],
    titleWeight: nonNegative('--title-weight', parsed['title-weight']),
    documentPrior: parsed['document-prior'] === undefined ? undefined : nonNegative('--document-prior', parsed['document-prior']),
    sweep: parsed.sweep,
    cache: !parsed['no-cache'],
    quiet: parsed.quiet,
    unanswerable: parsed.unanswerable ?? [],
  };
}

function positiveInteger(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new EvalInputError(`${name} must be a positive integer, got "${value}"`);
  return n;
}

function nonNegative(name: string, value: string): number {
  const n = Number(value);
  if (!(n >= 0)) throw new EvalInputError(`${name} must be a non-negative number, got "${value}"`);
  return n;
}

function unitInterval(name: string, value: string): number {
  const w = Number(value);
  if (!(w >= 0 && w <= 1)) throw new EvalInputError(`${name} must be a number in [0, 1], got "${value}"`);
  return w;
}

const weightArg = (value: string): number => unitInterval('--weight', value);
