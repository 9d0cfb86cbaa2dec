import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256Hex } from '../../core/hash.ts';
import { vectorKey } from '../../core/split.ts';
import { paragraphs } from '../fixtures.test-support.ts';
import { base64Length, decodeInt8, encodeInt8 } from './base64.ts';
import { LibraryFileError, type ExportedDocumentWithPassages, type LibraryFileRecord } from './format.ts';
import { readLibraryFile, type ReadOptions } from './read.ts';
import { writeLibraryFile } from './write.ts';

const DIMS = 4;
const MODEL_ID = 'test-model';
const FILE = 'lib.passage';
const OPTIONS: ReadOptions = { fileName: FILE, modelId: MODEL_ID, dims: DIMS };

// Multi-byte characters on purpose: chunk boundaries must not split them.
const TEXTS = [
  'Rivers carry water to the sea.\n\nMountains are tall — über 8000 m.\n\nDeserts are dry 🌵 and wide.',
  'A second document.\n\nRivers carry water to the sea.',
  'Ünïcödé three: 日本語の文章です。\n\nAnd a last paragraph here.',
];

async function documentOf(i: number, text: string): Promise<ExportedDocumentWithPassages> {
  const spans = paragraphs(text, { withContext: i !== 1 });
  const passages = await Promise.all(
    spans.map(async (span, ordinal) => {
      const contentHash = await sha256Hex(vectorKey(span));
      // Passages that share a hash share a vector (doc 0 and doc 1 share one): derive it from the hash.
      const byte = (d: number) => parseInt(contentHash.slice(2 * d, 2 * d + 2), 16) - 128;
      const vector = { scale: parseInt(contentHash.slice(0, 4), 16) / 65536, q: Int8Array.from({ length: DIMS }, (_, d) => byte(d)) };
      // The last passage of the last document is not indexed yet.
      const indexed = !(i === TEXTS.length - 1 && ordinal === spans.length - 1);
      return { ordinal, start: span.start, end: span.end, contextStart: span.start - span.context.length, contentHash, vector: indexed ? vector : null };
    }),
  );
  return {
    document: { id: `doc-${i}`, title: `Doc ${i}`, type: 'txt', size: text.length, sha256: await sha256Hex(text), added: 1000 + i, splitRecipe: 2, text },
    passages,
  };
}

async function sampleDocuments(): Promise<ExportedDocumentWithPassages[]> {
  return Promise.all(TEXTS.map((text, i) => documentOf(i, text)));
}

async function* each<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

function headerFor(documents: readonly ExportedDocumentWithPassages[]) {
  return {
    modelId: MODEL_ID,
    dims: DIMS,
    exported: '2026-12-03T08:00:00.000Z',
    counts: { documents: documents.length, passages: documents.reduce((sum, d) => sum + d.passages.length, 0) },
  };
}

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function writeFile(documents: readonly ExportedDocumentWithPassages[], gzip = false): Promise<Uint8Array<ArrayBuffer>> {
  return bytesOf(writeLibraryFile(each(documents), headerFor(documents), { gzip }));
}

async function textFile(): Promise<string> {
  return new TextDecoder().decode(await writeFile(await sampleDocuments()));
}

