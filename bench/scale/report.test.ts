import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ScaleRun } from './browser.ts';
import { percentiles } from './browser.ts';
import { renderChart, renderSection, replaceSection, type ScaleResults } from './report.ts';

const tasks = { count: 2, maxMs: 120, totalMs: 200 };
function run(build: 'new' | 'old', passages: number, firstAnswerMs: number, queryMs: number): ScaleRun {
  return {
    build, commit: build === 'new' ? 'abc1234' : '2f97dd0', size: passages, passages, documents: passages / 100,
    fileFormat: 'v1', fileBytes: passages * 1300, measuredAt: '2026-12-03T08:00:00.000Z',
    importMs: passages, importLongTasks: tasks, importRssPeakMB: 900,
    reloadModelReadyMs: 1500, reloadFirstAnswerMs: firstAnswerMs, reloadLongTasks: tasks, reloadRssPeakMB: 800,
    query: { p50: queryMs, p95: queryMs * 2, n: 10 },
    queryParts: build === 'new' ? { rank: { p50: 12, p95: 20, n: 10 } } : {},
    queryLongTasks: tasks, queryRssPeakMB: 700, heapMB: 20, rendererMB: 600, rendererSumMB: 700,
    idbBytes: passages * 2500, idbDiskBytes: passages * 2400, errors: [],
  };
}

const results: ScaleResults = {
  date: '2026-12-03T08:00:00.000Z',
  machine: { nproc: 2, memoryGB: 24, cpu: 'AMD EPYC', loadAverage: { start: 1, end: 2 } },
  versions: { chromium: 'Chromium 156.0.8078.114 built on Debian', node: 'v20.20.2', playwright: '1.65.1', vite: '8.3.8', transformers: '4.3.1' },
  commits: { new: 'abc1234', old: '2f97dd0' },
  newFormat: 'v1',
  runs: [run('new', 10_000, 2000, 100), run('old', 10_000, 5000, 500), run('new', 100_000, 3000, 110)],
  indexing: [],
  skipped: [{ build: 'old', size: 100_000, reason: 'not measured in this test' }],
  failures: [],
  baseline: null,
  quick: true,
};

describe('scale report', () => {
  it('takes the nearest-rank p95 and the median', () => {
    assert.deepEqual(percentiles([5, 1, 4, 2, 3, 6, 7, 8, 9, 10]), { p50: 5.5, p95: 10, n: 10 });
    assert.deepEqual(percentiles([3, 1, 2]), { p50: 2, p95: 3, n: 3 });
  });

  it('renders every run, a dash with the reason for what was not measured, and old ÷ new ratios', () => {
    const section = renderSection(results, '../bench/results/x.json');
    assert.match(section, /^## Scale\n/);
    assert.match(section, /\| 10,000 \| new \(abc1234\) \| 10 s \| 1\.5 s \/ \*\*2\.0 s\*\* \| \*\*100 ms\*\* \/ 200 ms \| – \/ 12 ms \/ – \/ – \|/);
    assert.match(section, /\| 100,000 \| old \(2f97dd0\) \| – \|/);
    assert.match(section, /old at 100,000: not measured: not measured in this test/);
    assert.match(section, /\| 10,000 \| 1\.0× \| 2\.5× \| 5\.0× \|/);
    assert.match(section, /Chromium 156\.0\.8078\.114 headless/);
  });

  it('replaces the Scale section in place, or appends it once', () => {
    const doc = '# B\n\n## Answer quality\n\ntext\n\n## Scale\n\nold figures\n\n## Later\n\nkept\n';
    const replaced = replaceSection(doc, '## Scale\n\nnew figures\n');
    assert.equal(replaced, '# B\n\n## Answer quality\n\ntext\n\n## Scale\n\nnew figures\n\n## Later\n\nkept\n');
    assert.equal(replaceSection(replaced, '## Scale\n\nnew figures\n'), replaced);
    const appended = replaceSection('# B\n\n## Other\n\nx\n', '## Scale\n\nfigures\n');
    assert.equal(appended, '# B\n\n## Other\n\nx\n\n## Scale\n\nfigures\n');
    assert.equal(replaceSection(appended, '## Scale\n\nfigures 2\n'), '# B\n\n## Other\n\nx\n\n## Scale\n\nfigures 2\n');
  });

  it('draws a line per build and metric with at least two sizes', () => {
    const svg = renderChart(results);
    assert.match(svg, /^<svg /);
    assert.equal((svg.match(/<polyline /g) ?? []).length, 2); // new: reload and query; old has one size only
  });
});
