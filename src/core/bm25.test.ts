import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Bm25Index, Bm25SnapshotError, BM25_SNAPSHOT_VERSION, bm25TermScore } from './bm25.ts';

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-5, `${actual} is not ${expected}`);

describe('Bm25Index', () => {
  // Hand computation: N = 3 documents, lengths 3, 2, 1 → average 2; k1 = 1.2, b = 0.75.
  const build = () => {
    const index = new Bm25Index();
    index.add(0, 'cat cat dog');
    index.add(1, 'dog bird');
    index.add(2, 'fish');
    return index;
  };

  it('matches hand-computed scores', () => {
    const scores = build().scores('cat');
    // idf = ln(1 + (3 − 1 + 0.5) / (1 + 0.5)) = 0.98083; tf = 2, |d| = 3:
    // 0.98083 · 2 · 2.2 / (2 + 1.2 · (0.25 + 0.75 · 3/2)) = 1.18237
    close(scores[0]!, 1.18237);
    assert.equal(scores[1], 0);
    assert.equal(scores[2], 0);

    const dog = build().scores('dog');
    // idf = ln(1 + 1.5 / 2.5) = 0.47000; row 0: tf 1, |d| 3 → 0.47000 · 2.2 / (1 + 1.65) = 0.39019
    close(dog[0]!, 0.39019);
    // row 1: tf 1, |d| 2 = average → exactly idf
    close(dog[1]!, 0.47000);
  });

  it('sums over distinct query words and ignores repeats in the query', () => {
    const index = build();
    const both = index.scores('dog cat cat dog');
    close(both[0]!, 1.18237 + 0.39019);
  });

  it('exposes the term formula with documented defaults', () => {
    close(bm25TermScore(2, 1, 3, 3, 2), 1.18237);
    // b = 0 ignores length: tf 1 → idf · 2.2 / 2.2
    close(bm25TermScore(1, 2, 3, 3, 2, { k1: 1.2, b: 0 }), Math.log(1.6));
  });

  it('returns the top rows with a positive score, best first', () => {
    assert.deepEqual(
      build()
        .search('dog', 10)
        .map((h) => h.row),
      [1, 0],
    );
    assert.deepEqual(build().search('unicorn', 10), []);
  });

  it('updates statistics on removal and follows a compaction remap', () => {
    const index = build();
    index.remove(1);
    assert.equal(index.size, 2);
    // Now N = 2, lengths 3 and 1 → average 2; "dog" df = 1 → idf = ln 2; row 0: ln2 · 2.2 / (1 + 1.65)
    close(index.scores('dog')[0]!, (Math.log(2) * 2.2) / 2.65);
    assert.equal(index.scores('bird')[1], 0);

    index.remap(Int32Array.from([0, -1, 1]));
    assert.deepEqual(
      index.search('fish', 5).map((h) => h.row),
      [1],
    );
    close(index.scores('dog')[0]!, (Math.log(2) * 2.2) / 2.65);
    index.add(2, 'bird song');
    assert.deepEqual(
      index.search('birds', 5).map((h) => h.row),
      [2],
    );
  });

  it('refuses to reuse a row that holds a passage', () => {
    const index = build();
    assert.throws(() => index.add(0, 'again'), /row 0 is already in use/);
  });

  it('accepts custom parameters and tokenizer', () => {
    const index = new Bm25Index({ params: { k1: 2 }, tokenize: (t) => t.split(' ') });
    assert.deepEqual(index.params, { k1: 2, b: 0.75 });
    index.add(0, 'The The');
    assert.ok(index.scores('The')[0]! > 0);
  });
});

describe('Bm25Index snapshots', () => {
  it('restores an empty index', () => {
    const restored = Bm25Index.fromSnapshot(new Bm25Index().snapshot());
    assert.equal(restored.size, 0);
    assert.deepEqual(restored.search('war', 5), []);
    restored.add(0, 'war and peace');
    assert.deepEqual(restored.search('war', 5).map((h) => h.row), [0]);
  });

  it('refuses a snapshot of another format version, and bytes that are not a snapshot', () => {
    const snapshot = Bm25Index.build([[0, 'cat dog']]).snapshot();
    const future = snapshot.slice();
    new DataView(future.buffer).setUint32(4, BM25_SNAPSHOT_VERSION + 1, true);
    assert.throws(
      () => Bm25Index.fromSnapshot(future),
      (error: unknown) =>
        error instanceof Bm25SnapshotError &&
        error.message.includes(`format version ${BM25_SNAPSHOT_VERSION + 1} is not supported`),
    );
    assert.throws(() => Bm25Index.fromSnapshot(new TextEncoder().encode('{"terms": []}'.padEnd(80))), /not a BM25 index snapshot/);
    assert.throws(() => Bm25Index.fromSnapshot(snapshot.subarray(0, snapshot.length - 8)), /truncated|corrupt/);
  });
});
