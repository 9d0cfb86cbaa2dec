/**
 * A model build's identity: one hash over what decides the passage vectors a model gives — the bytes of the files
 * the browser loads (as the build record, passage-build.json, lists their sha-256) and the spec fields that change a
 * passage's vector. The library stamps it beside each model's vectors (store/model-vectors.ts), so a model rebuilt
 * under the same id (another quantisation, a converter change) is re-embedded instead of mixing old and new vectors.
 * Pure: the caller reads the build record.
 */
import { sha256Hex } from './hash.ts';
import { ONNX_FILES } from './model-catalogue.ts';
import type { ModelSpec } from './model-spec.ts';

/** The part of passage-build.json (written by models/build.ts for built-in models, app/user-models.ts for added ones) read here. */
export interface BuildRecord {
  files: Record<string, { size: number; sha256: string }>;
}

/** Raise when the recipe below changes, so every library re-embeds once with the new identity. */
const RECIPE = 1;

/** The files whose bytes decide a vector: Transformers.js reads the config, the two tokenizer files and one ONNX file. */
export function vectorFiles(spec: Pick<ModelSpec, 'dtype'>): string[] {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', ONNX_FILES[spec.dtype]];
}

/**
 * The build hash (sha-256 hex). Not in it: the query prefix (it changes queries, not stored passages), the name,
 * licence and source (labels), and files the browser does not load (the fp32 ONNX file of a q8 model).
 */
export function modelBuildHash(
  spec: Pick<ModelSpec, 'dtype' | 'dimensions' | 'pooling' | 'normalize' | 'passagePrefix' | 'maxTokens'>,
  build: BuildRecord,
): Promise<string> {
  const files = vectorFiles(spec).map((file) => [file, build.files[file]?.sha256 ?? null]);
  const { dtype, dimensions, pooling, normalize, passagePrefix, maxTokens } = spec;
  return sha256Hex(JSON.stringify({ recipe: RECIPE, files, dtype, dimensions, pooling, normalize, passagePrefix, maxTokens }));
}
