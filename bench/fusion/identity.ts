/**
 * Does the fused q8 graph (MultiHeadAttention + SkipLayerNormalization contrib ops, models/convert/bert-graph.ts
 * `contribOps`) give the plain graph's hidden states on every runtime the app and the eval use? Builds both graphs
 * from the npm weights, checks the built models/<id>/onnx/model_quantized.onnx is one of them, and compares last_hidden_state over real tokens (max |Δ|,
 * share of bit-identical values, min cosine of mean-pooled vectors) for SOTU passages read in context, one per call
 * as the app embeds, plus one padded batch of two (the mask):
 *   - Node, onnxruntime-node CPU (what `npm run eval` runs through Transformers.js);
 *   - headless Chromium, ORT web's plain wasm build with 1 and 2 threads (the app's CPU path);
 *   - headless Chromium, ORT web's WebGPU build on SwiftShader's software Vulkan (the app's WebGPU path; no GPU
 *     here, so this proves the ops run and agree, not how fast).
 *
 *   npx tsx bench/fusion/identity.ts [--passages 12] [--gpu-passages 3] [--port 4317] [--model extra.onnx …] [--gpu-only]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { AutoTokenizer, env } from '@huggingface/transformers';
import * as ortNode from 'onnxruntime-node';
import { buildBertGraph, type BertGraphOptions } from '../../models/convert/bert-graph.ts';
import { int8Ops } from '../../models/convert/linear-ops.ts';
import { bertModelConfig } from '../../models/convert/model-config.ts';
import { DEFAULT_GRANULARITY, findPackageDir } from '../../models/convert/npm-build.ts';
import { SafeTensors } from '../../models/convert/safetensors.ts';
import { CONVERTER_VERSION } from '../../models/convert/version.ts';
import { chromiumLaunch } from '../../playwright.config.ts';
import { splitDocument } from '../../src/core/split.ts';
import { SOTU_DATA_DIR } from '../documents.ts';
import { MODELS_DIR, readModelSpec, REPO_ROOT } from '../node-engine.ts';

const { values } = parseArgs({
  options: {
    passages: { type: 'string', default: '12' },
    'gpu-passages': { type: 'string', default: '3' },
    port: { type: 'string', default: '4317' },
    model: { type: 'string', multiple: true, default: [] },
    'gpu-only': { type: 'boolean', default: false },
  },
});
const HERE = path.join(REPO_ROOT, 'bench', 'fusion');
const MODEL_DIR = path.join(REPO_ROOT, '.cache', 'fusion-identity');
const ORT_DIST = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const spec = readModelSpec();
const FUSED: BertGraphOptions = { contribOps: { attention: true, skipLayerNorm: true } };
// Chromium finds SwiftShader's Vulkan driver next to itself (Debian ships libvk_swiftshader.so with it).
const SWIFTSHADER = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader'];

interface Input { rows: number[][]; lengths: number[] }
/** minCosine: over the one-passage calls; batchCosine: over the padded batch's two rows. */
interface Result { model: string; maxAbs: number; identical: number; values: number; minCosine: number; batchCosine: number; error?: string }

function buildGraphs(): string[] {
  mkdirSync(MODEL_DIR, { recursive: true });
  if (spec.source.kind !== 'npm' || !spec.source.package) throw new Error(`${spec.id}: not built from an npm package`);
  const source = findPackageDir(spec.source.package, MODELS_DIR);
  const { config } = bertModelConfig(readFileSync(path.join(source, 'model/config.json'), 'utf8'));
  const tensors = new SafeTensors(readFileSync(path.join(source, 'model/model.fp16.safetensors')));
  const ops = (g: Parameters<typeof int8Ops>[0]) => int8Ops(g, DEFAULT_GRANULARITY);
  const plain = buildBertGraph(config, (n) => tensors.float32(n), ops, CONVERTER_VERSION);
  const fused = buildBertGraph(config, (n) => tensors.float32(n), ops, CONVERTER_VERSION, FUSED);
  const shipped = readFileSync(path.join(MODELS_DIR, spec.id, 'onnx', 'model_quantized.onnx'));
  if (!shipped.equals(plain) && !shipped.equals(fused)) throw new Error('the built model_quantized.onnx is neither graph: run `npm run models`');
  writeFileSync(path.join(MODEL_DIR, 'plain.onnx'), plain);
  writeFileSync(path.join(MODEL_DIR, 'fused.onnx'), fused);
  values.model!.forEach((file, i) => writeFileSync(path.join(MODEL_DIR, `extra${i}.onnx`), readFileSync(file)));
  return ['plain', 'fused', ...values.model!.map((_, i) => `extra${i}`)];
}

