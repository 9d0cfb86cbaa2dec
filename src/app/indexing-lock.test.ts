import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeLocks } from './fake-locks.test-support.ts';
import { createIndexingLock } from './indexing-lock.ts';

/** Holds the lock `name` of `locks` until the returned function is called (another tab indexing). */
async function holdElsewhere(locks: FakeLocks, name: string): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  void locks.request(name, {}, () => released);
  while (!locks.isHeld(name)) await new Promise((r) => setTimeout(r, 1));
  return release;
}

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

describe('createIndexingLock (one tab indexes at a time)', () => {
  it('runs at once when no other tab indexes, without saying it waits', async () => {
    const lock = createIndexingLock('db', new FakeLocks());
    let waited = 0;
    assert.equal(await lock.hold(async () => 'done', { signal: new AbortController().signal, onWait: () => waited++ }), 'done');
    assert.equal(waited, 0);
    lock.close();
  });

  it('says it waits while another tab holds the lock, and runs once that tab lets go (closes or finishes)', async () => {
    const locks = new FakeLocks();
    const release = await holdElsewhere(locks, 'passage-indexing:db');
    const lock = createIndexingLock('db', locks);
    let waited = 0;
    let ran = false;
    const held = lock.hold(async () => (ran = true), { signal: new AbortController().signal, onWait: () => waited++ });
    await tick();
    assert.deepEqual([waited, ran], [1, false]);
    release();
    assert.equal(await held, true);
    assert.equal(locks.isHeld('passage-indexing:db'), false);
    lock.close();
  });

  it('stops waiting when cancelled: rejects with the abort and never runs', async () => {
    const locks = new FakeLocks();
    const release = await holdElsewhere(locks, 'passage-indexing:db');
    const lock = createIndexingLock('db', locks);
    const controller = new AbortController();
    let ran = false;
    const held = lock.hold(async () => (ran = true), { signal: controller.signal, onWait: () => undefined });
    await tick();
    controller.abort();
    await assert.rejects(held, { name: 'AbortError' });
    release();
    await tick();
    assert.equal(ran, false);
    lock.close();
  });

  it('a library of another name has its own lock', async () => {
    const locks = new FakeLocks();
    const release = await holdElsewhere(locks, 'passage-indexing:db');
    const lock = createIndexingLock('other-db', locks);
    let waited = 0;
    assert.equal(await lock.hold(async () => 1, { signal: new AbortController().signal, onWait: () => waited++ }), 1);
    assert.equal(waited, 0);
    release();
    lock.close();
  });

  it('a cancel or resume announced in one tab reaches the other tabs of the same library, not itself', async () => {
    const [a, b, elsewhere] = [createIndexingLock('db'), createIndexingLock('db'), createIndexingLock('other-db')];
    const heard: string[] = [];
    a.onAnnounce((signal) => heard.push(`a ${signal}`));
    b.onAnnounce((signal) => heard.push(`b ${signal}`));
    elsewhere.onAnnounce((signal) => heard.push(`elsewhere ${signal}`));
    a.announce('cancel');
    a.announce('resume');
    for (let i = 0; i < 100 && heard.length < 2; i++) await tick(5);
    await tick(20);
    assert.deepEqual(heard, ['b cancel', 'b resume']);
    for (const lock of [a, b, elsewhere]) lock.close();
  });
});
