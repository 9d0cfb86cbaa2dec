import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { searchPassages } from './rank.ts';
import { SearchIndex } from './search-index.ts';
import { quantize, quantizeRefined } from './quantize.ts';
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

describe('SearchIndex.addBlock with the block\'s group given once', () => {
  it('filters by group exactly as when each row\'s group is looked up', () => {
    const items = passages(120, 9);
    const groupOf = (id: string) => `g${Number(id.slice(4)) % 3}`;
    const perRow = new SearchIndex<string>(DIMS, { groupOf });
    const perBlock = new SearchIndex<string>(DIMS, { groupOf });
    for (const group of ['g0', 'g1', 'g2']) {
      const part = items.filter((p) => groupOf(p.id) === group);
      const { codes, scales } = block(part);
      perRow.addBlock(part.map((p) => p.id), null, codes, scales);
      perBlock.addBlock(part.map((p) => p.id), null, codes, scales, group);
    }
    for (const groups of [['g0'], ['g1', 'g2'], ['g2'], ['none']]) {
      assert.deepEqual([...perBlock.rowFilter(groups).rows], [...perRow.rowFilter(groups).rows], groups.join());
    }
    assert.ok(perBlock.rowFilter(['g1']).rows.length > 0);
  });
});

describe('SearchIndex.restoreLexical', () => {
  const items = passages(200, 11);
  const build = (order: readonly Passage[]) => {
    const index = new SearchIndex<string>(DIMS);
    const { codes, scales } = block(order);
    index.addBlock(order.map((p) => p.id), order.map((p) => p.text), codes, scales);
    return index;
  };
  const bare = (order: readonly Passage[]) => {
    const index = new SearchIndex<string>(DIMS);
    const { codes, scales } = block(order);
    index.addBlock(order.map((p) => p.id), null, codes, scales);
    return index;
  };

  it('gives the same word scores per passage whether the rows come back in the saved order or another', () => {
    const saved = build(items).lexicalSnapshot();
    const reference = build(items);
    for (const order of [items, [...items].reverse()]) {
      const index = bare(order);
      assert.deepEqual(index.restoreLexical(saved), []);
      for (const query of ['treaty navy', 'debt', 'harbor mint passage 7']) {
        const expected = reference.lexical.scores(query);
        const scores = index.lexical.scores(query);
        for (const p of items) assert.equal(scores[index.rowOf(p.id)!], expected[reference.rowOf(p.id)!], `${query} ${p.id}`);
      }
    }
  });

  it('leaves passages the snapshot does not know without text, and says which', () => {
    const saved = build(items.slice(0, 150)).lexicalSnapshot();
    const index = bare(items);
    assert.deepEqual(index.restoreLexical(saved).sort(), items.slice(150).map((p) => p.id).sort());
  });
});

describe('SearchIndex residual codes', () => {
  it('passes each row\'s residual code to its vectors, by add, addBlock and loadBlock, and scores with it', () => {
    const random = seededRandom(8);
    const vectors = Array.from({ length: 6 }, () => randomUnitVector(random, DIMS));
    const rows = vectors.map(quantizeRefined);
    const stride = rows[0]!.residual.length;
    const codes = new Int8Array(4 * DIMS);
    const residuals = new Uint8Array(4 * stride);
    rows.slice(2).forEach((r, i) => {
      codes.set(r.q, i * DIMS);
      residuals.set(r.residual, i * stride);
    });
    const scales = Float32Array.from(rows.slice(2), (r) => r.scale);
    const index = new SearchIndex<string>(DIMS);
    index.add('a', 'alpha', rows[0]!.q, rows[0]!.scale, rows[0]!.residual);
    index.add('b', 'beta', rows[1]!.q, rows[1]!.scale); // stored without one
    index.addBlock(['c', 'd'], null, codes.subarray(0, 2 * DIMS), scales.subarray(0, 2), undefined, residuals.subarray(0, 2 * stride));
    const loaded = new SearchIndex<string>(DIMS);
    loaded.loadBlock(['e', 'f'], codes.subarray(2 * DIMS), scales.subarray(2), undefined, residuals.subarray(2 * stride));
    assert.deepEqual(['a', 'b', 'c', 'd'].map((id) => index.vectors.isRefined(index.rowOf(id)!)), [true, false, true, true]);
    assert.deepEqual([0, 1].map((row) => loaded.vectors.isRefined(row)), [true, true]);
    // A refined row's vector is nearer its float vector than the int8 one is (its score along the row itself).
    const query = vectors[0]!;
    const refined = Array.from(index.vectors.vector(index.rowOf('a')!), (x, d) => x * query[d]!).reduce((x, y) => x + y, 0);
    const [int8] = index.vectors.scoreRows(query, [index.rowOf('a')!]);
    assert.ok(Math.abs(refined - 1) < Math.abs(int8! - 1));
  });
});

describe('SearchIndex.loadBlock', () => {
  it('searches, filters, finds and removes exactly as an index built by addBlock', () => {
    const items = passages(240, 21);
    const groupOf = (id: string) => `g${Number(id.slice(4)) % 4}`;
    const added = new SearchIndex<string>(DIMS, { groupOf });
    const loaded = new SearchIndex<string>(DIMS, { groupOf });
    for (const group of ['g0', 'g1', 'g2', 'g3']) {
      const part = items.filter((p) => groupOf(p.id) === group);
      const { codes, scales } = block(part);
      added.addBlock(part.map((p) => p.id), null, codes, scales);
      loaded.loadBlock(part.map((p) => p.id), codes, scales, group);
    }
    assert.equal(loaded.size, added.size);
    const query = randomUnitVector(seededRandom(5), DIMS);
    const same = () =>
      assert.deepEqual(
        searchPassages(loaded, query, '', { k: 10, mode: 'dense' }).map((h) => h.id),
        searchPassages(added, query, '', { k: 10, mode: 'dense' }).map((h) => h.id),
      );
    same();
    assert.deepEqual([...loaded.rowFilter(['g2']).rows], [...added.rowFilter(['g2']).rows]);
    for (const p of items) assert.equal(loaded.rowOf(p.id), added.rowOf(p.id));
    // The map built on demand serves later changes: removing a third of the rows compacts both alike.
    for (const p of items.filter((_, i) => i % 3 === 0)) assert.equal(loaded.remove(p.id), added.remove(p.id));
    assert.equal(loaded.size, added.size);
    same();
    // After the map exists, a stored block with an id already present replaces it (addBlock's rules).
    const again = items.slice(1, 3);
    const { codes, scales } = block(again);
    loaded.loadBlock(again.map((p) => p.id), codes, scales, 'g9');
    assert.equal(loaded.size, added.size);
  });
});
