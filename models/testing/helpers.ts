// Shared by the model tests and the quantization measurement: corpus paragraphs, the built
// model directory, embeddings through Transformers.js, cosine similarity.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureNpmModel } from '../convert/npm-build.ts';
import { MODELS_DIR, readManifest, type ModelSpec } from '../manifest.ts';

export const REPO_ROOT = path.resolve(MODELS_DIR, '..');
/** CI clones the repo beside shared/, so the corpus is ../shared/corpus from the repo root. */
export const CORPUS_DIR = path.resolve(REPO_ROOT, '../shared/corpus');

/** Paragraphs (split on blank lines) of every .txt/.md file in the corpus, in file-name order. */
export function corpusParagraphs(dir = CORPUS_DIR): string[] {
  const files = readdirSync(dir).filter((f) => /\.(txt|md)$/.test(f)).sort();
  if (files.length === 0) throw new Error(`no text files in ${dir}`);
  return files.flatMap((f) =>
    readFileSync(path.join(dir, f), 'utf8').split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p.length > 0),
  );
}

export async function defaultSpec(): Promise<ModelSpec> {
  const manifest = await readManifest();
  const spec = manifest.models.find((m) => m.id === manifest.default);
  if (!spec) throw new Error('manifest.json: default model not listed');
  return spec;
}

/** models/<default id>/, built first if missing or stale. */
export async function ensureDefaultModel(): Promise<{ spec: ModelSpec; dir: string }> {
  const spec = await defaultSpec();
  const dir = path.join(MODELS_DIR, spec.id);
  await ensureNpmModel(spec, { outDir: dir, resolveFrom: MODELS_DIR });
  return { spec, dir };
}

/** Mean-pooled, normalized embeddings of `texts` through Transformers.js (local files only). */
export async function embedWithTransformers(
  modelsDir: string,
  modelId: string,
  dtype: 'fp32' | 'q8',
  texts: string[],
): Promise<Float32Array[]> {
  const { env, pipeline } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = `${modelsDir}/`;
  const extractor = await pipeline('feature-extraction', modelId, { dtype });
  try {
    const out = await extractor(texts, { pooling: 'mean', normalize: true });
    const [rows, dims] = out.dims as [number, number];
    const data = out.data as Float32Array;
    return Array.from({ length: rows }, (_, r) => data.slice(r * dims, (r + 1) * dims));
  } finally {
    await extractor.dispose();
  }
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

export function summarize(values: number[]): { mean: number; min: number } {
  return { mean: values.reduce((a, b) => a + b, 0) / values.length, min: Math.min(...values) };
}
