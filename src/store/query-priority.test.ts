import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryPriority } from './query-priority.ts';

test('background work waits in turn() while a search runs, and goes on once it settles', async () => {
  const priority = new QueryPriority();
  const order: string[] = [];
  let finishSearch!: () => void;
  const search = priority.run(async () => {
    order.push('search starts');
    await new Promise<void>((resolve) => (finishSearch = resolve));
    order.push('search ends');
    return 42;
  });
  assert.equal(priority.busy, true);
  const background = priority.turn().then(() => order.push('background goes on'));
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(order, ['search starts'], 'the background work is still waiting');
  finishSearch();
  assert.equal(await search, 42);
  await background;
  assert.deepEqual(order, ['search starts', 'search ends', 'background goes on']);
  assert.equal(priority.busy, false);
});

test('turn() lets a task queued before it run first, and a failed search releases the background work too', async () => {
  const priority = new QueryPriority();
  const order: string[] = [];
  setTimeout(() => order.push('queued task'), 0);
  await new Promise((resolve) => setImmediate(resolve)); // the timer is due
  await priority.turn();
  order.push('after turn');
  assert.deepEqual(order, ['queued task', 'after turn']);

  await assert.rejects(priority.run(() => Promise.reject(new Error('read failed'))), /read failed/);
  assert.equal(priority.busy, false);
  await priority.turn(); // does not hang
});
