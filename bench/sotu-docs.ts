/**
 * Copies the State of the Union addresses listed in bench/eval/sotu-docs.txt from node_modules into
 * .cache/sotu-docs/ (git-ignored: the texts are not copied into the repo), for `npm run eval -- --docs …`.
 * Usage: npx tsx bench/sotu-docs.ts [--list bench/eval/sotu-docs.txt] [--out .cache/sotu-docs]
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SOTU_DATA_DIR } from './documents.ts';
import { REPO_ROOT } from './node-engine.ts';

export function readSotuList(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

export function materialiseSotuDocs(names: readonly string[], outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const name of names) {
    const source = path.join(SOTU_DATA_DIR, name);
    if (!existsSync(source)) throw new Error(`no State of the Union file ${name} in ${SOTU_DATA_DIR}`);
    copyFileSync(source, path.join(outDir, name));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      list: { type: 'string', default: path.join(REPO_ROOT, 'bench', 'eval', 'sotu-docs.txt') },
      out: { type: 'string', default: path.join(REPO_ROOT, '.cache', 'sotu-docs') },
    },
  });
  const names = readSotuList(values.list);
  materialiseSotuDocs(names, values.out);
  console.log(`copied ${names.length} addresses to ${values.out}`);
}