/** A stream handing `bytes` over in pieces of the given sizes (cycled). */
function chunked(bytes: Uint8Array, sizes: () => number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      const size = Math.max(1, sizes());
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

async function readAll(source: Blob | ReadableStream<Uint8Array>, options: Partial<ReadOptions> = {}): Promise<LibraryFileRecord[]> {
  const records: LibraryFileRecord[] = [];
  for await (const record of readLibraryFile(source, { ...OPTIONS, ...options })) records.push(record);
  return records;
}

/** What the records say, in plain data, for comparisons. */
function plain(records: readonly LibraryFileRecord[]) {
  return records.map((r) =>
    r.kind === 'header'
      ? r
      : {
          document: r.document,
          passages: r.passages.map((p) => ({ ...p, vector: p.vector && { scale: p.vector.scale, q: [...p.vector.q] } })),
        },
  );
}

async function expectedRecords() {
  const documents = await sampleDocuments();
  return plain([
    { kind: 'header', header: { formatVersion: 2, ...headerFor(documents) } },
    ...documents.map(({ document, passages }) => ({
      kind: 'document' as const,
      document,
      passages: passages.map((p) => ({ ...p, text: document.text.slice(p.start, p.end), context: document.text.slice(p.contextStart, p.start) })),
    })),
  ]);
}

/** Replaces line `n` (1-based) of the file by what `edit` makes of it (null drops it). */
function editLine(file: string, n: number, edit: (line: string) => string | null): Blob {
  const lines = file.split('\n');
  const edited = edit(lines[n - 1]!);
  if (edited === null) lines.splice(n - 1, 1);
  else lines[n - 1] = edited;
  return new Blob([lines.join('\n')]);
}

function editJson(file: string, n: number, edit: (value: Record<string, unknown>) => void): Blob {
  return editLine(file, n, (line) => {
    const value = JSON.parse(line) as Record<string, unknown>;
    edit(value);
    return JSON.stringify(value);
  });
}

async function refusal(source: Blob | ReadableStream<Uint8Array>, options: Partial<ReadOptions> = {}): Promise<LibraryFileError> {
  try {
    await readAll(source, options);
  } catch (error) {
    assert.ok(error instanceof LibraryFileError, `expected a LibraryFileError, got ${String(error)}`);
    return error;
  }
  assert.fail('the file was accepted');
}

describe('library file format 2', () => {
  it('reads back what the writer wrote: header, documents in order, passages with their slices and vectors', async () => {
    const records = await readAll(new Blob([await writeFile(await sampleDocuments())]));
    assert.deepEqual(plain(records), await expectedRecords());
    const last = records.at(-1)!;
    assert.ok(last.kind === 'document' && last.passages.at(-1)!.vector === null, 'a passage without a vector stays without');
    assert.ok(
      records.some((r) => r.kind === 'document' && r.passages.some((p) => p.context !== '')),
      'the sample includes passage context',
    );
  });

  it('writes the lines LIBRARY-FILE-V2 describes', async () => {
    const lines = (await textFile()).split('\n');
    assert.equal(lines.at(-1), '', 'the file ends with a newline');
    const header = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(header, { format: 'passage-library', formatVersion: 2, modelId: MODEL_ID, dims: DIMS, exported: '2026-12-03T08:00:00.000Z', counts: { documents: 3, passages: 7 } });
    assert.ok('document' in (JSON.parse(lines[1]!) as object));
    const passage = (JSON.parse(lines[2]!) as { p: unknown[] }).p;
    assert.equal(passage.length, 7);
    assert.equal(typeof passage[6], 'string');
    assert.deepEqual(JSON.parse(lines.at(-2)!), { end: true, counts: { documents: 3, passages: 7 } });
  });

  it('round-trips through gzip, which the reader detects by its magic bytes', async () => {
    const gz = await writeFile(await sampleDocuments(), true);
    assert.deepEqual([gz[0], gz[1]], [0x1f, 0x8b]);
    assert.deepEqual(plain(await readAll(new Blob([gz]))), await expectedRecords());
  });

  it('reads the same records whatever the chunk boundaries: 1-byte and random-size chunks, plain and gzip', async () => {
    const expected = await expectedRecords();
    const documents = await sampleDocuments();
    for (const gzip of [false, true]) {
      const bytes = await writeFile(documents, gzip);
      assert.deepEqual(plain(await readAll(chunked(bytes, () => 1))), expected, `1-byte chunks, gzip ${gzip}`);
      let seed = 7;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), 1 + (seed % 97));
      for (let run = 0; run < 5; run++) {
        assert.deepEqual(plain(await readAll(chunked(bytes, random))), expected, `random chunks, gzip ${gzip}, run ${run}`);
      }
    }
  });

  it('reports progress in bytes of the file as stored, up to its size', async () => {
    for (const gzip of [false, true]) {
      const bytes = await writeFile(await sampleDocuments(), gzip);
      const seen: [number, number | null][] = [];
      await readAll(chunked(bytes, () => 50), { totalBytes: bytes.length, onProgress: (read, total) => seen.push([read, total]) });
      assert.ok(seen.length > 3);
      assert.deepEqual(seen.at(-1), [bytes.length, bytes.length]);
      assert.ok(seen.every(([read], i) => i === 0 || read > seen[i - 1]![0]), 'bytes read only grow');
    }
  });

  it('accepts blank lines, including a trailing one', async () => {
    const file = await textFile();
    assert.equal((await readAll(new Blob(['\n', file.replace('\n', '\n\n'), '\n\n']))).length, 4);
  });

  it('skips hash checks only when told to', async () => {
    const file = editJson(await textFile(), 3, (v) => ((v['p'] as unknown[])[4] = 'f'.repeat(64)));
    await refusal(file);
    assert.equal((await readAll(file, { checkHashes: false })).length, 4);
  });
});

