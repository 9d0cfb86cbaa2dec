/**
 * How well the calibrated score (src/core/relevance.ts) separates questions the documents answer from questions
 * they don't (off-topic questions, gibberish): `npm run eval -- … --unanswerable bench/eval/off-topic.jsonl`.
 * Each question counts by its best hit's calibrated score; at a threshold an answerable question is *kept* when
 * that score reaches it, an unanswerable one *rejected* when it stays below.
 */
import { readFileSync } from 'node:fs';
import { CLOSE_MATCH_THRESHOLD, closeMatchThreshold } from '../src/core/relevance.ts';
import { EvalInputError } from './queries.ts';

export interface UnanswerableQuery {
  query: string;
  /** "off-topic", "gibberish", … — reported separately. */
  kind: string;
  source: string;
}

/** JSONL, one `{"query": "...", "kind": "off-topic" | "gibberish"}` per line. */
export function readUnanswerable(file: string): UnanswerableQuery[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new EvalInputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const out: UnanswerableQuery[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const source = `${file}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new EvalInputError(`${source}: not valid JSON (${(error as Error).message})`);
    }
    const { query, kind } = (value ?? {}) as Record<string, unknown>;
    if (typeof query !== 'string' || query.trim() === '') throw new EvalInputError(`${source}: "query" must be a non-empty string`);
    out.push({ query, kind: typeof kind === 'string' && kind ? kind : 'unanswerable', source });
  });
  if (out.length === 0) throw new EvalInputError(`${file}: no queries`);
  return out;
}

/** Quantile q ∈ [0, 1] of `values` (linear between order statistics, as numpy's default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

export interface Separation {
  threshold: number;
  kept: number;
  answerable: number;
  rejected: number;
  unanswerable: number;
}

export function separationAt(answerable: readonly number[], unanswerable: readonly number[], threshold: number): Separation {
  return {
    threshold,
    kept: answerable.filter((s) => s >= threshold).length,
    answerable: answerable.length,
    rejected: unanswerable.filter((s) => s < threshold).length,
    unanswerable: unanswerable.length,
  };
}

const QUANTILES = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1];

/** A plain-text report: quantiles of each group's best score, and kept/rejected at thresholds around the chosen one. */
export function relevanceReport(
  groups: ReadonlyMap<string, readonly number[]>,
  passages: number,
  answerableGroup = 'answerable',
): string {
  const shipped = closeMatchThreshold(passages);
  const answerable = groups.get(answerableGroup) ?? [];
  const unanswerable = [...groups].filter(([name]) => name !== answerableGroup).flatMap(([, scores]) => [...scores]);
  const lines = [`best calibrated score per question, quantiles ${QUANTILES.join(' ')}`];
  for (const [name, scores] of groups) {
    lines.push(`  ${name.padEnd(12)} n=${String(scores.length).padEnd(4)} ${QUANTILES.map((q) => quantile(scores, q).toFixed(3)).join(' ')}`);
  }
  const thresholds = [...new Set([0.15, 0.175, 0.2, CLOSE_MATCH_THRESHOLD, 0.25, 0.275, 0.3, 0.35, 0.4, 0.45, shipped])].sort((a, b) => a - b);
  for (const t of thresholds) {
    const s = separationAt(answerable, unanswerable, t);
    const mark = t === shipped ? `  ← the app's threshold at ${passages} passages` : '';
    lines.push(`  threshold ${t.toFixed(3)}: answerable kept ${s.kept}/${s.answerable}, unanswerable rejected ${s.rejected}/${s.unanswerable}${mark}`);
  }
  return lines.join('\n');
}
