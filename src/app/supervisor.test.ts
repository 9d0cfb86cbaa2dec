import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkerDiedError } from '../core/faults.ts';
import { Supervisor, type Supervised } from './supervisor.ts';

/** A stand-in worker: `kill()` settles `died` as a real lifeline would; `stopped` records a terminate. */
function fakeInstance(id: number) {
  let kill!: (error: Error) => void;
  const died = new Promise<Error>((resolve) => (kill = resolve));
  const instance = { id, stopped: false, kill: (reason = 'closed') => kill(new WorkerDiedError(reason)) };
  const supervised: Supervised<typeof instance> = { value: instance, died, stop: () => (instance.stopped = true) };
  return supervised;
}

function setup() {
  const made: ReturnType<typeof fakeInstance>[] = [];
  const deaths: string[] = [];
  const supervisor = new Supervisor(
    () => {
      const instance = fakeInstance(made.length + 1);
      made.push(instance);
      return instance;
    },
    { name: 'the test worker', onDeath: (error) => deaths.push(error.message) },
  );
  return { supervisor, made, deaths };
}

const never = new Promise<never>(() => undefined);

describe('Supervisor', () => {
  it('creates one instance on first use and reuses it while it lives', async () => {
    const { supervisor, made } = setup();
    assert.equal(await supervisor.run(async (w) => w.id), 1);
    assert.equal(await supervisor.run(async (w) => w.id), 1);
    assert.equal(made.length, 1);
  });

  it('rejects an operation pending on a worker that dies, and retries it once on a fresh worker', async () => {
    const { supervisor, made, deaths } = setup();
    const result = supervisor.run(async (w) => {
      if (w.id === 1) {
        w.kill();
        return never; // a call to a dead worker never answers by itself
      }
      return `answered by ${w.id}`;
    });
    assert.equal(await result, 'answered by 2');
    assert.equal(made[0]!.value.stopped, true, 'the dead worker is terminated');
    assert.deepEqual(deaths, ['closed']);
  });

  it('retries when the operation itself hears of the death first (its client rejected)', async () => {
    const { supervisor, made } = setup();
    const result = await supervisor.run(async (w) => {
      if (w.id === 1) throw new WorkerDiedError('crashed');
      return w.id;
    });
    assert.equal(result, 2);
    assert.equal(made.length, 2);
  });

  it('gives up with WorkerFailedError after a second death, and the next call starts yet another worker', async () => {
    const { supervisor, made } = setup();
    await assert.rejects(
      supervisor.run(async (w) => {
        throw new WorkerDiedError(`died ${w.id}`);
      }),
      { name: 'WorkerFailedError' },
    );
    assert.equal(made.length, 2);
    assert.equal(await supervisor.run(async (w) => w.id), 3, '"Try again" works without a reload');
  });

  it('does not retry ordinary errors', async () => {
    const { supervisor, made } = setup();
    let calls = 0;
    await assert.rejects(
      supervisor.run(async () => {
        calls++;
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }),
      { name: 'QuotaExceededError' },
    );
    assert.equal(calls, 1);
    assert.equal(made.length, 1);
  });

  it('replaces a worker that dies between operations at the next call', async () => {
    const { supervisor, made } = setup();
    await supervisor.run(async (w) => w.id);
    made[0]!.value.kill();
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(await supervisor.run(async (w) => w.id), 2);
  });

  it('renew starts a fresh worker at the next call; stop refuses further calls', async () => {
    const { supervisor, made } = setup();
    await supervisor.run(async (w) => w.id);
    supervisor.renew();
    assert.equal(made[0]!.value.stopped, true);
    assert.equal(await supervisor.run(async (w) => w.id), 2);
    supervisor.stop();
    assert.equal(made[1]!.value.stopped, true);
    await assert.rejects(supervisor.run(async (w) => w.id), /stopped/);
  });
});
