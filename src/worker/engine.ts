/**
 * The embedding engine: one model, loaded once, turning texts into L2-normalised vectors.
 * It runs unchanged in the browser worker and in Node (the eval), so what the eval measures is what
 * the app computes. Transformers.js `env` (local model path, wasm paths) is configured by the caller.
 */
import { pipeline, type FeatureExtractionPipeline, type ProgressInfo } from '@huggingface/transformers';
import type { ModelSpec } from '../core/model-spec.ts';

export type Device = 'wasm' | 'webgpu' | 'cpu';
export type TextKind = 'query' | 'passage';

export interface EngineOptions {
  device?: Device;
  /** Overrides spec.dtype (the tests compare fp32 and q8). */
  dtype?: ModelSpec['dtype'];
  onProgress?: (info: ProgressInfo) => void;
}

export interface Engine {
  readonly spec: ModelSpec;
  readonly device: Device;
  /** Row-major `texts.length × spec.dimensions`, prefixes applied, pooled and normalised as the spec says. */
  embed(texts: readonly string[], kind: TextKind): Promise<Float32Array>;
  /** Word pieces of `text`, counting [CLS] and [SEP], without truncation. */
  countTokens(text: string): number;
  dispose(): Promise<void>;
}

export async function loadEngine(spec: ModelSpec, options: EngineOptions = {}): Promise<Engine> {
  const device = options.device ?? 'cpu';
  const dtype = options.dtype ?? spec.dtype;
  // The q8 graph quantises activations dynamically, with one scale per tensor — per *batch*: a text embedded
  // next to other texts came out at cosine 0.993 to the same text embedded alone. So q8 embeds one text per
  // call: a vector then depends only on its text (stored vectors, cached vectors and queries agree), and on
  // 2 CPU cores it is also faster (256-piece passages: 47/s alone vs 20/s in batches of 32, bench/embed.bench.ts).
  const textsPerCall = dtype === 'q8' ? 1 : Infinity;
  const extractor: FeatureExtractionPipeline = await pipeline('feature-extraction', spec.id, {
    dtype,
    device,
    progress_callback: options.onProgress,
  });

  async function run(inputs: string[]): Promise<Float32Array> {
    const output = await extractor(inputs, { pooling: spec.pooling, normalize: spec.normalize });
    const data = output.data as Float32Array;
    output.dispose?.();
    return data;
  }

  return {
    spec,
    device,
    async embed(texts, kind) {
      if (texts.length === 0) return new Float32Array(0);
      const prefix = kind === 'query' ? spec.queryPrefix : spec.passagePrefix;
      const inputs = prefix ? texts.map((t) => prefix + t) : [...texts];
      if (inputs.length <= textsPerCall) return run(inputs);
      const out = new Float32Array(inputs.length * spec.dimensions);
      for (let i = 0; i < inputs.length; i++) out.set(await run([inputs[i]!]), i * spec.dimensions);
      return out;
    },
    countTokens(text) {
      return extractor.tokenizer.encode(text).length;
    },
    async dispose() {
      await extractor.dispose();
    },
  };
}
