/**
 * The resumable indexer: embeds the passage texts that have no vector for the current model, in batches, and
 * stores each batch in its own transaction. A crash or reload loses at most the batch in flight; the next run
 * asks the library again what is pending and starts there. Nothing already stored is embedded again.
 */
import type { PassageInput } from '../core/split.ts';
import { quantize } from '../core/vector-index.ts';
import { createThroughput, type ThroughputSnapshot } from '../worker/throughput.ts';
import type { IndexedPassage, Library, NewVector } from './library.ts';

export interface Embedder {
  /** Row-major `passages.length × dims`, L2-normalised passage vectors, each passage read after its context. */
  embed(passages: readonly PassageInput[], signal: AbortSignal): Promise<Float32Array>;
}

export interface IndexOptions {
  signal?: AbortSignal;
  /** Texts per embed call and per transaction. */
  batchSize?: number;
  onProgress?: (progress: ThroughputSnapshot) => void;
  /** Called after each batch is stored, with the passages that now have vectors (to update the search index). */
  onBatch?: (indexed: IndexedPassage[]) => void;
  now?: () => number;
}


export const INDEX_BATCH_SIZE = 16;

/**
 * Embeds and stores everything pending; resolves with the number of texts embedded.
 * Rejects with the signal's AbortError when cancelled; every batch stored before that stays stored. */
export async function indexPending(library: Library, embedder: Embedder, options: IndexOptions = {}): Promise<number> {
  const signal = options.signal ?? new AbortController().signal;
  const batchSize = Math.max(1, options.batchSize ?? INDEX_BATCH_SIZE);
  const { id: modelId, dimensions } = library.model;
  const pending = await library.pendingTexts();
  const throughput = createThroughput(pending.length, options.now);
  options.onProgress?.(throughput.snapshot(0));

  for (let start = 0; start < pending.length; start += batchSize) {
    signal.throwIfAborted();
    const batch = pending.slice(start, start + batchSize);
    const vectors = await embedder.embed(batch, signal);
    if (vectors.length !== batch.length * dimensions) {
      throw new Error(`Passage: expected ${batch.length} vectors of ${dimensions} dimensions, got ${vectors.length} numbers`);
    }
    const quantized: NewVector[] = batch.map((p, i) => ({
      contentHash: p.contentHash,
      ...quantize(vectors.subarray(i * dimensions, (i + 1) * dimensions)),
    }));
    const indexed = await library.storeVectors(modelId, quantized);
    options.onBatch?.(indexed);
    options.onProgress?.(throughput.snapshot(start + batch.length));
  }
  return pending.length;
}
