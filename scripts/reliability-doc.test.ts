/**
 * docs/RELIABILITY.md names, in its last column, the test that proves each row. This keeps every name true: the
 * file exists and holds a test with exactly that title (a renamed or deleted test fails here, not silently).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const doc = readFileSync(path.join(root, 'docs', 'RELIABILITY.md'), 'utf8');

/** `file: "title"` pairs from the last cell of each table row; a cell may name several, separated by ";". */
function namedTests(): { row: string; file: string; title: string }[] {
  const named: { row: string; file: string; title: string }[] = [];
  for (const line of doc.split('\n')) {
    if (!line.startsWith('|') || /^\|\s*-/.test(line) || /^\|\s*input or fault/.test(line)) continue;
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim());
    const last = cells[cells.length - 2] ?? '';
    for (const match of last.matchAll(/([\w./-]+\.(?:spec|test)\.ts): "((?:[^"\\]|\\.)*)"/g)) {
      named.push({ row: cells[1] ?? '', file: match[1]!, title: match[2]!.replace(/\\(.)/g, '$1') });
    }
  }
  return named;
}

test('every row of docs/RELIABILITY.md names at least one test, and at least 25 rows do', () => {
  const rows = doc.split('\n').filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l) && !/^\|\s*input or fault/.test(l));
  const rowsWithTests = new Set(namedTests().map((t) => t.row));
  for (const row of rows) assert.ok(rowsWithTests.has(row.split(/(?<!\\)\|/)[1]!.trim()), `no test named in: ${row.slice(0, 80)}`);
  assert.ok(rows.length >= 25, `${rows.length} rows`);
});

test('every test docs/RELIABILITY.md names exists, with exactly that title', () => {
  for (const { file, title } of namedTests()) {
    const full = path.join(root, file);
    assert.ok(existsSync(full), `${file} does not exist`);
    const source = readFileSync(full, 'utf8');
    const quoted = [`'${title.replace(/'/g, "\\'")}'`, `"${title}"`, `\`${title}\``];
    assert.ok(quoted.some((q) => source.includes(q)), `${file} has no test titled: ${title}`);
  }
});
