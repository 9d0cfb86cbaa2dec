import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { modelIsBuilt, REPO_ROOT } from './node-engine.ts';

const EVAL = path.join(REPO_ROOT, 'bench', 'eval.ts');

function runEval(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', EVAL, ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('npm run eval', () => {
  let dir: string;
  let docs: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'passage-eval-'));
    docs = path.join(dir, 'docs');
    mkdirSync(docs);
    writeFileSync(
      path.join(docs, 'fruit.txt'),
      'Bananas are long yellow fruit that grow in tropical climates and are rich in potassium.\n\n' +
        'Apples grow on trees in cool orchards and are harvested in the autumn months.\n\n' +
        'Cherries are small red stone fruit; the season is short and they are picked in early summer.\n',
    );
    writeFileSync(
      path.join(docs, 'space.md'),
      '# Planets\n\nMars is the fourth planet from the Sun and is often called the red planet.\n\n' +
        'Jupiter is the largest planet of the solar system, a gas giant with a great red spot.\n',
    );
    writeFileSync(
      path.join(dir, 'good.jsonl'),
      [
        { query: 'Which fruit is harvested in autumn?', expect: ['Apples grow'] },
        { query: 'biggest planet', expect: ['JUPITER  is the largest'], doc: 'space.md' },
        { query: 'a question with no answer in the corpus', expect: ['no such text anywhere'] },
      ]
        .map((q) => JSON.stringify(q))
        .join('\n') + '\n',
    );
    writeFileSync(path.join(dir, 'bad.jsonl'), '{"query": "fine", "expect": ["x"]}\n{"query": "broken", "expect": \n');
    writeFileSync(path.join(dir, 'no-expect.jsonl'), '\n{"query": "where is it"}\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fails with the file name when the queries file is missing', () => {
    const missing = path.join(dir, 'nope.jsonl');
    const { status, stderr } = runEval(['--docs', docs, '--queries', missing]);
    assert.notEqual(status, 0);
    assert.match(stderr, /cannot read queries file .*nope\.jsonl/);
  });

  it('fails with file and line number on a malformed JSONL line', () => {
    const { status, stderr } = runEval(['--docs', docs, '--queries', path.join(dir, 'bad.jsonl')]);
    assert.notEqual(status, 0);
    assert.match(stderr, /bad\.jsonl:2: not valid JSON/);
  });

  it('fails with file and line number when a question has no expectations', () => {
    const { status, stderr } = runEval(['--docs', docs, '--queries', path.join(dir, 'no-expect.jsonl')]);
    assert.notEqual(status, 0);
    assert.match(stderr, /no-expect\.jsonl:2: "expect" must be a non-empty array/);
  });

  it('fails clearly when the docs directory is missing or options are wrong', () => {
    const missingDocs = runEval(['--docs', path.join(dir, 'missing'), '--queries', path.join(dir, 'good.jsonl')]);
    assert.notEqual(missingDocs.status, 0);
    assert.match(missingDocs.stderr, /--docs .*missing: cannot read directory/);
    const badWeight = runEval(['--docs', docs, '--queries', path.join(dir, 'good.jsonl'), '--weight', '2']);
    assert.notEqual(badWeight.status, 0);
    assert.match(badWeight.stderr, /--weight must be a number in \[0, 1\]/);
    const badContext = runEval(['--docs', docs, '--queries', path.join(dir, 'good.jsonl'), '--context-weight', '1.5']);
    assert.notEqual(badContext.status, 0);
    assert.match(badContext.stderr, /--context-weight must be a number in \[0, 1\]/);
  });

  it('prints one JSON object with the summary and per-query ranks', { skip: !modelIsBuilt() && 'model not built' }, () => {
    const { status, stdout, stderr } = runEval([
      '--docs', docs, '--queries', path.join(dir, 'good.jsonl'), '--json', '--no-cache', '--k', '5',
    ]);
    assert.equal(status, 0, stderr);
    const result = JSON.parse(stdout.trim()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(result).sort(), [
      'hit@1', 'hit@10', 'hit@3', 'k', 'mode', 'mrr', 'passages', 'perQuery', 'queries', 'weight',
    ]);
    assert.equal(result.queries, 3);
    assert.equal(result.passages, 5, 'three fruit paragraphs; the "# Planets" heading joins the Mars paragraph');
    assert.equal(result.mode, 'hybrid');
    const perQuery = result.perQuery as { query: string; rank: number | null; source: string }[];
    assert.equal(perQuery.length, 3);
    assert.equal(perQuery[0]!.rank, 1);
    assert.equal(perQuery[1]!.rank, 1, 'matching ignores case and runs of whitespace');
    assert.equal(perQuery[2]!.rank, null);
    assert.match(perQuery[0]!.source, /good\.jsonl:1$/);
    assert.equal(result['hit@1'], 2);
    assert.equal(result.mrr, Number((2 / 3).toFixed(4)));
  });

  it('prints the summary as the last line', { skip: !modelIsBuilt() && 'model not built' }, () => {
    const { status, stdout } = runEval(['--docs', docs, '--queries', path.join(dir, 'good.jsonl'), '--no-cache', '--mode', 'lexical']);
    assert.equal(status, 0);
    const lines = stdout.trim().split('\n');
    assert.match(lines.at(-1)!, /^hit@1=\d+ hit@3=\d+ hit@10=2 mrr=\d\.\d\d queries=3 passages=5$/);
  });
});
