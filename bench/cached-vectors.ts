/** Passage vectors the eval has already computed for the current model build (empty when there is no cache). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ModelSpec } from '../src/core/model-spec.ts';
import { EmbeddingCache } from './embedding-cache.ts';
import { modelFingerprint, REPO_ROOT } from './node-engine.ts';

export async function embeddingCacheFile(spec: ModelSpec): Promise<string> {
  return path.join(REPO_ROOT, '.cache', 'embeddings', `${await modelFingerprint(spec)}.bin`);
}

export async function openEmbeddingCache(spec: ModelSpec): Promise<EmbeddingCache> {
  return new EmbeddingCache(await embeddingCacheFile(spec), spec.dimensions);
}

/** Every cached vector, row-major, or null when the cache does not exist. */
export async function readCachedVectors(spec: ModelSpec): Promise<Float32Array[] | null> {
  const file = await embeddingCacheFile(spec);
  if (!existsSync(file)) return null;
  return [...new EmbeddingCache(file, spec.dimensions).values()];
}
