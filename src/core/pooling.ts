/**
 * Late pooling (as in "late chunking"): the model reads a passage together with the text before it, and the
 * passage's vector is the mean of the passage's own token vectors — [CLS], its word pieces and [SEP] — leaving
 * out the context's tokens. The context still shapes every passage token through attention, so a paragraph that
 * leans on the one before ("The pact, called …") is found by what it is about, yet its vector does not take on
 * the previous paragraph's content (which would let it outrank the paragraph that holds the answer).
 * Measured against embedding passages alone and against pooling every token: docs/BENCHMARKS.md, "Passage context".
 */

/**
 * `hidden` is the model's last hidden state for one input, row-major `tokens × dims`, laid out as
 * [CLS] context(1 … contextTokens) passage … [SEP]. Returns the mean of rows 0 and contextTokens + 1 … tokens − 1,
 * L2-normalised when `normalize` is set.
 */
export function poolPassageTokens(
  hidden: ArrayLike<number>,
  tokens: number,
  dims: number,
  contextTokens: number,
  normalize: boolean,
): Float32Array {
  if (!(contextTokens >= 0 && contextTokens + 2 <= tokens) || hidden.length !== tokens * dims) {
    throw new Error(`Passage: cannot pool ${tokens} tokens with ${contextTokens} of context (${hidden.length} values)`);
  }
  const out = new Float32Array(dims);
  const rows = [0];
  for (let t = contextTokens + 1; t < tokens; t++) rows.push(t);
  for (const t of rows) for (let d = 0; d < dims; d++) out[d]! += hidden[t * dims + d]!;
  for (let d = 0; d < dims; d++) out[d]! /= rows.length;
  if (normalize) {
    const norm = Math.hypot(...out);
    if (norm > 0) for (let d = 0; d < dims; d++) out[d]! /= norm;
  }
  return out;
}
