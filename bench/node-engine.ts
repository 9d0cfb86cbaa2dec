/**
 * Loads the app's embedding engine in Node: local model files only, from <repo>/models/, on the CPU. The eval,
 * the benchmarks and the model-dependent tests all come through here so they measure what the app computes.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { env } from '@huggingface/transformers';
import { findModel, type ModelManifest, type ModelSpec } from '../src/core/model-spec.ts';
import { sha256Hex } from '../src/core/hash.ts';
import { loadEngine, type Engine } from '../src/worker/engine.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const MODELS_DIR = path.join(REPO_ROOT, 'models');

export function readModelSpec(id?: string): ModelSpec {
  const manifest = JSON.parse(readFileSync(path.join(MODELS_DIR, 'manifest.json'), 'utf8')) as ModelManifest;
  return findModel(manifest, id);
}

/** True when `npm run models` has produced the model's ONNX files. */
export function modelIsBuilt(spec: ModelSpec = readModelSpec()): boolean {
  return existsSync(path.join(MODELS_DIR, spec.id, 'onnx')) && existsSync(buildStampPath(spec));
}

export function buildStampPath(spec: ModelSpec): string {
  return path.join(MODELS_DIR, spec.id, 'passage-build.json');
}

/** Bump when the engine changes how it turns a text into a vector (v2: q8 embeds one text per call). */
const EMBEDDING_RECIPE = 'v2';

/** Identifies the exact model files, dtype and engine recipe vectors came from: the cache key prefix. */
export async function modelFingerprint(spec: ModelSpec, dtype: ModelSpec['dtype'] = spec.dtype): Promise<string> {
  const stamp = await sha256Hex(readFileSync(buildStampPath(spec), 'utf8'));
  return `${spec.id}-${dtype}-${stamp.slice(0, 16)}-${EMBEDDING_RECIPE}`;
}

export async function loadNodeEngine(
  spec: ModelSpec = readModelSpec(),
  dtype?: ModelSpec['dtype'],
  contextWeight?: number,
): Promise<Engine> {
  if (!modelIsBuilt(spec)) {
    throw new Error(`model ${spec.id} is not built: run \`npm run models\` first (expected ${path.join(MODELS_DIR, spec.id)})`);
  }
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = MODELS_DIR + path.sep;
  return loadEngine(spec, { device: 'cpu', ...(dtype ? { dtype } : {}), ...(contextWeight === undefined ? {} : { contextWeight }) });
}
