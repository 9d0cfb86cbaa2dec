/** Loads eval documents: every .txt/.md file in the given directories (not recursive), plus optional distractors. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EvalInputError } from './queries.ts';
import { REPO_ROOT } from './node-engine.ts';

export interface EvalDocument {
  /** File name: passage ids are `${name}#${ordinal}`. */
  name: string;
  text: string;
}

const DOCUMENT_FILE = /\.(txt|md)$/i;

export const SOTU_DATA_DIR = path.join(REPO_ROOT, 'node_modules', '@stdlib', 'datasets-sotu', 'data');

export function readDocumentDirs(dirs: readonly string[]): EvalDocument[] {
  const documents: EvalDocument[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      if (!statSync(dir).isDirectory()) throw new EvalInputError(`--docs ${dir}: not a directory`);
      names = readdirSync(dir).filter((n) => DOCUMENT_FILE.test(n)).sort();
    } catch (error) {
      if (error instanceof EvalInputError) throw error;
      throw new EvalInputError(`--docs ${dir}: cannot read directory (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    if (names.length === 0) throw new EvalInputError(`--docs ${dir}: no .txt or .md files`);
    for (const name of names) documents.push({ name, text: readFileSync(path.join(dir, name), 'utf8') });
  }
  return documents;
}

/** Every State of the Union address as .txt, except files whose names are already loaded. */
export function sotuDistractors(alreadyLoaded: readonly EvalDocument[]): EvalDocument[] {
  const loaded = new Set(alreadyLoaded.map((d) => d.name));
  return readdirSync(SOTU_DATA_DIR)
    .filter((n) => n.endsWith('.txt') && !loaded.has(n))
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(SOTU_DATA_DIR, name), 'utf8') }));
}
