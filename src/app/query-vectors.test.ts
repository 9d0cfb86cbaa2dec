import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryVectors } from './query-vectors.ts';

/** An embedder whose calls stay pending until the test settles them. */
function controlledEmbedder() {
  const calls: { text: string; resolve: (v: Float32Array) => void; reject: (e: Error) => void }[] = [];
  const embed = (text: string) =>
    new Promise<Float32Array>((resolve, reject) => {
      calls.push({ text, resolve, reject });
    });
  return { calls, embed };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a search for text embedded ahead while typing shares that model call', async () => {
  const { calls, embed } = controlledEmbedder();
  const vectors = new QueryVectors(embed);
  vectors.prefetch('national debt');
  const searched = vectors.get('national debt ');
  assert.deepEqual(calls.map((c) => c.text), ['national debt']);
  calls[0]!.resolve(Float32Array.of(1, 2));
  assert.deepEqual(await searched, Float32Array.of(1, 2));
  // Asked again later: no new call.
  assert.deepEqual(await vectors.get('national debt'), Float32Array.of(1, 2));
  assert.equal(calls.length, 1);
});

test('while one look-ahead call runs, only the newest typed text is embedded next', async () => {
  const { calls, embed } = controlledEmbedder();
  const vectors = new QueryVectors(embed);
  vectors.prefetch('n');
  vectors.prefetch('na');
  vectors.prefetch('nat');
  assert.deepEqual(calls.map((c) => c.text), ['n']);
  calls[0]!.resolve(Float32Array.of(0));
  await tick();
  assert.deepEqual(calls.map((c) => c.text), ['n', 'nat']);
});

test('a search for other text than the one embedding ahead is embedded at once and drops it from the waiting line', async () => {
  const { calls, embed } = controlledEmbedder();
  const vectors = new QueryVectors(embed);
  vectors.prefetch('tar');
  vectors.prefetch('tariff');
  const searched = vectors.get('tariff');
  assert.deepEqual(calls.map((c) => c.text), ['tar', 'tariff']);
  calls[0]!.resolve(Float32Array.of(0));
  calls[1]!.resolve(Float32Array.of(3));
  assert.deepEqual(await searched, Float32Array.of(3));
  await tick();
  assert.equal(calls.length, 2, 'tariff was not embedded a second time');
});

test('a failed embedding is not remembered: the next search tries again', async () => {
  const { calls, embed } = controlledEmbedder();
  const vectors = new QueryVectors(embed);
  vectors.prefetch('debt');
  calls[0]!.reject(new Error('worker died'));
  await assert.rejects(vectors.get('debt'), /worker died/);
  await tick();
  const again = vectors.get('debt');
  assert.equal(calls.length, 2);
  calls[1]!.resolve(Float32Array.of(5));
  assert.deepEqual(await again, Float32Array.of(5));
});

test('only the most recently used vectors are kept, and clear forgets them all', async () => {
  const { calls, embed } = controlledEmbedder();
  const vectors = new QueryVectors(embed, 2);
  for (const text of ['a', 'b']) void vectors.get(text);
  void vectors.get('a'); // used again: now the most recent
  void vectors.get('c'); // drops b, the least recently used
  assert.deepEqual(calls.map((c) => c.text), ['a', 'b', 'c']);
  void vectors.get('a');
  void vectors.get('b');
  assert.deepEqual(calls.map((c) => c.text), ['a', 'b', 'c', 'b']);
  vectors.clear();
  void vectors.get('b');
  assert.equal(calls.length, 5);
  vectors.prefetch('  ');
  assert.equal(calls.length, 5, 'blank text is never embedded');
});
