/**
 * The resumable indexer: embeds the passage texts that have no vector for the current model, a batch
 * (core/embed-batch.ts) at a time, and stores each batch in its own transaction. A crash or reload loses at most the
 * batch in flight; the next run asks the library again what is pending and starts there. Nothing already stored is
 * embedded again. It asks for one batch at a time, so a 70k-passage document never sits in memory as one list of
 * pending texts.
 */
import { EMBED_BATCH } from '../core/embed-batch.ts';
import type { PassageInput } from '../core/split.ts';
import { quantizeRefined } from '../core/quantize.ts';
import { createThroughput, type ThroughputSnapshot } from '../core/throughput.ts';
import type { LibraryModel, NewVector, PendingText } from '../store/library.ts';

export interface Embedder {
  /**
   * Row-major `passages.length × dims`, L2-normalised passage vectors, each passage read after its context; and,
   * when the embedder has them, each passage's sentence codes (for highlighting; core/sentence-codes.ts).
   */
  embed(passages: readonly PassageInput[], signal: AbortSignal): Promise<Float32Array | EmbeddedPassages>;
}

export interface EmbeddedPassages {
  vectors: Float32Array;
  sentenceCodes: Uint8Array[];
}

/** Where pending work comes from and embedded vectors go: the Library, or the library worker in front of it. */
export interface PendingWork {
  readonly model: LibraryModel;
  pendingCount(): Promise<number>;
  /** Up to `limit` texts without a vector, one per content hash. */
  pendingTexts(limit: number): Promise<PendingText[]>;
  storeVectors(modelId: string, batch: NewVector[]): Promise<unknown>;
}

export interface IndexOptions {
  signal?: AbortSignal;
  /** Texts per embed call and per transaction: core/embed-batch.ts EMBED_BATCH unless a test wants fewer. */
  batchSize?: number;
  onProgress?: (progress: ThroughputSnapshot) => void;
  /** Called after each batch is stored. */
  onBatch?: () => void;
  now?: () => number;
}

/**
 * Embeds and stores everything pending; resolves with the number of texts embedded.
 * Rejects with the signal's AbortError when cancelled; every batch stored before that stays stored.
 */
export async function indexPending(work: PendingWork, embedder: Embedder, options: IndexOptions = {}): Promise<number> {
  const signal = options.signal ?? new AbortController().signal;
  const batchSize = Math.max(1, options.batchSize ?? EMBED_BATCH);
  const { id: modelId, dimensions } = work.model;
  let total = await work.pendingCount();
  const throughput = createThroughput(total, options.now);
  options.onProgress?.(throughput.snapshot(0));

  let done = 0;
  for (;;) {
    signal.throwIfAborted();
    const batch = await work.pendingTexts(batchSize);
    if (batch.length === 0) break;
    const embedded = await embedder.embed(batch, signal);
    const { vectors, sentenceCodes } = embedded instanceof Float32Array ? { vectors: embedded, sentenceCodes: [] } : embedded;
    if (vectors.length !== batch.length * dimensions) {
      throw new Error(`Passage: expected ${batch.length} vectors of ${dimensions} dimensions, got ${vectors.length} numbers`);
    }
    const quantized: NewVector[] = batch.map((p, i) => {
      const codes = sentenceCodes[i];
      return {
        contentHash: p.contentHash,
        ...quantizeRefined(vectors.subarray(i * dimensions, (i + 1) * dimensions)),
        ...(codes && codes.length > 0 ? { sentences: codes } : {}),
      };
    });
    await work.storeVectors(modelId, quantized);
    done += batch.length;
    // Work stored after the count (another tab added a document) is indexed in this run too: count it, so the
    // progress shows it instead of staying hidden behind a total it exceeds.
    if (done > total) total = done + (await work.pendingCount());
    options.onBatch?.();
    // Shared texts count once here but once per passage in the total: never report more than the total.
    options.onProgress?.(throughput.snapshot(Math.min(done, total), total));
  }
  if (done < total) options.onProgress?.(throughput.snapshot(total, total));
  return done;
}
