import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { documentPriorFor, LARGE_LIBRARY_DOCUMENT_PRIOR, standoutWordMatch, withDocumentPrior } from './document-prior.ts';
import { searchPassages } from './rank.ts';
import { SearchIndex } from './search-index.ts';
import { quantize } from './quantize.ts';

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} is not ${expected}`);

describe('withDocumentPrior', () => {
  // Rows 0–3; documents by row.
  const docs = ['lone', 'pair', 'pair', 'other'];
  const ranked = [
    { row: 0, score: 0.9 },
    { row: 1, score: 0.85 },
    { row: 2, score: 0.6 },
    { row: 3, score: 0.1 },
  ];

  it("lifts a passage by its document's second-best candidate above a lone passage that scored a little higher", () => {
    const out = withDocumentPrior(ranked, (row) => docs[row]!, 0.2);
    assert.deepEqual(
      out.map((h) => h.row),
      [1, 0, 2, 3],
    );
    close(out[0]!.score, 0.85 + 0.2 * 0.6); // row 1: its document's second best is row 2
    close(out[2]!.score, 0.6 + 0.2 * 0.6); // row 2 is its document's second best: it gains its own score once
  });

  it('gives nothing to the passage of a document that has no other candidate', () => {
    const out = withDocumentPrior(ranked, (row) => docs[row]!, 0.5);
    close(out.find((h) => h.row === 0)!.score, 0.9);
    close(out.find((h) => h.row === 3)!.score, 0.1);
  });

  it('keeps the order and the scores at weight 0, keeps other fields, and refuses a negative weight', () => {
    const withFields = ranked.map((h) => ({ ...h, dense: h.score / 2 }));
    const out = withDocumentPrior(withFields, (row) => docs[row]!, 0);
    assert.deepEqual(out, withFields);
    assert.throws(() => withDocumentPrior(ranked, (row) => docs[row]!, -0.1), /prior weight/);
  });

  it('re-orders only the first `depth` candidates, counting every candidate for the second best', () => {
    // Row 3 would gain 0.5 × 0.6 from a document "pair" share, but it is below the depth: it keeps its place.
    const shared = ['lone', 'pair', 'pair', 'pair'];
    const out = withDocumentPrior(ranked, (row) => shared[row]!, 0.5, { depth: 2 });
    assert.deepEqual(
      out.map((h) => h.row),
      [1, 0, 2, 3],
    );
    close(out[0]!.score, 0.85 + 0.5 * 0.6); // row 2 (below the depth) still counts as pair's second best
    assert.deepEqual(out.slice(2), ranked.slice(2)); // untouched: same places, same scores
    assert.deepEqual(withDocumentPrior(ranked, (row) => shared[row]!, 0.5, { depth: 0 }), ranked);
    assert.throws(() => withDocumentPrior(ranked, (row) => shared[row]!, 0.5, { depth: -1 }), /prior depth/);
  });

  it('keeps the place of the row it is told to keep, and re-orders the others around it', () => {
    const out = withDocumentPrior(ranked, (row) => docs[row]!, 0.2, { keepsPlace: 0 });
    assert.deepEqual(
      out.map((h) => h.row),
      [0, 1, 2, 3],
    );
    close(out[1]!.score, 0.85 + 0.2 * 0.6); // the others still gain
    // A row below the depth, or absent, changes nothing.
    assert.deepEqual(
      withDocumentPrior(ranked, (row) => docs[row]!, 0.2, { keepsPlace: 3, depth: 2 }).map((h) => h.row),
      [1, 0, 2, 3],
    );
  });
});

describe('standoutWordMatch', () => {
  it('names the best word match when it leads the next by the margin, else none', () => {
    const scores = (...s: number[]) => s.map((score, row) => ({ row, score }));
    assert.equal(standoutWordMatch(scores(2, 10, 6), 0.3), 1); // 10 − 6 = 4 ≥ 3
    assert.equal(standoutWordMatch(scores(2, 10, 8), 0.3), -1); // 10 − 8 = 2 < 3
    assert.equal(standoutWordMatch(scores(0, 5, 0)), 1); // the only word match
    assert.equal(standoutWordMatch(scores(0, 0, 0)), -1); // no word match at all
    assert.equal(standoutWordMatch([]), -1);
  });
});

describe('documentPriorFor', () => {
  it('is off in a small library and full from ten thousand passages, growing between', () => {
    assert.equal(documentPriorFor(200), 0);
    assert.equal(documentPriorFor(1_000), 0);
    assert.equal(documentPriorFor(10_473), LARGE_LIBRARY_DOCUMENT_PRIOR);
    const middle = documentPriorFor(4_000);
    assert.ok(middle > 0 && middle < LARGE_LIBRARY_DOCUMENT_PRIOR, `${middle}`);
  });
});

describe('searchPassages with a document prior', () => {
  // Cosines with the query [1, 0]: lone:0 1.0, pair:0 0.95, pair:1 0.9, far:0 0. No passage shares a query word.
  const build = () => {
    const index = new SearchIndex<string>(2);
    const add = (id: string, x: number) => {
      const { q, scale } = quantize(new Float32Array([x, Math.sqrt(1 - x * x)]));
      index.add(id, `passage ${id}`, q, scale);
    };
    add('lone:0', 1);
    add('pair:0', 0.95);
    add('pair:1', 0.9);
    add('far:0', 0);
    return index;
  };
  const query = new Float32Array([1, 0]);
  const documentOf = (id: string) => id.slice(0, id.indexOf(':'));

  it('puts the passage of a document with two close passages above a lone closer one', () => {
    const index = build();
    const plain = searchPassages(index, query, 'question', { k: 4, denseWeight: 1 });
    assert.equal(plain[0]!.id, 'lone:0');
    const hits = searchPassages(index, query, 'question', { k: 4, denseWeight: 1, documentOf, documentPrior: 0.2 });
    assert.deepEqual(
      hits.map((h) => h.id),
      ['pair:0', 'pair:1', 'lone:0', 'far:0'],
    );
    // The hit still carries its raw cosine; only the order and the ranking score change.
    assert.equal(hits[2]!.dense, plain[0]!.dense);
  });

  it('uses no prior by default in a small library, and none without documentOf', () => {
    const index = build();
    const plain = searchPassages(index, query, 'question', { k: 4, denseWeight: 1 });
    assert.deepEqual(searchPassages(index, query, 'question', { k: 4, denseWeight: 1, documentOf }), plain);
    assert.deepEqual(searchPassages(index, query, 'question', { k: 4, denseWeight: 1, documentPrior: 0.2 }), plain);
  });

  // The same four passages among 10,000 others far from the query: a library large enough for the prior's full weight.
  const buildLarge = (loneText = 'passage lone') => {
    const index = new SearchIndex<string>(2);
    const add = (id: string, x: number, text: string) => {
      const { q, scale } = quantize(new Float32Array([x, Math.sqrt(1 - x * x)]));
      index.add(id, text, q, scale);
    };
    add('lone:0', 1, loneText);
    add('pair:0', 0.95, 'passage pair');
    add('pair:1', 0.9, 'passage pair again');
    for (let i = 0; i < 10_000; i++) add(`far${i}:0`, 0, `passage far ${i}`);
    return index;
  };

  it('weighs the prior by library size when no weight is given', () => {
    const index = buildLarge();
    const byDefault = searchPassages(index, query, 'question', { k: 3, denseWeight: 1, documentOf });
    assert.deepEqual(
      byDefault.map((h) => h.id),
      ['pair:0', 'pair:1', 'lone:0'],
    );
    assert.deepEqual(byDefault, searchPassages(index, query, 'question', { k: 3, denseWeight: 1, documentOf, documentPrior: LARGE_LIBRARY_DOCUMENT_PRIOR }));
  });

  it('leaves a passage whose words stand out first (a quoted sentence), while the others still move', () => {
    const index = buildLarge('the zebra crossing at dawn');
    const hits = searchPassages(index, query, 'zebra crossing dawn', { k: 3, denseWeight: 1, documentOf });
    assert.deepEqual(
      hits.map((h) => h.id),
      ['lone:0', 'pair:0', 'pair:1'],
    );
    assert.ok(hits[1]!.score > hits[0]!.score, 'pair:0 gained from its document but stays below the quoted passage');
  });

  it('moves nothing below the depth it may re-order', () => {
    const index = buildLarge();
    const hits = searchPassages(index, query, 'question', { k: 3, denseWeight: 1, documentOf, documentPriorDepth: 1 });
    assert.deepEqual(
      hits.map((h) => h.id),
      ['lone:0', 'pair:0', 'pair:1'],
    );
  });

  it('returns k hits chosen from all candidates, not from the first k before the prior', () => {
    const index = build();
    const hits = searchPassages(index, query, 'question', { k: 1, denseWeight: 1, documentOf, documentPrior: 0.2 });
    assert.deepEqual(
      hits.map((h) => h.id),
      ['pair:0'],
    );
  });
});
