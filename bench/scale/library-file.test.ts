/**
 * The scale benchmark's library files are what the app accepts: the v1 file goes through the app's own importer
 * (fake IndexedDB) and every v2 line is checked against LIBRARY-FILE-V2 (hashes, offsets, codes, counts).
 * Needs the built model (the splitter uses its tokenizer; the pool is embedded with it).
 */
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { splitSentences, vectorKey } from '../../src/core/split.ts';
import { importLibrary } from '../../src/store/export.ts';
import { Library } from '../../src/store/library.ts';
import { modelIsBuilt, readModelSpec } from '../node-engine.ts';
import { abridgement, documentVersion, perturb, readAddresses, writeLibraryFile, type LibraryFileInfo } from './library-file.ts';

const spec = readModelSpec();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('abridged versions', () => {
  it('give every version its own (period, phase) and drop only whole sentences', () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 200; r++) {
      const { period, phase } = abridgement(r);
      assert.ok(phase >= 0 && phase < period);
      seen.add(`${period}/${phase}`);
    }
    assert.equal(seen.size, 200);
    const address = readAddresses()[0]!;
    const whole = documentVersion(address, 0);
    const sentences = splitSentences(whole.text).map((s) => whole.text.slice(s.start, s.end));
    assert.deepEqual(sentences, address.sentences);
    assert.match(whole.text, /\n\n/);
    const v3 = documentVersion(address, 3);
    const kept = splitSentences(v3.text).map((s) => v3.text.slice(s.start, s.end));
    assert.notEqual(v3.text, whole.text);
    assert.match(v3.title, /abridged, version 3/);
    assert.ok(kept.length < sentences.length && kept.length > sentences.length / 2);
    for (const sentence of kept) assert.ok(sentences.includes(sentence), `not a sentence of the address: ${sentence}`);
  });

  it('perturbs to a unit vector, the same for the same hash', () => {
    const base = new Float32Array(384).fill(1 / Math.sqrt(384));
    const a = perturb(base, sha256('a'), 0.015);
    const norm = Math.sqrt(a.reduce((sum, x) => sum + x * x, 0));
    assert.ok(Math.abs(norm - 1) < 1e-5);
    assert.deepEqual(perturb(base, sha256('a'), 0.015), a);
    const cosine = a.reduce((sum, x, i) => sum + x * base[i]!, 0);
    assert.ok(cosine > 0.9 && cosine < 0.999, `cosine ${cosine}`);
  });
});

describe('library files', { skip: !modelIsBuilt(spec) && 'model not built (npm run models)' }, () => {
  let dir: string;
  let info: LibraryFileInfo;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'scale-library-'));
    info = await writeLibraryFile({ passages: 150, pool: 24, out: { v1: path.join(dir, 'lib.json'), v2: path.join(dir, 'lib.passage') } });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has exactly the passages asked for, with anchors from the pool', () => {
    assert.equal(info.passages, 150);
    assert.ok(info.documents >= 2);
    assert.ok(info.anchors.length > 0 && info.anchors.length <= 24);
  });

  it('writes a v1 file that the app imports whole', async () => {
    const library = await Library.open({ id: spec.id, dimensions: spec.dimensions }, { name: `scale-${crypto.randomUUID()}` });
    const outcome = await importLibrary(library, new Blob([readFileSync(info.files.v1!.path)]));
    assert.deepEqual(outcome, { documents: info.documents, passages: 150 });
    assert.equal((await library.db.getAll('vectors')).length, info.vectors);
  });

  it('writes a v2 file whose every line follows the format', () => {
    const lines = readFileSync(info.files.v2!.path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const header = lines[0]!;
    assert.equal(header['format'], 'passage-library');
    assert.equal(header['formatVersion'], 2);
    assert.equal(header['modelId'], spec.id);
    assert.equal(header['dims'], spec.dimensions);
    assert.deepEqual(lines.at(-1), { end: true, counts: header['counts'] });
    let text = '';
    let next = 0;
    let documents = 0;
    let passages = 0;
    const vectorOf = new Map<string, string>();
    for (const line of lines.slice(1, -1)) {
      if ('document' in line) {
        const d = line['document'] as { text: string; sha256: string; splitRecipe: number; type: string };
        assert.equal(sha256(d.text), d.sha256);
        assert.equal(d.type, 'txt');
        text = d.text;
        next = 0;
        documents++;
        continue;
      }
      const [ordinal, start, end, contextStart, hash, scale, code] = line['p'] as [number, number, number, number, string, number, string];
      assert.equal(ordinal, next++);
      assert.ok(contextStart >= 0 && contextStart <= start && start < end && end <= text.length);
      assert.equal(sha256(vectorKey({ context: text.slice(contextStart, start), text: text.slice(start, end) })), hash);
      assert.ok(Number.isFinite(scale) && scale > 0);
      assert.equal(Buffer.from(code, 'base64').length, spec.dimensions);
      if (vectorOf.has(hash)) assert.equal(vectorOf.get(hash), code, 'one vector per content hash');
      vectorOf.set(hash, code);
      passages++;
    }
    assert.deepEqual(header['counts'], { documents, passages });
    assert.equal(passages, 150);
  });
});
