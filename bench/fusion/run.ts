/**
 * Does writing ORT contrib ops into the model (one MultiHeadAttention per layer, SkipLayerNormalization for each
 * residual + LayerNorm — models/convert/bert-graph.ts `contribOps`) or running two single-threaded sessions side by
 * side make indexing faster in the browser? Headless Chromium, cross-origin isolated, ONNX Runtime Web's plain
 * wasm build called directly (no Transformers.js: the model's own time), one passage per call as the app embeds.
 * Configurations take turns within each round (order rotated); medians over rounds; "cpu" is the CPU time all of
 * Chromium's processes spent per passage (/proc), which the load of other jobs on the machine inflates less than
 * the wall clock.
 *
 *   npx tsx bench/fusion/run.ts [--rounds 5] [--passages 24] [--port 4316] [--only 'name|…']
 *
 * Texts: State of the Union passages (1862 Lincoln, 1905 T. Roosevelt) split by the app's splitter, each read
 * after its context, as the indexer feeds them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { AutoTokenizer, env } from '@huggingface/transformers';
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
import { treeCpuSeconds } from '../profile/processes.ts';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    passages: { type: 'string', default: '24' },
    port: { type: 'string', default: '4316' },
    only: { type: 'string' },
  },
});
const HERE = path.join(REPO_ROOT, 'bench', 'fusion');
const MODEL_DIR = path.join(REPO_ROOT, '.cache', 'fusion-models');
const ORT_DIST = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');
const spec = readModelSpec();

const GRAPHS: Record<string, BertGraphOptions> = {
  plain: {},
  attention: { contribOps: { attention: true } },
  fused: { contribOps: { attention: true, skipLayerNorm: true } },
};

interface Config { name: string; graph: keyof typeof GRAPHS; workers: number; threads: number }
const CONFIGS: Config[] = [
  { name: 'today: plain graph, 1 worker × 2 threads', graph: 'plain', workers: 1, threads: 2 },
  { name: 'MultiHeadAttention + SkipLayerNorm, 1 worker × 2 threads', graph: 'fused', workers: 1, threads: 2 },
  { name: 'MultiHeadAttention only, 1 worker × 2 threads', graph: 'attention', workers: 1, threads: 2 },
  { name: 'plain graph, 1 worker × 1 thread', graph: 'plain', workers: 1, threads: 1 },
  { name: 'plain graph, 2 workers × 1 thread', graph: 'plain', workers: 2, threads: 1 },
  { name: 'MultiHeadAttention + SkipLayerNorm, 2 workers × 1 thread', graph: 'fused', workers: 2, threads: 1 },
];
const only = values.only?.split('|').map((s) => s.trim());
const configs = only ? CONFIGS.filter((c, i) => i === 0 || only.some((o) => c.name.includes(o))) : CONFIGS;

function buildGraphs(): void {
  mkdirSync(MODEL_DIR, { recursive: true });
  if (spec.source.kind !== 'npm' || !spec.source.package) throw new Error(`${spec.id}: not built from an npm package`);
  const source = findPackageDir(spec.source.package, MODELS_DIR);
  const { config } = bertModelConfig(readFileSync(path.join(source, 'model/config.json'), 'utf8'));
  const tensors = new SafeTensors(readFileSync(path.join(source, 'model/model.fp16.safetensors')));
  for (const [name, options] of Object.entries(GRAPHS)) {
    const bytes = buildBertGraph(config, (n) => tensors.float32(n), (g) => int8Ops(g, DEFAULT_GRANULARITY), CONVERTER_VERSION, options);
    writeFileSync(path.join(MODEL_DIR, `${name}.onnx`), bytes);
  }
  const shipped = readFileSync(path.join(MODELS_DIR, spec.id, 'onnx', 'model_quantized.onnx'));
  if (!Object.keys(GRAPHS).some((name) => shipped.equals(readFileSync(path.join(MODEL_DIR, `${name}.onnx`))))) {
    throw new Error('the built model is none of these graphs: run `npm run models`');
  }
}

async function passages(count: number): Promise<number[][]> {
  env.allowRemoteModels = false;
  env.localModelPath = MODELS_DIR + path.sep;
  const tokenizer = await AutoTokenizer.from_pretrained(spec.id);
  const tokens = (t: string) => tokenizer.encode(t).length;
  const text = ['1862_abraham_lincoln_r.txt', '1905_theodore_roosevelt_r.txt']
    .map((f) => readFileSync(path.join(SOTU_DATA_DIR, f), 'utf8')).join('\n\n');
  return splitDocument(text, tokens, { maxTokens: spec.maxTokens }).slice(0, count)
    .map((p) => tokenizer.encode(p.context + p.text).slice(0, spec.maxTokens));
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
function serve(port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = path.join(HERE, url === '/' ? 'index.html' : url);
    if (url.startsWith('/ort/')) file = path.join(ORT_DIST, url.slice(5));
    if (url.startsWith('/models/')) file = path.join(MODEL_DIR, url.slice(8));
    if (url.includes('..') || !existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(readFileSync(file));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, 'localhost', () => resolve(server));
  });
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const cosine = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
const loadavg = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');

buildGraphs();
const input = await passages(Number(values.passages));
const warmup = input.slice(0, 2);
const meanTokens = input.reduce((s, p) => s + p.length, 0) / input.length;
console.log(`${os.cpus().length} cores, load ${loadavg()}; ${input.length} SOTU passages in context, mean ${meanTokens.toFixed(0)} word pieces`);
const server = await serve(Number(values.port));
const browserServer = await chromium.launchServer({ ...chromiumLaunch, headless: true });
const browserPid = browserServer.process().pid!;
const browser = await chromium.connect(browserServer.wsEndpoint());
try {
  const page = await browser.newPage();
  await page.goto(`http://localhost:${values.port}/`);
  await page.waitForFunction(() => typeof (window as unknown as { go?: unknown }).go === "function");
  const rate = new Map(configs.map((c) => [c.name, [] as number[]]));
  const cpu = new Map(configs.map((c) => [c.name, [] as number[]]));
  const vectors = new Map<string, number[][]>();
  // Per passage, its fastest time over the rounds: the run least disturbed by other jobs on the machine.
  const fastest = new Map(configs.map((c) => [c.name, input.map(() => Infinity)]));
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const config of configs.map((_, i) => configs[(i + round) % configs.length]!)) {
      type Bench = { prepare: (r: unknown) => Promise<string | null>; go: () => Promise<unknown> };
      const failed = await page.evaluate((r) => (window as unknown as Bench).prepare(r), {
        model: `/models/${config.graph}.onnx`, workers: config.workers, threads: config.threads, passages: input, warmup,
      });
      if (failed) throw new Error(`${config.name}: ${failed}`);
      const before = treeCpuSeconds(browserPid);
      const result = await page.evaluate(() => (window as unknown as Bench).go()) as { ms: number; vectors: number[][]; times: number[]; isolated: boolean; error?: string };
      const cpuPerPassage = ((treeCpuSeconds(browserPid) - before) * 1000) / input.length;
      if (result.error) throw new Error(`${config.name}: ${result.error}`);
      if (!result.isolated) throw new Error('not cross-origin isolated');
      rate.get(config.name)!.push((input.length / result.ms) * 1000);
      cpu.get(config.name)!.push(cpuPerPassage);
      if (!vectors.has(config.name)) vectors.set(config.name, result.vectors);
      const best = fastest.get(config.name)!;
      result.times.forEach((ms, i) => { best[i] = Math.min(best[i]!, ms); });
      console.log(`  round ${round + 1}: ${((input.length / result.ms) * 1000).toFixed(2)}/s, cpu ${cpuPerPassage.toFixed(0)} ms/passage   ${config.name}  (load ${loadavg()})`);
    }
  }
  const base = configs[0]!.name;
  // Best-of-rounds rate: the workers run side by side, each at its passages' fastest times.
  const bestRate = (c: Config) => (c.workers * input.length * 1000) / fastest.get(c.name)!.reduce((a, b) => a + b, 0);
  console.log(`\npassages/s, median of ${values.rounds} · × today · best-of-rounds passages/s · × today · Chromium CPU ms per passage (median) · cosine to today's vectors (min)`);
  for (const c of configs) {
    const r = median(rate.get(c.name)!);
    const cos = vectors.get(c.name)!.map((v, i) => cosine(v, vectors.get(base)![i]!));
    console.log(`${r.toFixed(2).padStart(6)}/s  ×${(r / median(rate.get(base)!)).toFixed(2)}  best ${bestRate(c).toFixed(2)}/s ×${(bestRate(c) / bestRate(configs[0]!)).toFixed(2)}  cpu ${median(cpu.get(c.name)!).toFixed(0)} ms  cos min ${Math.min(...cos).toFixed(6)}  ${c.name}  [${rate.get(c.name)!.map((x) => x.toFixed(2)).join(', ')}]`);
  }
  console.log(`load at end ${loadavg()}`);
} finally {
  await browser.close();
  await browserServer.close();
  server.close();
}
