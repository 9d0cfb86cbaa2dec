import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { searchPassages } from './rank.ts';
import { SearchIndex } from './search-index.ts';
import { quantize } from './vector-index.ts';
import { randomUnitVector, seededRandom } from './random.test-support.ts';

const DIMS = 32;
const WORDS = ['treaty', 'tariff', 'revenue', 'army', 'navy', 'debt', 'harbor', 'mint'];

function passages(count: number, seed: number) {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `doc#${i}`,
    text: `${WORDS[i % WORDS.length]} ${WORDS[(i * 3) % WORDS.length]} passage ${i}`,
    ...quantize(randomUnitVector(random, DIMS)),
  }));
}

type Passage = ReturnType<typeof passages>[number];

function block(items: readonly Passage[]): { codes: Int8Array; scales: Float32Array } {
  const codes = new Int8Array(items.length * DIMS);
  items.forEach((p, i) => codes.set(p.q, i * DIMS));
  return { codes, scales: Float32Array.from(items, (p) => p.scale) };
}

describe('SearchIndex.addBlock', () => {
  const items = passages(300, 4);
  const queries = Array.from({ length: 10 }, (_, i) => randomUnitVector(seededRandom(100 + i), DIMS));

  it('answers every search mode exactly as adding the passages one by one', () => {
    const single = new SearchIndex<string>(DIMS);
    for (const p of items) single.add(p.id, p.text, p.q, p.scale);
    const blocked = new SearchIndex<string>(DIMS);
    for (let from = 0; from < items.length; from += 128) {
      const part = items.slice(from, from + 128);
      const { codes, scales } = block(part);
      assert.equal(blocked.addBlock(part.map((p) => p.id), part.map((p) => p.text), codes, scales), from);
    }
    assert.equal(blocked.size, items.length);
    for (const query of queries) {
      for (const mode of ['hybrid', 'dense', 'lexical'] as const) {
        assert.deepEqual(searchPassages(blocked, query, 'treaty navy', { mode }), searchPassages(single, query, 'treaty navy', { mode }));
      }
    }
  });

  it('without texts leaves BM25 empty until the caller fills it by row', () => {
    const index = new SearchIndex<string>(DIMS);
    const { codes, scales } = block(items);
    index.addBlock(items.map((p) => p.id), null, codes, scales);
    assert.deepEqual(searchPassages(index, null, 'treaty'), []);
    assert.equal(searchPassages(index, queries[0]!, 'treaty', { mode: 'dense' }).length, 10);
    for (const p of items) index.lexical.add(index.rowOf(p.id)!, p.text);
    const hits = searchPassages(index, null, 'treaty');
    assert.equal(hits.length, 10);
    assert.ok(hits.every((h) => items.find((p) => p.id === h.id)!.text.includes('treaty')));
    assert.equal(index.rowOf('missing'), undefined);
  });

  it('replaces passages already present and rejects an id twice in one block or mismatched lengths', () => {
    const index = new SearchIndex<string>(DIMS);
    const first = items.slice(0, 5);
    index.addBlock(first.map((p) => p.id), first.map((p) => p.text), block(first).codes, block(first).scales);
    const replacement = { ...items[5]!, id: items[2]!.id };
    const { codes, scales } = block([replacement]);
    index.addBlock([replacement.id], [replacement.text], codes, scales);
    assert.equal(index.size, 5);
    assert.equal(index.rowOf(items[2]!.id), 5);
    assert.equal(searchPassages(index, randomUnitVector(seededRandom(1), DIMS), '', { mode: 'dense' }).length, 5);
    const two = block(items.slice(0, 2));
    assert.throws(() => index.addBlock(['a', 'a'], null, two.codes, two.scales), /same passage id twice/);
    assert.throws(() => index.addBlock(['a'], null, two.codes, two.scales), /block of 1 ids has 2 scales/);
  });
});
