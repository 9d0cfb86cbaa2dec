/**
 * The eval's copy of the app's indexing path: split each document with the model's tokenizer, embed the
 * passages (through the on-disk cache), quantise, and load them into the core SearchIndex.
 */
import { splitDocument, vectorKey, type PassageInput, type SplitOptions } from '../src/core/split.ts';
import { sha256Hex } from '../src/core/hash.ts';
import { SearchIndex, type SearchIndexOptions } from '../src/core/search-index.ts';
import { TitleIndex } from '../src/core/title-index.ts';
import { quantizeRefined } from '../src/core/quantize.ts';
import { titleFromFileName } from '../src/import/detect.ts';
import type { Engine } from '../src/worker/engine.ts';
import type { EmbeddingCache } from './embedding-cache.ts';
import type { EvalDocument } from './documents.ts';

export interface EvalPassage {
  id: string;
  doc: string;
  text: string;
  /** Read by the model before the passage, as in the app (core/pooling.ts). */
  context: string;
}

export function splitDocuments(
  documents: readonly EvalDocument[],
  countTokens: (text: string) => number,
  options: SplitOptions,
): EvalPassage[] {
  return documents.flatMap((doc) =>
    splitDocument(doc.text, countTokens, options).map((p) => ({
      id: `${doc.name}#${p.ordinal}`,
      doc: doc.name,
      text: p.text,
      context: p.context,
    })),
  );
}

export interface EmbedProgress {
  done: number;
  total: number;
  cached: number;
}

/** Passages read alone, as the peers index them. */
export const withoutContext = (passages: readonly { text: string }[]): PassageInput[] =>
  passages.map((p) => ({ text: p.text, context: '' }));

/**
 * Row-major passage vectors in `passages` order, each read after its context as the app's indexer does.
 * Uncached passages are embedded longest-first in batches of similar length, which wastes little work on padding.
 */
export async function embedPassages(
  engine: Engine,
  passages: readonly PassageInput[],
  cache: EmbeddingCache | null,
  onProgress: (progress: EmbedProgress) => void = () => {},
  batchSize = 32,
): Promise<Float32Array> {
  const dims = engine.spec.dimensions;
  const out = new Float32Array(passages.length * dims);
  const hashes = await Promise.all(passages.map((p) => sha256Hex(vectorKey(p, engine.contextWeight))));
  const missing: number[] = [];
  hashes.forEach((hash, i) => {
    const cached = cache?.get(hash);
    if (cached) out.set(cached, i * dims);
    else missing.push(i);
  });
  const cachedCount = passages.length - missing.length;
  // Same text twice needs one embedding.
  const unique = [...new Map(missing.map((i) => [hashes[i]!, i])).values()].sort(
    (a, b) => passages[b]!.context.length + passages[b]!.text.length - passages[a]!.context.length - passages[a]!.text.length,
  );
  const vectorsByHash = new Map<string, Float32Array>();
  for (let from = 0; from < unique.length; from += batchSize) {
    const batch = unique.slice(from, from + batchSize);
    const vectors = await engine.embed(
      batch.map((i) => passages[i]!.text),
      'passage',
      batch.map((i) => passages[i]!.context),
    );
    const batchHashes = batch.map((i) => hashes[i]!);
    batchHashes.forEach((hash, j) => vectorsByHash.set(hash, vectors.slice(j * dims, (j + 1) * dims)));
    cache?.putAll(batchHashes, vectors);
    onProgress({ done: cachedCount + Math.min(from + batchSize, unique.length), total: passages.length, cached: cachedCount });
  }
  for (const i of missing) out.set(vectorsByHash.get(hashes[i]!)!, i * dims);
  return out;
}

export function buildSearchIndex(
  passages: readonly EvalPassage[],
  vectors: Float32Array,
  dims: number,
  options: SearchIndexOptions = {},
): SearchIndex<string> {
  const index = new SearchIndex<string>(dims, { initialCapacity: passages.length, ...options });
  passages.forEach((passage, i) => {
    // As the app's indexer stores them: int8 codes with their residual codes.
    const { q, scale, residual } = quantizeRefined(vectors.subarray(i * dims, (i + 1) * dims));
    index.add(passage.id, passage.text, q, scale, residual);
  });
  return index;
}

/** The documents' titles as the app makes them for an imported file (import/detect.ts), keyed by file name. */
export function buildTitleIndex(documents: readonly EvalDocument[]): TitleIndex<string> {
  const titles = new TitleIndex<string>();
  for (const doc of documents) titles.set(doc.name, titleFromFileName(doc.name));
  return titles;
}
