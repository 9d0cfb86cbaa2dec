import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UpgradeMeter, type UpgradeCount } from './upgrade-meter.ts';

describe('UpgradeMeter', () => {
  it('reports 0 at once, then passages done at most every interval, never backwards, and ends at the total', () => {
    let now = 0;
    const reports: UpgradeCount[] = [];
    const meter = new UpgradeMeter((count) => reports.push(count), 250, () => now);
    meter.plan(1000, 4000); // 4 units of work a passage
    assert.deepEqual(reports, [{ done: 0, total: 1000 }]);
    for (let unit = 0; unit < 4000; unit++) {
      now += 1; // 1 ms a unit: 4 s in all
      meter.advance();
    }
    meter.finish();
    assert.deepEqual(reports.at(-1), { done: 1000, total: 1000 });
    assert.ok(reports.length >= 4000 / 250 && reports.length <= 4000 / 250 + 2, `${reports.length} reports for 4 s`);
    for (let i = 1; i < reports.length; i++) assert.ok(reports[i]!.done >= reports[i - 1]!.done, 'never backwards');
    assert.ok(reports.every((r) => r.total === 1000));
  });

  it('never reports more than the total when the work was underestimated', () => {
    const reports: UpgradeCount[] = [];
    const meter = new UpgradeMeter((count) => reports.push(count), 0);
    meter.plan(10, 10);
    for (let i = 0; i < 25; i++) meter.advance();
    meter.finish();
    assert.ok(reports.every((r) => r.done <= 10));
    assert.deepEqual(reports.at(-1), { done: 10, total: 10 });
  });
});
