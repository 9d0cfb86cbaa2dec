/**
 * Batching on the way to the embedding model, defined once: how many texts make one unit of indexing work
 * (EMBED_BATCH, used by the page's indexer and by the worker), and how many of them go into one ONNX Runtime call
 * (textsPerModelCall, used by the engine). Nothing else in the app picks a batch size.
 */
import type { ModelSpec } from './model-spec.ts';

/**
 * Texts per embed batch. The indexer asks the library for this many pending texts, sends them as one `embed`
 * request and stores their vectors in one transaction; the worker runs a batch as one turn on the model and reports
 * progress and checks cancellation between batches (a longer request is cut into batches of this size). Not a speed
 * setting: the model's cost is per passage, whatever the grouping (docs/BENCHMARKS.md, "Indexing throughput"). It
 * is a bound: a crash or reload loses at most one batch, and a search query waits behind at most one (16 passages
 * at the 7–12 passages/s measured in a browser worker on 2 cores: 1.3–2.3 s).
 */
export const EMBED_BATCH = 16;

/**
 * Texts per ONNX Runtime call within a batch. The q8 graph quantises activations with one scale per tensor, so per
 * call: a text embedded next to others came out at cosine 0.993 to itself embedded alone. So q8 embeds one text per
 * call: a vector then depends only on its text (stored, cached and query vectors agree), and on 2 CPU cores that is
 * also faster (256-piece passages: 47/s alone vs 20/s in batches of 32, bench/embed.bench.ts). Float models have no
 * such scale and take a batch in one call. (Passages read after a context, or with their sentences, are one call
 * each whatever the dtype: their pooling needs each text's own token states.)
 */
export function textsPerModelCall(dtype: ModelSpec['dtype']): number {
  return dtype === 'q8' ? 1 : Infinity;
}

/** The `[start, end)` ranges that cut `count` texts into batches of `size` (at least 1; Infinity: one batch). */
export function batchRanges(count: number, size: number = EMBED_BATCH): [start: number, end: number][] {
  const step = Math.max(1, size);
  const ranges: [number, number][] = [];
  for (let start = 0; start < count; start += step) ranges.push([start, Math.min(count, start + step)]);
  return ranges;
}
