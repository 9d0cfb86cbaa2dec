/**
 * Pooling a passage that the model read after its context (core/split.ts step 5). The model reads
 * `context + passage`; the passage's vector is a weighted mean of the token vectors in which the passage's own
 * tokens — [CLS], its word pieces, [SEP] — count fully and the context's tokens count CONTEXT_TOKEN_WEIGHT each.
 * The context shapes every passage token through attention and adds a little of its own meaning, so a paragraph
 * that leans on the one before ("The pact, called …") is found by what it is about; at full weight the vector
 * would take on the previous paragraph's content and let it outrank the paragraph that holds the answer, at zero
 * ("late chunking") paragraphs like "To use a naval metaphor, …" stay lost. Measured: docs/BENCHMARKS.md,
 * "Passage context".
 */

/** How much each context token counts in a passage's mean, relative to the passage's own tokens. */
export const CONTEXT_TOKEN_WEIGHT = 0.35;

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
