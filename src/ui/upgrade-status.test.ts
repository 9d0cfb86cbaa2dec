import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { upgradeStatus } from './upgrade-status.ts';

describe('upgrade status line', () => {
  test('says the library is being updated, how far in passages, and to keep the tab open', () => {
    const status = upgradeStatus({ done: 40_000, total: 100_000, elsewhere: false });
    assert.equal(`${status.label} ${status.numbers}`, `Updating your library for this version of Passage: ${(40_000).toLocaleString()} of ${(100_000).toLocaleString()} passages…`);
    assert.match(status.advice, /Nothing is lost — keep this tab open/);
  });

  test('in a tab that waits for another tab’s upgrade, says so and that this tab continues afterwards', () => {
    const status = upgradeStatus({ done: 5, total: 10, elsewhere: true });
    assert.match(status.label, /^Another Passage tab is updating your library/);
    assert.equal(status.numbers, '5 of 10 passages…');
    assert.equal(status.advice, 'This tab continues when it is done.');
  });

  test('a library of one passage says "passage", not "passages"', () => {
    assert.equal(upgradeStatus({ done: 0, total: 1, elsewhere: false }).numbers, '0 of 1 passage…');
  });
});
