import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUnitVector, seededRandom } from './random.test-support.ts';
import { searchPassages, type SearchMode } from './rank.ts';
import { SearchIndex } from './search-index.ts';
import { quantize } from './quantize.ts';

const DIMS = 32;
const docOf = (id: string) => id.slice(0, id.lastIndexOf(':'));
const MODES: SearchMode[] = ['hybrid', 'dense', 'lexical'];

/**
 * Documents whose passages point near `query` (the "near" ones) or away from it (`far`), all sharing the word
 * "harbor", so an unfiltered search fills its top k from the near documents only.
 */
function library(sizes: Record<string, number>, far: readonly string[], query: Float32Array, seed = 7) {
  const random = seededRandom(seed);
  const index = new SearchIndex<string>(DIMS, { groupOf: docOf });
  for (const [doc, count] of Object.entries(sizes)) {
    for (let i = 0; i < count; i++) {
      const noise = randomUnitVector(random, DIMS);
      const sign = far.includes(doc) ? -1 : 1;
      const vec = Float32Array.from(query, (v, d) => sign * v + 0.6 * noise[d]!);
      const { q, scale } = quantize(vec);
      index.add(`${doc}:${i}`, `harbor ${doc} passage ${i} ${i % 3 === 0 ? 'harbor' : 'mint'}`, q, scale);
    }
  }
  return index;
}

describe('searchPassages within a few documents', () => {
  const query = randomUnitVector(seededRandom(1), DIMS);

  it('returns k hits from the chosen documents even when none of them would reach the unfiltered top k', () => {
    const index = library({ near1: 200, near2: 200, farA: 40, farB: 40 }, ['farA', 'farB'], query);
    for (const mode of MODES) {
      const unfiltered = searchPassages(index, query, 'harbor', { k: 10, mode });
      assert.ok(unfiltered.every((h) => docOf(h.id).startsWith('near')), `${mode}: the far documents rank below the top 10`);
      const within = index.rowFilter(['farB']);
      const hits = searchPassages(index, query, 'harbor', { k: 10, mode, within });
      assert.equal(hits.length, 10, `${mode}: still 10 hits`);
      assert.ok(hits.every((h) => docOf(h.id) === 'farB'), `${mode}: only farB`);
      for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.score >= hits[i]!.score, `${mode}: best first`);
    }
  });

  it('ranks a chosen document by meaning exactly as a search over that document alone would', () => {
    const index = library({ near1: 300, farA: 120, farB: 80 }, ['farA', 'farB'], query);
    const within = index.rowFilter(['farA']);
    const filtered = searchPassages(index, query, 'harbor', { k: 10, mode: 'dense', within });
    const exact = index.vectors
      .searchExact(query, index.size)
      .filter((h) => docOf(index.idAt(h.row)) === 'farA')
      .slice(0, 10);
    assert.deepEqual(
      filtered.map((h) => h.row),
      exact.map((h) => h.row),
    );
  });

  it('takes the union of several chosen documents, and returns fewer than k only when they hold fewer passages', () => {
    const index = library({ near1: 100, farA: 3, farB: 4 }, ['farA', 'farB'], query);
    for (const mode of MODES) {
      const hits = searchPassages(index, query, 'harbor', { k: 10, mode, within: index.rowFilter(['farA', 'farB']) });
      assert.equal(hits.length, 7, mode);
      assert.deepEqual(new Set(hits.map((h) => docOf(h.id))), new Set(['farA', 'farB']), mode);
    }
    assert.deepEqual(searchPassages(index, query, 'harbor', { within: index.rowFilter(['no-such-document']) }), []);
  });

  it('scans a chosen subset larger than the re-scoring pool through its mask', () => {
    // 2,500 rows in the chosen document: more than the pool (1,000 at k = 10), so the sign-code pass runs on it.
    const index = library({ near1: 1500, farA: 2500 }, ['farA'], query, 11);
    const within = index.rowFilter(['farA']);
    assert.equal(within.rows.length, 2500);
    const hits = searchPassages(index, query, 'harbor', { k: 10, mode: 'dense', within });
    assert.equal(hits.length, 10);
    assert.ok(hits.every((h) => docOf(h.id) === 'farA'));
    const exact = new Set(
      index.vectors
        .searchExact(query, index.size)
        .filter((h) => docOf(index.idAt(h.row)) === 'farA')
        .slice(0, 10)
        .map((h) => h.row),
    );
    const found = hits.filter((h) => exact.has(h.row)).length;
    assert.ok(found >= 9, `recall@10 within the document: ${found}/10`);
  });

  it('follows removals and compaction: removed passages never come back, the rest keep their document', () => {
    const index = library({ near1: 50, farA: 30, farB: 30 }, ['farA', 'farB'], query);
    for (let i = 0; i < 30; i++) index.remove(`farA:${i}`); // more than a quarter of the rows: compacts
    for (let i = 0; i < 10; i++) index.remove(`near1:${i}`);
    assert.ok(index.vectors.removedCount < 40, 'the index compacted');
    assert.deepEqual(searchPassages(index, query, 'harbor', { within: index.rowFilter(['farA']) }), []);
    const farB = index.rowFilter(['farB']);
    assert.equal(farB.rows.length, 30);
    assert.ok(Array.from(farB.rows).every((row) => docOf(index.idAt(row)) === 'farB'));
    const { q, scale } = quantize(query);
    index.add('farA:99', 'harbor again', q, scale);
    const hits = searchPassages(index, query, 'harbor', { k: 5, within: index.rowFilter(['farA']) });
    assert.deepEqual(
      hits.map((h) => h.id),
      ['farA:99'],
    );
  });

  it('is refused by an index built without groups', () => {
    assert.throws(() => new SearchIndex<string>(DIMS).rowFilter(['a']), /without groupOf/);
  });
});
