// Build a Transformers.js model directory from an npm weights package (safetensors + tokenizer):
// config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx (fp32) and
// onnx/model_quantized.onnx (int8), stamped by passage-build.json.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelSpec, NpmSource } from '../manifest.ts';
import { buildBertGraph } from './bert-graph.ts';
import { float32Ops, int8Ops } from './linear-ops.ts';
import { bertModelConfig } from './model-config.ts';
import type { Granularity } from './quantize.ts';
import { SafeTensors } from './safetensors.ts';
import { tokenizerFiles } from './tokenizer-files.ts';
import { CONVERTER_NAME, CONVERTER_VERSION } from './version.ts';
import {
  readStamp,
  sha256Hex,
  sortedRecord,
  verifyFiles,
  writeModelDir,
  type BuildStamp,
  type FileStamp,
  type ModelFile,
} from './write-model-dir.ts';

/**
 * int8 weight granularity, picked by accuracy. Measured with models/measure-quantization.ts
 * (cosine between fp32 and int8 mean-pooled normalized embeddings of the 40 paragraphs of
 * ../shared/corpus, Transformers.js 4.3.1 + onnxruntime-node 1.30, 2026-11):
 *   per-tensor symmetric: mean 0.9545, min 0.9232, 23.44 MB
 *   per-column symmetric: mean 0.9922, min 0.9850, 23.53 MB  ← used
 */
export const DEFAULT_GRANULARITY: Granularity = 'per-column';

/** The package files the converter reads, relative to the package root. */
const SOURCE_FILES = ['model/config.json', 'model/model.fp16.safetensors', 'model/tokenizer.json'];

export interface NpmBuildOptions {
  /** Where to write the model directory (default: <modelsDir>/<spec.id>). */
  outDir: string;
  /** Directory to start the node_modules lookup from. */
  resolveFrom: string;
  granularity?: Granularity;
}

/** Find node_modules/<name> walking up from `from` (the package's exports hide package.json). */
export function findPackageDir(name: string, from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`npm package ${name} is not installed (run npm ci)`);
  }
}

function npmSource(spec: ModelSpec): NpmSource {
  if (spec.source.kind !== 'npm') throw new Error(`model ${spec.id} does not come from npm`);
  return spec.source;
}

async function readSource(spec: ModelSpec, resolveFrom: string) {
  const source = npmSource(spec);
  const dir = findPackageDir(source.package, resolveFrom);
  const pkg = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  if (pkg.version !== source.version) {
    throw new Error(`${source.package} ${pkg.version} is installed but manifest.json wants ${source.version}`);
  }
  const files = new Map<string, Buffer>();
  for (const file of SOURCE_FILES) files.set(file, await readFile(path.join(dir, file)));
  const stamps: Record<string, FileStamp> = {};
  for (const [file, bytes] of files) stamps[file] = { size: bytes.length, sha256: sha256Hex(bytes) };
  return { source, files, stamp: { kind: 'npm', package: source.package, version: source.version, files: sortedRecord(stamps) } };
}

function converterStamp(granularity: Granularity): BuildStamp['converter'] {
  return {
    name: CONVERTER_NAME,
    version: CONVERTER_VERSION,
    quantization: `int8 symmetric ${granularity} weights, dynamic uint8 activations; word embeddings int8 per row`,
  };
}

/** Convert the package into the model files (in memory). */
export function convertFiles(files: Map<string, Buffer>, maxTokens: number, granularity: Granularity): ModelFile[] {
  const get = (name: string) => {
    const bytes = files.get(name);
    if (!bytes) throw new Error(`missing ${name}`);
    return bytes;
  };
  const { config, json: configJson } = bertModelConfig(get('model/config.json').toString('utf8'));
  const tensors = new SafeTensors(get('model/model.fp16.safetensors'));
  // Decode each tensor once; both graphs read the same weights.
  const cache = new Map<string, ReturnType<SafeTensors['float32']>>();
  const weights = (name: string) => {
    let t = cache.get(name);
    if (!t) cache.set(name, (t = tensors.float32(name)));
    return t;
  };
  const tokenizer = tokenizerFiles(get('model/tokenizer.json').toString('utf8'), maxTokens);
  return [
    { path: 'config.json', bytes: configJson },
    { path: 'onnx/model.onnx', bytes: buildBertGraph(config, weights, float32Ops, CONVERTER_VERSION) },
    {
      path: 'onnx/model_quantized.onnx',
      bytes: buildBertGraph(config, weights, (g) => int8Ops(g, granularity), CONVERTER_VERSION),
    },
    ...Object.entries(tokenizer).map(([file, text]) => ({ path: file, bytes: text })),
  ];
}

export async function buildNpmModel(spec: ModelSpec, options: NpmBuildOptions): Promise<BuildStamp> {
  const granularity = options.granularity ?? DEFAULT_GRANULARITY;
  const { files, stamp } = await readSource(spec, options.resolveFrom);
  const modelFiles = convertFiles(files, spec.maxTokens, granularity);
  return writeModelDir(options.outDir, modelFiles, { source: stamp, converter: converterStamp(granularity) });
}

/** Why `dir` needs a rebuild, or undefined when its stamp matches the source and its files. */
export async function staleReason(spec: ModelSpec, dir: string, resolveFrom: string): Promise<string | undefined> {
  const stamp = await readStamp(dir);
  if (!stamp) return 'no build stamp';
  const source = npmSource(spec);
  if (stamp.source.package !== source.package || stamp.source.version !== source.version) {
    return `built from ${String(stamp.source.package)}@${String(stamp.source.version)}`;
  }
  if (JSON.stringify(stamp.converter) !== JSON.stringify(converterStamp(DEFAULT_GRANULARITY))) {
    return `built by converter ${stamp.converter.version}`;
  }
  const current = await readSource(spec, resolveFrom);
  if (JSON.stringify(stamp.source) !== JSON.stringify(current.stamp)) return 'source files changed';
  return verifyFiles(dir, stamp);
}

/** Build `spec` into `outDir` unless it is already up to date. */
export async function ensureNpmModel(
  spec: ModelSpec,
  options: NpmBuildOptions,
): Promise<{ built: boolean; reason?: string }> {
  const reason = await staleReason(spec, options.outDir, options.resolveFrom);
  if (reason === undefined) return { built: false };
  await buildNpmModel(spec, options);
  return { built: true, reason };
}
