// Compare int8 weight granularities by accuracy: builds the default model once per granularity
// into a temp directory and reports the fp32-vs-int8 cosine of sentence embeddings over the
// 42 passages of three public-domain State of the Union addresses. Run: npx tsx models/measure-quantization.ts
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { buildNpmModel } from './convert/npm-build.ts';
import type { Granularity } from './convert/quantize.ts';
import { MODELS_DIR } from './manifest.ts';
import { cosine, defaultSpec, embedWithTransformers, sotuPassages, summarize } from './testing/helpers.ts';

const spec = await defaultSpec();
const paragraphs = sotuPassages();
const tmp = await mkdtemp(path.join(os.tmpdir(), 'passage-quant-'));
try {
  let reference: Float32Array[] | undefined;
  for (const granularity of ['per-tensor', 'per-column'] as Granularity[]) {
    await buildNpmModel(spec, { outDir: path.join(tmp, granularity), resolveFrom: MODELS_DIR, granularity });
    reference ??= await embedWithTransformers(tmp, granularity, 'fp32', paragraphs);
    const int8 = await embedWithTransformers(tmp, granularity, 'q8', paragraphs);
    const { mean, min } = summarize(int8.map((v, i) => cosine(v, reference![i]!)));
    const size = (await stat(path.join(tmp, granularity, 'onnx/model_quantized.onnx'))).size;
    console.log(`${granularity}: cosine vs fp32 over ${paragraphs.length} paragraphs mean ${mean.toFixed(4)} ` +
      `min ${min.toFixed(4)}, ${(size / 1e6).toFixed(2)} MB`);
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
}
