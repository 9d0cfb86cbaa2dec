// A tiny BERT feature-extraction model for tests of "your own model": 2 layers, hidden size 32, 2 heads, with
// deterministic pseudo-random weights (same bytes on every run), written by our own converter (bert-graph.ts,
// int8 like the shipped model) with the MiniLM tokenizer files. Its vectors mean little, but it is a real
// Transformers.js model directory: it loads, tokenizes and embeds like any other, in ~1.3 MB. Built at test
// time (never committed): `tinyModelFiles()` in memory, `writeTinyModel(dir)` on disk.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildBertGraph, type BertConfig } from '../convert/bert-graph.ts';
import { int8Ops } from '../convert/linear-ops.ts';
import { MODELS_DIR } from '../manifest.ts';

export const TINY_CONFIG: BertConfig & { model_type: 'bert'; architectures: string[] } = {
  architectures: ['BertModel'],
  model_type: 'bert',
  hidden_size: 32,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 64,
  layer_norm_eps: 1e-12,
  vocab_size: 30522,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  hidden_act: 'gelu',
};

/** mulberry32 seeded from the tensor's name: deterministic, no dependency. */
function random(seedText: string): () => number {
  let seed = 2166136261;
  for (const ch of seedText) seed = Math.imul(seed ^ ch.charCodeAt(0), 16777619);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shapeOf(name: string, c: BertConfig): number[] {
  const H = c.hidden_size;
  if (name === 'embeddings.word_embeddings.weight') return [c.vocab_size, H];
  if (name === 'embeddings.position_embeddings.weight') return [c.max_position_embeddings, H];
  if (name === 'embeddings.token_type_embeddings.weight') return [c.type_vocab_size, H];
  if (name.includes('LayerNorm')) return [H];
  const bias = name.endsWith('.bias');
  if (name.includes('intermediate.dense')) return bias ? [c.intermediate_size] : [c.intermediate_size, H];
  if (/layer\.\d+\.output\.dense/.test(name)) return bias ? [H] : [H, c.intermediate_size];
  return bias ? [H] : [H, H]; // attention query/key/value/output
}

function tensor(name: string, c: BertConfig): { data: Float32Array; shape: number[] } {
  const shape = shapeOf(name, c);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const next = random(name);
  const layerNormScale = name.endsWith('LayerNorm.weight');
  const scale = name.endsWith('.bias') || name.includes('LayerNorm') ? 0.02 : 0.2;
  for (let i = 0; i < data.length; i++) data[i] = (layerNormScale ? 1 : 0) + (next() * 2 - 1) * scale;
  return { data, shape };
}

/** The model directory's files: config.json, tokenizer files (MiniLM's, from the built default model), int8 ONNX. */
export async function tinyModelFiles(tokenizerDir = path.join(MODELS_DIR, 'all-MiniLM-L6-v2')): Promise<Map<string, Uint8Array>> {
  const weights = (name: string) => tensor(name, TINY_CONFIG);
  const onnx = buildBertGraph(TINY_CONFIG, weights, (g) => int8Ops(g, 'per-column'), 'tiny-test-model');
  const text = (s: string) => new TextEncoder().encode(s);
  return new Map<string, Uint8Array>([
    ['config.json', text(`${JSON.stringify(TINY_CONFIG, null, 2)}\n`)],
    ['onnx/model_quantized.onnx', onnx],
    ['tokenizer.json', await readFile(path.join(tokenizerDir, 'tokenizer.json'))],
    ['tokenizer_config.json', await readFile(path.join(tokenizerDir, 'tokenizer_config.json'))],
  ]);
}

export async function writeTinyModel(dir: string, files?: Map<string, Uint8Array>): Promise<void> {
  for (const [file, bytes] of files ?? (await tinyModelFiles())) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), bytes);
  }
}
