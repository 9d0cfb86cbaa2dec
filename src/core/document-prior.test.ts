import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withDocumentPrior } from './document-prior.ts';
import { searchPassages } from './rank.ts';
import { SearchIndex } from './search-index.ts';
import { quantize } from './vector-index.ts';

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

  it('uses no prior unless a weight is given, and none without documentOf', () => {
    const index = build();
    const plain = searchPassages(index, query, 'question', { k: 4, denseWeight: 1 });
    assert.deepEqual(searchPassages(index, query, 'question', { k: 4, denseWeight: 1, documentOf }), plain);
    assert.deepEqual(searchPassages(index, query, 'question', { k: 4, denseWeight: 1, documentPrior: 0.2 }), plain);
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
