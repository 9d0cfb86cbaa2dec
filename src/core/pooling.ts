/**
 * Pooling a passage that the model read after its context (core/split.ts step 5). The model reads
 * `context + passage`; the passage's vector is a weighted mean of the token vectors in which the passage's own
 * tokens — [CLS], its word pieces, [SEP] — count fully and the context's tokens count CONTEXT_TOKEN_WEIGHT each.
 * The context shapes every passage token through attention, so a paragraph that leans on the one before
 * ("The pact, called …") is found by what it is about. Context tokens count for nothing (as in "late chunking"):
 * at any weight above zero the vector takes on some of the previous paragraph's content, and the paragraph after
 * an answer began to outrank the answer itself (0.35 found a few more answers in the top 3, but put the wrong
 * paragraph first for questions that were answered first before). Measured: docs/BENCHMARKS.md, "Passage context".
 */

/** How much each context token counts in a passage's mean, relative to the passage's own tokens. */
export const CONTEXT_TOKEN_WEIGHT = 0;

/**
 * `hidden` is the model's last hidden state for one input, row-major `tokens × dims`, laid out as
 * [CLS] context(1 … contextTokens) passage … [SEP]. Returns the weighted mean described above, L2-normalised when
 * `normalize` is set. With no context tokens it is plain mean pooling.
 */
export function poolPassageTokens(
  hidden: ArrayLike<number>,
  tokens: number,
  dims: number,
  contextTokens: number,
  normalize: boolean,
  contextWeight = CONTEXT_TOKEN_WEIGHT,
): Float32Array {
  if (!(contextTokens >= 0 && contextTokens + 2 <= tokens) || hidden.length !== tokens * dims) {
    throw new Error(`Passage: cannot pool ${tokens} tokens with ${contextTokens} of context (${hidden.length} values)`);
  }
  const out = new Float32Array(dims);
  let totalWeight = 0;
  for (let t = 0; t < tokens; t++) {
    const weight = t >= 1 && t <= contextTokens ? contextWeight : 1;
    totalWeight += weight;
    for (let d = 0; d < dims; d++) out[d]! += weight * hidden[t * dims + d]!;
  }
  for (let d = 0; d < dims; d++) out[d]! /= totalWeight;
  if (normalize) {
    const norm = Math.hypot(...out);
    if (norm > 0) for (let d = 0; d < dims; d++) out[d]! /= norm;
  }
  return out;
}
