/**
 * The embedding engine: one model, loaded once, turning texts into L2-normalised vectors.
 * It runs unchanged in the browser worker and in Node (the eval), so what the eval measures is what
 * the app computes. Transformers.js `env` (local model path, wasm paths) is configured by the caller.
 */
import { pipeline, type FeatureExtractionPipeline, type ProgressInfo } from '@huggingface/transformers';
import { batchRanges, textsPerModelCall } from '../core/embed-batch.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { CONTEXT_TOKEN_WEIGHT, poolPassageTokens } from '../core/pooling.ts';
import { poolTokenRanges, sentenceTokenRanges } from '../core/sentence-pooling.ts';
import { splitSentences } from '../core/sentences.ts';
import type { TextKind } from '../core/types.ts';

export type Device = 'wasm' | 'webgpu' | 'cpu';
export type { TextKind };

export interface EngineOptions {
  device?: Device;
  /** Overrides spec.dtype (the tests compare fp32 and q8). */
  dtype?: ModelSpec['dtype'];
  /** Overrides CONTEXT_TOKEN_WEIGHT (the eval compares weights). */
  contextWeight?: number;
  onProgress?: (info: ProgressInfo) => void;
}

export interface Engine {
  readonly spec: ModelSpec;
  readonly device: Device;
  /** How much a passage's context tokens count in its vector (core/pooling.ts). */
  readonly contextWeight: number;
  /**
   * Row-major `texts.length × spec.dimensions`, prefixes applied, pooled and normalised as the spec says. With
   * `contexts` (passages only, one per text, '' for none) each text is read after its context, whose tokens
   * count CONTEXT_TOKEN_WEIGHT in the pooled vector (core/pooling.ts) — for mean-pooled models without a passage
   * prefix; others ignore contexts.
   */
  embed(texts: readonly string[], kind: TextKind, contexts?: readonly string[]): Promise<Float32Array>;
  /**
   * What the indexer stores: the passage vectors `embed(texts, 'passage', contexts)` gives (up to float rounding),
   * and from the same model call each passage's sentence vectors (core/sentence-pooling.ts).
   */
  embedPassages(texts: readonly string[], contexts?: readonly string[]): Promise<PassageEmbeddings>;
  /** Word pieces of `text`, counting [CLS] and [SEP], without truncation. */
  countTokens(text: string): number;
  dispose(): Promise<void>;
}

export interface PassageEmbeddings {
  /** Row-major `texts.length × spec.dimensions`. */
  vectors: Float32Array;
  /**
   * Per passage, row-major `splitSentences(text).length × spec.dimensions`, normalised as the spec says; null
   * when the sentences' word pieces could not be located (then highlight by words alone) or the model is not
   * mean-pooled.
   */
  sentenceVectors: (Float32Array | null)[];
}

