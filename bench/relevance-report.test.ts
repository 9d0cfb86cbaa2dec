import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CLOSE_MATCH_THRESHOLD } from '../src/core/relevance.ts';
import { quantile, readUnanswerable, relevanceReport, separationAt } from './relevance-report.ts';
import { EvalInputError } from './queries.ts';

describe('relevance report', () => {
  it('quantiles interpolate between order statistics', () => {
    assert.equal(quantile([3, 1, 2], 0.5), 2);
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantile([1, 2, 3, 4], 0), 1);
    assert.equal(quantile([1, 2, 3, 4], 1), 4);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });

  it('counts answerable questions kept and unanswerable ones rejected at a threshold', () => {
    assert.deepEqual(separationAt([0.5, 0.3, 0.2], [0.1, 0.25], 0.25), {
      threshold: 0.25,
      kept: 2,
      answerable: 3,
      rejected: 1,
      unanswerable: 2,
    });
  });

  it('reports every group and marks the shipped threshold', () => {
    const text = relevanceReport(new Map([['answerable', [0.6, 0.7]], ['gibberish', [0.05]], ['off-topic', [0.1, 0.3]]]), 200);
    assert.match(text, /answerable +n=2/);
    assert.match(text, /gibberish +n=1/);
    assert.match(text, new RegExp(`threshold ${CLOSE_MATCH_THRESHOLD.toFixed(3)}: answerable kept 2/2, unanswerable rejected 2/3 +← the app's threshold at 200 passages`));
  });

  it('reads the off-topic set and refuses malformed lines', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'passage-unanswerable-'));
    const good = path.join(dir, 'good.jsonl');
    writeFileSync(good, '{"query": "How do I bake bread?", "kind": "off-topic"}\n\n{"query": "zzxq"}\n');
    assert.deepEqual(readUnanswerable(good).map((q) => [q.query, q.kind]), [
      ['How do I bake bread?', 'off-topic'],
      ['zzxq', 'unanswerable'],
    ]);
    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"kind": "off-topic"}\n');
    assert.throws(() => readUnanswerable(bad), EvalInputError);
  });

  it('the shipped off-topic set has at least 40 questions, gibberish included', () => {
    const set = readUnanswerable(path.join(import.meta.dirname, 'eval', 'off-topic.jsonl'));
    assert.ok(set.length >= 40, `${set.length} questions`);
    assert.ok(set.some((q) => q.kind === 'gibberish'));
    assert.equal(new Set(set.map((q) => q.query)).size, set.length, 'no duplicates');
  });
});
