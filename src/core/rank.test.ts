import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_DENSE_WEIGHT,
  denseWeightFor,
  LARGE_LIBRARY_DENSE_WEIGHT,
  LARGE_LIBRARY_ROWS,
  minMaxNormalise,
  rank,
  searchPassages,
  SMALL_LIBRARY_ROWS,
} from './rank.ts';
import { SearchIndex } from './search-index.ts';
import { TitleIndex } from './title-index.ts';
import { quantize } from './quantize.ts';

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} is not ${expected}`);

describe('minMaxNormalise', () => {
  it('maps min to 0, max to 1 and the rest linearly', () => {
    assert.deepEqual(Array.from(minMaxNormalise([2, 4, 3, 6])), [0, 0.5, 0.25, 1]);
  });

  it('maps a constant list to zeros (it cannot rank anything)', () => {
    assert.deepEqual(Array.from(minMaxNormalise([0.3, 0.3])), [0, 0]);
    assert.deepEqual(Array.from(minMaxNormalise([])), []);
  });
});

describe('rank', () => {
  it('fuses normalised scores over the union of candidates', () => {
    const ranked = rank({
      dense: [
        { row: 0, score: 0.9 },
        { row: 1, score: 0.5 },
        { row: 2, score: 0.7 },
      ],
      lexical: [
        { row: 1, score: 10 },
        { row: 3, score: 4 },
      ],
      k: 10,
      weight: 0.7,
    });
    // dense: row 3 missing → list minimum 0.5 → normalised 1, 0, 0.5, 0
    // lexical: rows 0 and 2 missing → minimum 4 → normalised 0, 1, 0, 0
    assert.deepEqual(
      ranked.map((r) => r.row),
      [0, 2, 1, 3],
    );
    close(ranked[0]!.score, 0.7);
    close(ranked[1]!.score, 0.35);
    close(ranked[2]!.score, 0.3);
    close(ranked[3]!.score, 0);
    assert.deepEqual({ dense: ranked[2]!.dense, lexical: ranked[2]!.lexical }, { dense: 0, lexical: 1 });
  });

  it('weight 1 is dense order, weight 0 is lexical order, k truncates', () => {
    const dense = [
      { row: 0, score: 0.2 },
      { row: 1, score: 0.9 },
    ];
    const lexical = [
      { row: 0, score: 3 },
      { row: 1, score: 1 },
    ];
    assert.deepEqual(
      rank({ dense, lexical, k: 2, weight: 1 }).map((r) => r.row),
      [1, 0],
    );
    assert.deepEqual(
      rank({ dense, lexical, k: 1, weight: 0 }).map((r) => r.row),
      [0],
    );
    assert.throws(() => rank({ dense, lexical, k: 1, weight: 1.5 }), /\[0, 1\]/);
  });
});

describe('searchPassages', () => {
  // Three passages on a 2-d "embedding" plane; the query vector points at "b".
  const unit = (x: number, y: number) => {
    const n = Math.hypot(x, y);
    return new Float32Array([x / n, y / n]);
  };
  const build = () => {
    const index = new SearchIndex<string>(2);
    const add = (id: string, text: string, vec: Float32Array) => {
      const { q, scale } = quantize(vec);
      index.add(id, text, q, scale);
    };
    add('a', 'apples grow on trees in the orchard', unit(1, 0));
    add('b', 'bananas are yellow fruit', unit(0, 1));
    add('c', 'cherries and apples in a pie', unit(1, 1));
    return index;
  };

  it('dense mode ranks by cosine', () => {
    const hits = searchPassages(build(), unit(0.1, 1), 'apples', { mode: 'dense', k: 3 });
    assert.deepEqual(
      hits.map((h) => h.id),
      ['b', 'c', 'a'],
    );
    assert.equal(hits[0]!.lexical, null);
  });

  it('lexical mode ranks by BM25 and returns only matches', () => {
    const hits = searchPassages(build(), unit(0, 1), 'apples', { mode: 'lexical', k: 3 });
    assert.deepEqual(hits.map((h) => h.id).sort(), ['a', 'c']);
    assert.equal(hits[0]!.dense, null);
  });

  it('hybrid mode mixes both with the given weight', () => {
    const index = build();
    const query = unit(0.2, 1);
    assert.equal(searchPassages(index, query, 'apples pie', { k: 1, denseWeight: 1 })[0]!.id, 'b');
    assert.equal(searchPassages(index, query, 'apples pie', { k: 1, denseWeight: 0 })[0]!.id, 'c');
    const balanced = searchPassages(index, query, 'apples pie', { k: 3, denseWeight: 0.5 });
    assert.equal(balanced.length, 3);
    assert.equal(balanced[0]!.id, 'c'); // second by cosine, first by words
    assert.ok(balanced[0]!.dense !== null && balanced[0]!.lexical !== null && balanced[0]!.lexical > 0);
  });

  it('falls back to lexical without a query vector', () => {
    const hits = searchPassages(build(), null, 'bananas', { k: 3 });
    assert.deepEqual(
      hits.map((h) => h.id),
      ['b'],
    );
  });

  it('forgets removed passages, across compactions, and replaces re-added ids', () => {
    const index = build();
    assert.equal(index.remove('b'), true);
    assert.equal(index.remove('b'), false);
    assert.equal(index.size, 2);
    const hits = searchPassages(index, unit(0, 1), 'bananas apples', { k: 5 });
    assert.ok(!hits.some((h) => h.id === 'b'));
    assert.equal(index.vectors.rowCount, 2, 'a third of the rows were holes, so the index compacted');

    const { q, scale } = quantize(unit(0, 1));
    index.add('a', 'bananas now', q, scale);
    assert.equal(index.size, 2);
    const lexical = searchPassages(index, null, 'bananas', { k: 5 });
    assert.deepEqual(
      lexical.map((h) => h.id),
      ['a'],
    );
  });

  it('returns nothing for an empty index or k = 0', () => {
    assert.deepEqual(searchPassages(new SearchIndex(2), unit(1, 0), 'x'), []);
    assert.deepEqual(searchPassages(build(), unit(1, 0), 'apples', { k: 0 }), []);
  });
});

describe('searchPassages with document titles', () => {
  // Two addresses that say the same thing; only their titles tell them apart. Passage ids are `doc:ordinal`.
  const build = () => {
    const index = new SearchIndex<string>(2);
    const add = (id: string, text: string, vec: Float32Array) => {
      const { q, scale } = quantize(vec);
      index.add(id, text, q, scale);
    };
    add('washington:0', 'the militia must be organised to protect the frontier', new Float32Array([1, 0]));
    add('lincoln:0', 'the militia must be organised to protect the frontier', new Float32Array([0.99, 0.141]));
    add('lincoln:1', 'the harvest was plentiful this year', new Float32Array([0, 1]));
    const titles = new TitleIndex<string>();
    titles.set('washington', '1790 george washington');
    titles.set('lincoln', '1862 abraham lincoln');
    return { index, titles, documentOf: (id: string) => id.slice(0, id.indexOf(':')) };
  };
  const query = new Float32Array([1, 0]);

  it('puts the passage of the document the question names first', () => {
    const { index, titles, documentOf } = build();
    const text = 'What did Lincoln say about the militia on the frontier?';
    assert.equal(searchPassages(index, query, text, { k: 3 })[0]!.id, 'washington:0', 'without titles the closer vector wins');
    const hits = searchPassages(index, query, text, { k: 3, titles: { index: titles, documentOf } });
    assert.equal(hits[0]!.id, 'lincoln:0');
    // The hit still reports its passage's own BM25, not the title's share.
    const plain = searchPassages(index, null, 'militia frontier', { k: 3 }).find((h) => h.id === 'lincoln:0')!;
    assert.equal(hits[0]!.lexical, plain.lexical);
  });

  it('changes nothing when no title word is in the question', () => {
    const { index, titles, documentOf } = build();
    const text = 'Who spoke about the militia on the frontier?';
    const without = searchPassages(index, query, text, { k: 3 });
    const withTitles = searchPassages(index, query, text, { k: 3, titles: { index: titles, documentOf } });
    assert.deepEqual(withTitles, without);
  });

  it('re-orders candidates but never makes one: a title alone does not bring a passage in', () => {
    const { index, titles, documentOf } = build();
    // One candidate from each method: both are the militia passages; Lincoln's harvest passage matches only by title.
    const hits = searchPassages(index, query, 'Lincoln militia', { k: 3, candidates: 1, titles: { index: titles, documentOf } });
    assert.ok(!hits.some((h) => h.id === 'lincoln:1'));
  });

  it('counts titles when ranking by words alone (no query vector)', () => {
    const { index, titles, documentOf } = build();
    const text = 'Lincoln militia frontier';
    const hits = searchPassages(index, null, text, { k: 3, titles: { index: titles, documentOf } });
    assert.equal(hits[0]!.id, 'lincoln:0');
    assert.ok(!hits.some((h) => h.id === 'lincoln:1'), 'a passage with none of the words is still not a word match');
  });

  it('weight 0 is the same as no titles', () => {
    const { index, titles, documentOf } = build();
    const text = 'What did Lincoln say about the militia on the frontier?';
    assert.deepEqual(
      searchPassages(index, query, text, { k: 3, titles: { index: titles, documentOf, weight: 0 } }),
      searchPassages(index, query, text, { k: 3 }),
    );
  });
});

describe('denseWeightFor', () => {
  it('keeps the measured weight for small libraries and leans on meaning in large ones', () => {
    assert.equal(denseWeightFor(0), DEFAULT_DENSE_WEIGHT);
    assert.equal(denseWeightFor(SMALL_LIBRARY_ROWS), DEFAULT_DENSE_WEIGHT);
    assert.equal(denseWeightFor(LARGE_LIBRARY_ROWS), LARGE_LIBRARY_DENSE_WEIGHT);
    assert.equal(denseWeightFor(1_000_000), LARGE_LIBRARY_DENSE_WEIGHT);
    // Log-linear in between: the geometric middle gets the arithmetic middle.
    const middle = Math.sqrt(SMALL_LIBRARY_ROWS * LARGE_LIBRARY_ROWS);
    close(denseWeightFor(middle), (DEFAULT_DENSE_WEIGHT + LARGE_LIBRARY_DENSE_WEIGHT) / 2);
    assert.ok(denseWeightFor(2_000) < denseWeightFor(5_000));
  });

  it('is what searchPassages uses when no weight is given', () => {
    const index = new SearchIndex<string>(2);
    const add = (id: string, text: string, vec: Float32Array) => {
      const { q, scale } = quantize(vec);
      index.add(id, text, q, scale);
    };
    add('a', 'apples and pears', new Float32Array([1, 0]));
    add('b', 'bananas', new Float32Array([0.6, 0.8]));
    const query = new Float32Array([0.8, 0.6]);
    assert.deepEqual(
      searchPassages(index, query, 'bananas', { k: 2 }),
      searchPassages(index, query, 'bananas', { k: 2, denseWeight: denseWeightFor(index.size) }),
    );
  });
});