export async function loadEngine(spec: ModelSpec, options: EngineOptions = {}): Promise<Engine> {
  const device = options.device ?? 'cpu';
  const dtype = options.dtype ?? spec.dtype;
  // q8: one text per model call, so a vector depends only on its text (core/embed-batch.ts says why).
  const textsPerCall = textsPerModelCall(dtype);
  const contextWeight = options.contextWeight ?? CONTEXT_TOKEN_WEIGHT;
  const extractor: FeatureExtractionPipeline = await pipeline('feature-extraction', spec.id, {
    dtype,
    device,
    progress_callback: options.onProgress,
  });

  async function run(inputs: string[]): Promise<Float32Array> {
    const output = await extractor(inputs, { pooling: spec.pooling, normalize: spec.normalize });
    const data = output.data as Float32Array;
    output.dispose();
    return data;
  }

  const countTokens = (text: string) => extractor.tokenizer.encode(text).length;
  // Context pooling needs every token's vector and a clean cut between context and passage tokens; a [CLS]-pooled
  // model has no per-token average to weigh, and a passage prefix would sit between the two.
  const readsContext = spec.pooling === 'mean' && !spec.passagePrefix;

  async function runInContext(context: string, text: string): Promise<Float32Array> {
    const contextTokens = countTokens(context) - 2; // without its own [CLS] and [SEP]
    const output = await extractor(context + text, { pooling: 'none', normalize: false });
    try {
      const tokens = output.dims[1] ?? 0; // [batch, tokens, dimensions]; 0 never adds up below
      // The splitter's context ends in whitespace, so word pieces never straddle the cut; if they ever did, the
      // token count would not add up and the passage is embedded alone rather than pooled at a wrong offset.
      if (tokens === contextTokens + countTokens(text)) {
        return poolPassageTokens(output.data as Float32Array, tokens, spec.dimensions, contextTokens, spec.normalize, contextWeight);
      }
    } finally {
      output.dispose();
    }
    return run([text]);
  }

  // One model call per passage: its passage vector and its sentences' vectors come from the same token states.
  async function embedPassageAndSentences(
    context: string,
    text: string,
  ): Promise<{ vector: Float32Array; sentences: Float32Array | null } | null> {
    const contextTokens = context ? countTokens(context) - 2 : 0;
    const passagePieces = countTokens(text) - 2;
    const output = await extractor(context + text, { pooling: 'none', normalize: false });
    try {
      const tokens = output.dims[1] ?? 0; // as in runInContext
      const hidden = output.data as Float32Array;
      // As in runInContext: a cut that does not add up (or a truncated input) is read again without context.
      if (tokens === contextTokens + passagePieces + 2) {
        const vector = poolPassageTokens(hidden, tokens, spec.dimensions, contextTokens, spec.normalize, contextWeight);
        const ranges = sentenceTokenRanges(text, splitSentences(text), countTokens, 1 + contextTokens, passagePieces);
        const sentences = ranges && poolTokenRanges(hidden, tokens, spec.dimensions, ranges, spec.normalize);
        return { vector, sentences };
      }
    } finally {
      output.dispose();
    }
    return context ? embedPassageAndSentences('', text) : null;
  }

  const engine: Engine = {
    spec,
    device,
    contextWeight,
    async embedPassages(texts, contexts) {
      const vectors = new Float32Array(texts.length * spec.dimensions);
      if (spec.pooling !== 'mean' || spec.passagePrefix) {
        vectors.set(await engine.embed(texts, 'passage', contexts));
        return { vectors, sentenceVectors: texts.map(() => null) };
      }
      const sentenceVectors: (Float32Array | null)[] = [];
      for (const [i, text] of texts.entries()) {
        const pooled = await embedPassageAndSentences(contexts?.[i] ?? '', text);
        vectors.set(pooled ? pooled.vector : await run([text]), i * spec.dimensions);
        sentenceVectors.push(pooled?.sentences ?? null);
      }
      return { vectors, sentenceVectors };
    },
    async embed(texts, kind, contexts) {
      if (texts.length === 0) return new Float32Array(0);
      if (contexts && readsContext && kind === 'passage' && contexts.some((c) => c !== '')) {
        const out = new Float32Array(texts.length * spec.dimensions);
        for (const [i, text] of texts.entries()) {
          const context = contexts[i] ?? '';
          out.set(context ? await runInContext(context, text) : await run([text]), i * spec.dimensions);
        }
        return out;
      }
      const prefix = kind === 'query' ? spec.queryPrefix : spec.passagePrefix;
      const inputs = prefix ? texts.map((t) => prefix + t) : [...texts];
      if (inputs.length <= textsPerCall) return run(inputs);
      const out = new Float32Array(inputs.length * spec.dimensions);
      for (const [start, end] of batchRanges(inputs.length, textsPerCall)) {
        out.set(await run(inputs.slice(start, end)), start * spec.dimensions);
      }
      return out;
    },
    countTokens,
    async dispose() {
      await extractor.dispose();
    },
  };
  return engine;
}
