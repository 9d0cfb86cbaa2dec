import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { UpgradeProgress } from '../core/types.ts';
import { UpgradeNews } from './upgrade-news.ts';

let counter = 0;
const freshName = () => `upgrade-news-${process.pid}-${++counter}`;

/** Resolves once `told` holds `count` entries (messages cross the channel asynchronously; a loaded machine is slow). */
async function heard(told: unknown[], count: number): Promise<void> {
  while (told.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
}

// A lost message would otherwise wait forever; this is a guard, not a speed check.
describe('UpgradeNews', { timeout: 30_000 }, () => {
  it('a tab whose open waits hears the upgrading tab’s progress as “elsewhere”, and null once its own open ended', async () => {
    const name = freshName();
    const upgrading: (UpgradeProgress | null)[] = [];
    const waiting: (UpgradeProgress | null)[] = [];
    const here = new UpgradeNews(name, (p) => upgrading.push(p));
    const there = new UpgradeNews(name, (p) => waiting.push(p));
    try {
      here.here({ done: 0, total: 10 });
      here.here({ done: 6, total: 10 });
      await heard(waiting, 2);
      assert.deepEqual(upgrading, [{ done: 0, total: 10, elsewhere: false }, { done: 6, total: 10, elsewhere: false }]);
      assert.deepEqual(waiting, [{ done: 0, total: 10, elsewhere: true }, { done: 6, total: 10, elsewhere: true }]);
    } finally {
      here.done();
      there.done();
    }
    assert.equal(upgrading.at(-1), null);
    assert.equal(waiting.at(-1), null);
  });

  it('says nothing when no upgrade ran, and nothing after its own open ended', async () => {
    const name = freshName();
    const told: (UpgradeProgress | null)[] = [];
    const quiet = new UpgradeNews(name, (p) => told.push(p));
    quiet.done();
    const other = new UpgradeNews(name, () => undefined);
    // A third tab still listening shows the message was posted, so `quiet` had its chance to hear it.
    const listening: (UpgradeProgress | null)[] = [];
    const witness = new UpgradeNews(name, (p) => listening.push(p));
    try {
      other.here({ done: 1, total: 2 });
      await heard(listening, 1);
    } finally {
      other.done();
      witness.done();
    }
    assert.deepEqual(told, []);
  });
});