describe('library file refusals name the file, the line and the reason', () => {
  const cases: [string, (file: string) => Blob, RegExp, number | null][] = [
    ['a truncated file (no end line)', (f) => new Blob([f.split('\n').slice(0, -2).join('\n')]), /ends after 3 documents and 7 passages without its end line: it is incomplete/, 11],
    ['a file cut in the middle of a line', (f) => new Blob([f.slice(0, f.length - 80)]), /line 11: is not valid JSON/, 11],
    ['a line that is not JSON', (f) => editLine(f, 4, () => '{"p":[1,2'), /is not valid JSON/, 4],
    ['a line of another kind', (f) => editLine(f, 4, () => '{"hello":1}'), /neither a document, a passage nor the end line/, 4],
    ['a passage before any document', (f) => editLine(f, 2, () => null), /a passage comes before any document/, 2],
    ['content after the end line', (f) => new Blob([f, f.split('\n')[1]!]), /goes on after its end line \(line 12\)/, 13],
    ['a text that does not match its sha256', (f) => editJson(f, 1 + 1, (v) => ((v['document'] as { text: string }).text += ' Extra.')), /the text of "Doc 0" does not match its hash/, 2],
    ['a tampered content hash', (f) => editJson(f, 4, (v) => ((v['p'] as unknown[])[4] = '0'.repeat(64))), /passage 1 of "Doc 0" does not match its hash/, 4],
    ['a tampered text, caught by the passage hash', (f) => editJson(f, 3, (v) => ((v['p'] as [number, number, number])[2] -= 1)), /passage 0 of "Doc 0" does not match its hash/, 3],
    ['base64 of the wrong length', (f) => editJson(f, 3, (v) => ((v['p'] as unknown[])[6] = 'AAAAAAAA')), /vector is not base64 of exactly 4 bytes/, 3],
    ['characters outside base64', (f) => editJson(f, 3, (v) => ((v['p'] as unknown[])[6] = 'AA!A====')), /vector is not base64 of exactly 4 bytes/, 3],
    ['a negative scale', (f) => editJson(f, 3, (v) => ((v['p'] as unknown[])[5] = -1)), /scale is not a number ≥ 0/, 3],
    ['a scale without a vector', (f) => editJson(f, 3, (v) => ((v['p'] as unknown[])[6] = null)), /vector is not base64/, 3],
    ['out-of-order ordinals', (f) => editJson(f, 4, (v) => ((v['p'] as number[])[0] = 2)), /passage 2 of "Doc 0" is out of order: passage 1 was expected/, 4],
    ['a missing passage', (f) => editLine(f, 4, () => null), /passage 2 of "Doc 0" is out of order/, 4],
    ['offsets beyond the text', (f) => editJson(f, 3, (v) => ((v['p'] as number[])[2] = 10_000)), /passage 0 of "Doc 0" is out of range/, 3],
    ['context starting after the passage', (f) => editJson(f, 4, (v) => ((v['p'] as number[])[3] = (v['p'] as number[])[1]! + 1)), /out of range/, 4],
    ['an unknown document type', (f) => editJson(f, 2, (v) => ((v['document'] as { type: string }).type = 'exe')), /document "Doc 0": its type is not one of txt/, 2],
    ['a document without text', (f) => editJson(f, 2, (v) => delete (v['document'] as { text?: string }).text), /its text is not a string/, 2],
    ['end counts that do not match', (f) => editJson(f, 12, (v) => ((v['counts'] as { passages: number }).passages = 8)), /end line counts 3 documents and 8 passages, but the file holds 3 documents and 7/, 12],
    ['header counts that do not match', (f) => editJson(f, 1, (v) => ((v['counts'] as { documents: number }).documents = 4)), /header counts 4 documents/, 1],
    ['an unknown format version', (f) => editJson(f, 1, (v) => (v['formatVersion'] = 3)), /import refused.*it was made by a newer Passage \(library file format 3; this Passage reads formats 1 to 2\)/, 1],
    ['a damaged header line', (f) => editLine(f, 1, (line) => line.slice(0, 20)), /the header line is not valid JSON/, 1],
    ['another model', (f) => editJson(f, 1, (v) => (v['modelId'] = 'other-model')), /import refused.*"other-model" \(4 dimensions\), this library uses "test-model" \(4 dimensions\)/, 1],
    ['another dimension count', (f) => editJson(f, 1, (v) => (v['dims'] = 8)), /import refused.*\(8 dimensions\), this library uses "test-model" \(4 dimensions\)/, 1],
  ];
  for (const [what, damage, reason, line] of cases) {
    it(`refuses ${what}`, async () => {
      const error = await refusal(damage(await textFile()));
      assert.match(error.message, reason);
      assert.equal(error.line, line);
      assert.match(error.message, new RegExp(`^Passage: (cannot import|import refused:) “lib\\.passage”${line === null ? '' : `, line ${line}`}: .*Nothing was changed\\.$`, 's'));
    });
  }

  it('refuses bytes that are not UTF-8, an empty file, and a damaged gzip stream', async () => {
    const file = await textFile();
    const bytes = new TextEncoder().encode(file);
    const broken = new Uint8Array([...bytes.slice(0, 40), 0xff, 0xfe, ...bytes.slice(40)]);
    assert.match((await refusal(new Blob([broken]))).message, /line 1: it is not UTF-8 text/);
    assert.match((await refusal(new Blob([]))).message, /it is empty/);
    const gz = await writeFile(await sampleDocuments(), true);
    const cut = await refusal(new Blob([gz.slice(0, gz.length - 30)]));
    assert.match(cut.message, /^Passage: cannot import “lib\.passage”: its gzip compression is damaged or cut short/);
    assert.equal(cut.line, null);
    const flipped = gz.slice();
    flipped[40] = (gz[40] ?? 0) ^ 0xff;
    assert.match((await refusal(new Blob([flipped]))).message, /gzip compression is damaged|does not match its hash|not valid JSON|not UTF-8/);
  });

  it('stops reading the source when a check fails', async () => {
    let pulls = 0;
    const file = new TextEncoder().encode((await textFile()).replace('"dims":4', '"dims":8'));
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(file.slice(pulls * 16, ++pulls * 16));
      },
      cancel() {
        cancelled = true;
      },
    });
    await refusal(stream);
    assert.ok(cancelled, 'the source was cancelled');
    assert.ok(pulls * 16 < file.length, 'the rest of the file was never read');
  });
});

