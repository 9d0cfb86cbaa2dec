/**
 * A question in, ranked passages out: the question's vector (embedded ahead while it is typed, query-vectors.ts),
 * then the library worker ranks by meaning and words. When the model can't be loaded, search still answers by
 * words only and says why. Each search leaves its timings on the performance timeline (bench:scale reads them).
 */
import { describeError } from '../core/faults.ts';
import { abortable, isAbortError } from '../shared/abort.ts';
import type { SearchOptions, SearchOutcome } from './api.ts';
import type { EmbeddingService } from './embedding-service.ts';
import type { LibraryBackend } from './library-backend.ts';
import { QueryVectors } from './query-vectors.ts';
import { onlineState } from './readable-errors.ts';

export const DEFAULT_RESULT_COUNT = 10;

export class SearchService {
  private readonly _library: () => LibraryBackend;
  private readonly _embedding: EmbeddingService;
  /** Query vectors embedded as the question is typed; only once the model is loaded. */
  private readonly _queryVectors: QueryVectors;

  constructor(library: () => LibraryBackend, embedding: EmbeddingService) {
    this._library = library;
    this._embedding = embedding;
    this._queryVectors = new QueryVectors((text) => embedding.embedQuery(text));
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchOutcome> {
    const { k = DEFAULT_RESULT_COUNT, hybrid = true, signal, documentIds } = options;
    const text = query.trim();
    if (text === '') return { hits: [], byMeaningOnly: false, closeMatch: false };
    const started = performance.now();
    const { vector: queryVector, wordsOnly } = await this._queryVector(text, signal);
    const embedded = performance.now();
    const { hits, byMeaningOnly, closeMatch, timings } = await this._library().search({ queryVector, text, k, hybrid, ...(documentIds?.length ? { documentIds: [...documentIds] } : {}) });
    const answered = performance.now();
    signal?.throwIfAborted();
    // For the scale benchmark (bench:scale) and for anyone profiling: where a query's time goes. 'hop' is the
    // library worker's round trip beyond its own work: messages, waiting for the worker's thread, cloning hits.
    measure('passage:query:embed', started, embedded - started);
    measure('passage:query:hop', embedded, answered - embedded - timings.rank - timings.read - timings.highlight);
    measure('passage:query:rank', embedded, timings.rank);
    measure('passage:query:read', embedded + timings.rank, timings.read);
    measure('passage:query:highlight', embedded + timings.rank + timings.read, timings.highlight);
    return wordsOnly ? { hits, byMeaningOnly: false, closeMatch, wordsOnly } : { hits, byMeaningOnly, closeMatch };
  }

  /** Embeds the question as typed so far, ahead of its search; nothing before the model is loaded. */
  prepare(query: string): void {
    if (this._embedding.ready) this._queryVectors.prefetch(query);
  }

  /** Forgets the query vectors kept (the model was repaired, so they may come from a broken one). */
  forget(): void {
    this._queryVectors.clear();
  }

  /**
   * The query's vector; or, when the model cannot be loaded or the embedding worker keeps dying, null and why in
   * words for people (search then ranks by words only and says so).
   */
  private async _queryVector(text: string, signal?: AbortSignal): Promise<{ vector: Float32Array | null; wordsOnly?: string }> {
    try {
      // Usually embedded already, or being embedded, since the question was typed (prepare).
      const vector = await abortable(this._queryVectors.get(text), signal);
      return { vector };
    } catch (error) {
      if (isAbortError(error)) throw error;
      return { vector: null, wordsOnly: describeError(error, { action: 'Matched by words only', ...onlineState() }) };
    }
  }
}

/** A named span on the performance timeline (ignored where the User Timing API is missing). */
function measure(name: string, start: number, duration: number): void {
  try {
    performance.measure(name, { start, duration: Math.max(0, duration) });
  } catch {
    // Older engines without measure options: the figures are for profiling only.
  }
}
