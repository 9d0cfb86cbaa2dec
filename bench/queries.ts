/**
 * Reads eval questions: JSONL, one `{"query": "...", "expect": ["substring", ...], "doc"?: "file name"}` per
 * line. With `doc`, only passages of that document count as answers (so a distractor that happens to contain
 * the same words is not mistaken for the answer).
 */
import { readFileSync } from 'node:fs';

export interface EvalQuery {
  query: string;
  expect: string[];
  doc: string | null;
  /** Where it came from, for messages: "file.jsonl:12". */
  source: string;
}

export class EvalInputError extends Error {}

export function readQueries(file: string): EvalQuery[] {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    throw new EvalInputError(`cannot read queries file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  const queries: EvalQuery[] = [];
  content.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const source = `${file}:${i + 1}`;
    queries.push(parseQueryLine(line, source));
  });
  if (queries.length === 0) throw new EvalInputError(`${file}: no queries`);
  return queries;
}

function parseQueryLine(line: string, source: string): EvalQuery {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new EvalInputError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EvalInputError(`${source}: expected an object like {"query": "...", "expect": ["..."]}`);
  }
  const { query, expect, doc } = value as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') {
    throw new EvalInputError(`${source}: "query" must be a non-empty string`);
  }
  if (!Array.isArray(expect) || expect.length === 0 || !expect.every((e) => typeof e === 'string' && e.trim() !== '')) {
    throw new EvalInputError(`${source}: "expect" must be a non-empty array of non-empty strings`);
  }
  if (doc !== undefined && (typeof doc !== 'string' || doc.trim() === '')) {
    throw new EvalInputError(`${source}: "doc" must be a document file name`);
  }
  return { query, expect: expect as string[], doc: doc ?? null, source };
}