describe('library file format 1 (one JSON document)', () => {
  async function v1File(schemaVersion = 4) {
    const documents = await sampleDocuments();
    const vectors = new Map<string, { contentHash: string; scale: number; q: string }>();
    for (const { passages } of documents) {
      for (const p of passages) if (p.vector) vectors.set(p.contentHash, { contentHash: p.contentHash, scale: p.vector.scale, q: encodeInt8(p.vector.q) });
    }
    const passages = documents.flatMap(({ document, passages }) =>
      passages.map(({ ordinal, start, end, contextStart, contentHash }) => ({ docId: document.id, ordinal, start, end, contextStart, contentHash })),
    );
    return {
      format: 'passage-library',
      schemaVersion,
      modelId: MODEL_ID,
      dims: DIMS,
      exported: '2026-12-03T08:00:00.000Z',
      counts: { documents: documents.length, passages: passages.length, vectors: vectors.size },
      documents: documents.map((d) => d.document),
      passages: passages.reverse(), // format 1 never promised an order
      vectors: [...vectors.values()],
    };
  }

  it('yields the same records as format 2, whether on one line or pretty-printed, plain or gzip', async () => {
    const expected = (await expectedRecords()).map((r) => ('kind' in r && r.kind === 'header' ? { ...r, header: { ...r.header, formatVersion: 1 } } : r));
    const json = await v1File();
    const gz = await bytesOf(new Blob([JSON.stringify(json)]).stream().pipeThrough(new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>));
    for (const source of [new Blob([JSON.stringify(json)]), new Blob([JSON.stringify(json, null, 2)]), new Blob([gz])]) {
      assert.deepEqual(plain(await readAll(source)), expected);
    }
    assert.deepEqual(plain(await readAll(chunked(new TextEncoder().encode(JSON.stringify(json, null, 1)), () => 3))), expected);
  });

  it('keeps the wording of its refusals, without a line number', async () => {
    const json = await v1File();
    const asBlob = (value: unknown) => new Blob([JSON.stringify(value)]);
    const tampered = structuredClone(json);
    tampered.passages[0]!.contentHash = '0'.repeat(64);
    const cases: [Blob, RegExp][] = [
      [asBlob({ ...json, schemaVersion: 1 }), /import refused.*schema version 1/],
      [asBlob({ ...json, schemaVersion: 99 }), /schema version 99/],
      [asBlob({ ...json, modelId: 'other-model' }), /import refused.*"other-model".*"test-model"/],
      [new Blob(['not json']), /not JSON/],
      [new Blob([JSON.stringify(json).slice(0, 300)]), /not JSON/],
      [asBlob({ hello: 'world' }), /not a Passage library export/],
      [asBlob(tampered), /a passage of "Doc 2" \(ordinal 1\) does not match its hash/],
      [asBlob({ ...json, counts: { ...json.counts, passages: 99 } }), /counts in the header do not match/],
    ];
    for (const [blob, reason] of cases) {
      const error = await refusal(blob);
      assert.match(error.message, reason);
      assert.equal(error.line, null);
    }
  });
});

describe('int8 base64', () => {
  it('encodes losslessly at every length and refuses anything else', () => {
    for (let n = 0; n <= 10; n++) {
      const q = Int8Array.from({ length: n }, (_, i) => [-128, -1, 0, 1, 127, 42][i % 6]!);
      const text = encodeInt8(q);
      assert.equal(text, Buffer.from(q.buffer).toString('base64'));
      assert.equal(text.length, base64Length(n));
      assert.deepEqual(decodeInt8(text, n), q);
      if (n > 0) assert.equal(decodeInt8(text, n - 1), null);
    }
    assert.deepEqual(decodeInt8('AAE=', 2), new Int8Array([0, 1]));
    assert.equal(decodeInt8('AAAA', 2), null, 'no padding where it is due');
    assert.equal(decodeInt8('AA==', 2), null, 'too much padding');
    assert.equal(decodeInt8('AA=A', 2), null);
    assert.equal(decodeInt8('AAé=', 2), null);
  });
});
