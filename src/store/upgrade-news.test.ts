import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UpgradeProgress } from '../app/api.ts';
import { UpgradeNews } from './upgrade-news.ts';

let counter = 0;
const freshName = () => `upgrade-news-${process.pid}-${++counter}`;
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('UpgradeNews', () => {
  it('a tab whose open waits hears the upgrading tab’s progress as “elsewhere”, and null once its own open ended', async () => {
    const name = freshName();
    const upgrading: (UpgradeProgress | null)[] = [];
    const waiting: (UpgradeProgress | null)[] = [];
    const here = new UpgradeNews(name, (p) => upgrading.push(p));
    const there = new UpgradeNews(name, (p) => waiting.push(p));
    here.here({ done: 0, total: 10 });
    here.here({ done: 6, total: 10 });
    await settle();
    assert.deepEqual(upgrading, [{ done: 0, total: 10, elsewhere: false }, { done: 6, total: 10, elsewhere: false }]);
    assert.deepEqual(waiting, [{ done: 0, total: 10, elsewhere: true }, { done: 6, total: 10, elsewhere: true }]);
    here.done();
    there.done();
    assert.equal(upgrading.at(-1), null);
    assert.equal(waiting.at(-1), null);
  });

  it('says nothing when no upgrade ran, and nothing after its own open ended', async () => {
    const name = freshName();
    const told: (UpgradeProgress | null)[] = [];
    const quiet = new UpgradeNews(name, (p) => told.push(p));
    quiet.done();
    const other = new UpgradeNews(name, () => undefined);
    other.here({ done: 1, total: 2 });
    await settle();
    other.done();
    assert.deepEqual(told, []);
  });
});
