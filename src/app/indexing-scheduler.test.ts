import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IndexingScheduler, type IndexingRunner } from './indexing-scheduler.ts';

/** A pass the test finishes by hand, so what happens during a run is under the test's control. */
interface Gate {
  open(): void;
  fail(error: unknown): void;
  opened: Promise<void>;
}

function gate(): Gate {
  let open!: () => void;
  let fail!: (error: unknown) => void;
  const opened = new Promise<void>((resolve, reject) => ((open = resolve), (fail = reject)));
  return { open, fail, opened };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A runner whose passes each wait for the next gate; a stopped run rejects with the signal's AbortError, as the
 * real indexing run does. `runs` and `passes` count what the scheduler started.
 */
function setup(options: { mayResume?: () => boolean } = {}) {
  const gates: Gate[] = [];
  let runs = 0;
  let passes = 0;
  const runner: IndexingRunner = async (signal, untilCaughtUp) => {
    runs++;
    await untilCaughtUp(async () => {
      passes++;
      const pass = gate();
      gates.push(pass);
      signal.addEventListener('abort', () => pass.fail(signal.reason), { once: true });
      await pass.opened;
    });
  };
  const scheduler = new IndexingScheduler(runner, options.mayResume ?? (() => true));
  return { scheduler, gates, counts: () => ({ runs, passes }) };
}

describe('IndexingScheduler', () => {
  it('runs one pass and is idle afterwards', async () => {
    const { scheduler, gates, counts } = setup();
    const done = scheduler.resume();
    assert.equal(scheduler.running, true);
    await tick();
    gates[0]!.open();
    await done;
    assert.equal(scheduler.running, false);
    assert.deepEqual(counts(), { runs: 1, passes: 1 });
  });

  it('a resume during a run joins it and adds one follow-up pass, not a second run', async () => {
    const { scheduler, gates, counts } = setup();
    const first = scheduler.resume();
    await tick();
    const second = scheduler.resume();
    const third = scheduler.resume();
    gates[0]!.open();
    await tick();
    assert.deepEqual(counts(), { runs: 1, passes: 2 }, 'two resumes during one pass ask for one more pass');
    gates[1]!.open();
    await Promise.all([first, second, third]);
    assert.deepEqual(counts(), { runs: 1, passes: 2 });
  });

  it('stop aborts the run, pauses, and forgets a follow-up pass asked for', async () => {
    const { scheduler, gates, counts } = setup();
    const run = scheduler.resume();
    await tick();
    scheduler.resume();
    scheduler.stop();
    await assert.rejects(run, { name: 'AbortError' });
    assert.equal(scheduler.paused, true);
    assert.equal(scheduler.running, false);
    assert.deepEqual(counts(), { runs: 1, passes: 1 });
    assert.equal(gates.length, 1);
    const resumed = scheduler.resume();
    assert.equal(scheduler.paused, false);
    await tick();
    gates[1]!.open();
    await resumed;
  });

  it('holds keep background indexing away until the last is released; releasing twice counts once', async () => {
    const { scheduler, gates, counts } = setup();
    const run = scheduler.resume();
    await tick();
    const releaseA = scheduler.hold();
    await assert.rejects(run, { name: 'AbortError' }, 'a hold stops the run in flight');
    const releaseB = scheduler.hold();
    scheduler.resumeInBackground();
    releaseA();
    releaseA();
    await tick();
    assert.equal(scheduler.running, false, 'one hold still open');
    releaseB();
    assert.equal(scheduler.running, true, 'the last release resumes in the background');
    await tick();
    gates[1]!.open();
    await scheduler.settled();
    assert.deepEqual(counts(), { runs: 2, passes: 2 });
  });

  it('does not resume by itself before it may (no model load asked for yet)', async () => {
    let may = false;
    const { scheduler, gates, counts } = setup({ mayResume: () => may });
    scheduler.hold()();
    await scheduler.whileStopped(async () => undefined);
    assert.deepEqual(counts(), { runs: 0, passes: 0 });
    may = true;
    scheduler.hold()();
    assert.equal(scheduler.running, true);
    await tick();
    gates[0]!.open();
    await scheduler.settled();
  });

  it('whileStopped waits for the run in flight to end before changing, then resumes (not paused)', async () => {
    const { scheduler, gates } = setup();
    const run = scheduler.resume();
    await tick();
    const order: string[] = [];
    run.catch((error: unknown) => order.push(`run ended: ${(error as Error).name}`));
    const changed = await scheduler.whileStopped(async () => {
      order.push(`change while running=${scheduler.running}`);
      return 'changed';
    });
    assert.equal(changed, 'changed');
    assert.deepEqual(order, ['run ended: AbortError', 'change while running=false']);
    assert.equal(scheduler.paused, false);
    assert.equal(scheduler.running, true, 'indexing resumed after the change');
    await tick();
    gates[1]!.open();
    await scheduler.settled();
  });

  it('whileStopped resumes even when the change fails, and passes the failure on', async () => {
    const { scheduler, gates } = setup();
    await assert.rejects(
      scheduler.whileStopped(async () => {
        throw new Error('disk full');
      }),
      /disk full/,
    );
    assert.equal(scheduler.running, true);
    await tick();
    gates[0]!.open();
    await scheduler.settled();
  });

  it('a failed run rejects resume and is logged (not thrown) in the background; the next resume starts afresh', async () => {
    const { scheduler, gates, counts } = setup();
    const logged: unknown[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      scheduler.resumeInBackground();
      await tick();
      gates[0]!.fail(new Error('worker died'));
      await scheduler.settled();
      assert.equal(logged.length, 1);
    } finally {
      console.error = error;
    }
    const again = scheduler.resume();
    await tick();
    gates[1]!.open();
    await again;
    assert.deepEqual(counts(), { runs: 2, passes: 2 });
  });
});