async function inputs(count: number): Promise<Input[]> {
  env.allowRemoteModels = false;
  env.localModelPath = MODELS_DIR + path.sep;
  const tokenizer = await AutoTokenizer.from_pretrained(spec.id);
  const text = readFileSync(path.join(SOTU_DATA_DIR, '1862_abraham_lincoln_r.txt'), 'utf8');
  const ids = splitDocument(text, (t) => tokenizer.encode(t).length, { maxTokens: spec.maxTokens })
    .slice(0, count + 2).map((p) => tokenizer.encode(p.context + p.text).slice(0, spec.maxTokens));
  const single = ids.slice(0, count).map((row) => ({ rows: [row], lengths: [row.length] }));
  // Two passages of different lengths in one call, the shorter padded with [PAD] (0).
  const [a, b] = [ids[count]!, ids[count + 1]!.slice(0, Math.max(8, ids[count]!.length - 40))];
  const width = Math.max(a.length, b.length);
  const pad = (row: number[]) => [...row, ...Array<number>(width - row.length).fill(0)];
  return [...single, { rows: [pad(a), pad(b)], lengths: [a.length, b.length] }];
}

async function nodeResults(models: string[], data: Input[]): Promise<Result[]> {
  let reference: Float32Array[] | null = null;
  const results: Result[] = [];
  for (const model of models) {
    const result: Result = { model, maxAbs: 0, identical: 0, values: 0, minCosine: 1, batchCosine: 1 };
    results.push(result);
    try {
      const session = await ortNode.InferenceSession.create(path.join(MODEL_DIR, `${model}.onnx`));
      const outputs: Float32Array[] = [];
      for (const { rows, lengths } of data) {
        const tensor = (x: number[][]) => new ortNode.Tensor('int64', BigInt64Array.from(x.flat(), BigInt), [x.length, x[0]!.length]);
        const out = await session.run({
          input_ids: tensor(rows),
          attention_mask: tensor(rows.map((row, r) => row.map((_, t) => (t < lengths[r]! ? 1 : 0)))),
          token_type_ids: tensor(rows.map((row) => row.map(() => 0))),
        });
        outputs.push((out['last_hidden_state']!.data as Float32Array).slice());
      }
      await session.release();
      reference ??= outputs;
      compare(reference, outputs, data, result);
    } catch (error) {
      result.error = String((error as Error).message ?? error).slice(0, 300);
    }
  }
  return results;
}

