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
  const extractor: FeatureExtractionPipeline = await pipeline('feature-extraction', spec.id, {
    dtype: options.dtype ?? spec.dtype,
    device,
    progress_callback: options.onProgress,
  });

  return {
    spec,
    device,
    async embed(texts, kind) {
      if (texts.length === 0) return new Float32Array(0);
      const prefix = kind === 'query' ? spec.queryPrefix : spec.passagePrefix;
      const inputs = prefix ? texts.map((t) => prefix + t) : [...texts];
      const output = await extractor(inputs, { pooling: spec.pooling, normalize: spec.normalize });
      const data = output.data as Float32Array;
      output.dispose?.();
      return data;
    },
    countTokens(text) {
      return extractor.tokenizer.encode(text).length;
    },
    async dispose() {
      await extractor.dispose();
    },
  };
}