function compare(reference: Float32Array[], outputs: Float32Array[], data: Input[], result: Result): void {
  data.forEach(({ rows, lengths }, i) => {
    const a = reference[i]!, b = outputs[i]!, S = rows[0]!.length, H = a.length / rows.length / S;
    rows.forEach((_, r) => {
      const pa = new Float64Array(H), pb = new Float64Array(H);
      for (let t = 0; t < lengths[r]!; t++) {
        for (let d = 0; d < H; d++) {
          const j = (r * S + t) * H + d;
          result.maxAbs = Math.max(result.maxAbs, Math.abs(a[j]! - b[j]!));
          result.identical += a[j] === b[j] ? 1 : 0;
          result.values++;
          pa[d]! += a[j]!; pb[d]! += b[j]!;
        }
      }
      let dot = 0, na = 0, nb = 0;
      for (let d = 0; d < H; d++) { dot += pa[d]! * pb[d]!; na += pa[d]! ** 2; nb += pb[d]! ** 2; }
      const cosine = dot / Math.sqrt(na * nb);
      if (rows.length > 1) result.batchCosine = Math.min(result.batchCosine, cosine);
      else result.minCosine = Math.min(result.minCosine, cosine);
    });
  });
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
function serve(port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = url === '/' ? '' : path.join(HERE, url);
    if (url.startsWith('/ort/')) file = path.join(ORT_DIST, url.slice(5));
    if (url.startsWith('/models/')) file = path.join(MODEL_DIR, url.slice(8));
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    if (url === '/') return void res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end('<!doctype html><title>identity</title>');
    if (url.includes('..') || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, 'localhost', () => resolve(server));
  });
}

function print(where: string, results: Result[], reference = 'plain'): void {
  for (const r of results) {
    const line = r.error ? `FAILED: ${r.error}`
      : `max |Δ| ${r.maxAbs.toExponential(2)}, bit-identical ${((100 * r.identical) / r.values).toFixed(2)} % of ${r.values} values, min cosine ${r.minCosine.toFixed(6)} one per call, ${r.batchCosine.toFixed(6)} padded batch`;
    console.log(`${where.padEnd(34)} ${r.model.padEnd(14)} vs ${reference}: ${line}`);
  }
}

const models = buildGraphs();
const data = await inputs(Number(values.passages));
console.log(`${data.length - 1} SOTU passages in context, one per call, + 1 padded batch of 2 (mean ${(data.slice(0, -1).reduce((s, d) => s + d.rows[0]!.length, 0) / (data.length - 1)).toFixed(0)} word pieces)`);
if (!values['gpu-only']) print('Node, onnxruntime-node CPU', await nodeResults(models, data));
console.log(`load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);

const server = await serve(Number(values.port));
const browser = await chromium.launch({ ...chromiumLaunch, headless: true, args: [...(chromiumLaunch.args ?? []), ...SWIFTSHADER] });
try {
  const page = await browser.newPage();
  await page.goto(`http://localhost:${values.port}/`);
  const gpuData = [...data.slice(0, Number(values['gpu-passages'])), data.at(-1)!];
  const wasmRuns = models.map((m) => ({ model: m, ep: 'wasm' }));
  // On WebGPU the reference is the plain graph on the same build's CPU (wasm) provider.
  const gpuRuns = [{ model: 'plain', ep: 'wasm' }, ...models.map((m) => ({ model: m, ep: 'webgpu' }))];
  const configs = [
    ['Chromium, ORT wasm, 1 thread', 'wasm', 1, data, wasmRuns], ['Chromium, ORT wasm, 2 threads', 'wasm', 2, data, wasmRuns],
    ['Chromium, ORT WebGPU (SwiftShader)', 'webgpu', 1, gpuData, gpuRuns],
  ] as const;
  for (const [where, build, threads, input, runs] of values['gpu-only'] ? configs.slice(2) : configs) {
    const reply = await page.evaluate(({ build, threads, input, runs }) => new Promise<{ results?: Result[]; isolated?: boolean; error?: string }>((resolve) => {
      const worker = new Worker('/identity-worker.js', { type: 'module' });
      worker.onmessage = ({ data }) => { worker.terminate(); resolve(data); };
      worker.postMessage({ build, threads, inputs: input, runs: runs.map((r) => ({ ...r, model: `/models/${r.model}.onnx` })) });
    }), { build, threads, input, runs });
    if (reply.error) throw new Error(`${where}: ${reply.error}`);
    if (!reply.isolated) throw new Error('not cross-origin isolated');
    print(where, reply.results!, runs[0]!.model + ' on ' + runs[0]!.ep);
  }
} finally {
  await browser.close();
  server.close();
}
