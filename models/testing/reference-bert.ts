// An independent BERT forward pass for tests: reads the safetensors file itself, decodes fp16
// by arithmetic, and runs the encoder with plain float64 loops (no ONNX, no shared converter
// code), following the Hugging Face BertModel definition.
import { readFileSync } from 'node:fs';

interface Tensor {
  shape: number[];
  data: Float64Array;
}

function halfToNumber(bits: number): number {
  const sign = bits >> 15 ? -1 : 1;
  const exp = (bits >> 10) & 31;
  const frac = bits & 1023;
  if (exp === 0) return sign * Math.pow(2, -14) * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * Math.pow(2, exp - 15) * (1 + frac / 1024);
}

function loadSafetensors(file: string): Map<string, Tensor> {
  const buf = readFileSync(file);
  const headerLen = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.toString('utf8', 8, 8 + headerLen)) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  const tensors = new Map<string, Tensor>();
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__' || t.dtype !== 'F16') continue;
    const start = 8 + headerLen + t.data_offsets[0];
    const count = (t.data_offsets[1] - t.data_offsets[0]) / 2;
    const data = new Float64Array(count);
    for (let i = 0; i < count; i++) data[i] = halfToNumber(buf.readUInt16LE(start + 2 * i));
    tensors.set(name, { shape: t.shape, data });
  }
  return tensors;
}

export interface ReferenceConfig {
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  layer_norm_eps: number;
}

export class ReferenceBert {
  private readonly t: Map<string, Tensor>;

  constructor(safetensorsFile: string, private readonly config: ReferenceConfig) {
    this.t = loadSafetensors(safetensorsFile);
  }

  private w(name: string): Float64Array {
    const t = this.t.get(name);
    if (!t) throw new Error(`reference: missing ${name}`);
    return t.data;
  }

  /** y[s][o] = b[o] + Σ_i x[s][i] · W[o][i]  (PyTorch Linear, W is [out, in]). */
  private linear(x: Float64Array[], prefix: string): Float64Array[] {
    const W = this.w(`${prefix}.weight`);
    const b = this.w(`${prefix}.bias`);
    const outDim = b.length;
    const inDim = W.length / outDim;
    return x.map((row) => {
      const y = new Float64Array(outDim);
      for (let o = 0; o < outDim; o++) {
        let sum = b[o]!;
        for (let i = 0; i < inDim; i++) sum += row[i]! * W[o * inDim + i]!;
        y[o] = sum;
      }
      return y;
    });
  }

  private layerNorm(x: Float64Array[], prefix: string): Float64Array[] {
    const gamma = this.w(`${prefix}.weight`);
    const beta = this.w(`${prefix}.bias`);
    return x.map((row) => {
      const mean = row.reduce((a, b) => a + b, 0) / row.length;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / row.length;
      const inv = 1 / Math.sqrt(variance + this.config.layer_norm_eps);
      return row.map((v, i) => (v - mean) * inv * gamma[i]! + beta[i]!);
    });
  }

  /** last_hidden_state for one unpadded sequence of token ids (token types all 0). */
  forward(ids: number[]): Float64Array[] {
    const H = this.config.hidden_size;
    const heads = this.config.num_attention_heads;
    const d = H / heads;
    const words = this.w('embeddings.word_embeddings.weight');
    const positions = this.w('embeddings.position_embeddings.weight');
    const types = this.w('embeddings.token_type_embeddings.weight');
    let x = this.layerNorm(
      ids.map((id, pos) => {
        const row = new Float64Array(H);
        for (let h = 0; h < H; h++) row[h] = words[id * H + h]! + positions[pos * H + h]! + types[h]!;
        return row;
      }),
      'embeddings.LayerNorm',
    );
    const n = ids.length;
    for (let l = 0; l < this.config.num_hidden_layers; l++) {
      const p = `encoder.layer.${l}`;
      const q = this.linear(x, `${p}.attention.self.query`);
      const k = this.linear(x, `${p}.attention.self.key`);
      const v = this.linear(x, `${p}.attention.self.value`);
      const context = x.map(() => new Float64Array(H));
      for (let h = 0; h < heads; h++) {
        for (let i = 0; i < n; i++) {
          const scores = new Float64Array(n);
          for (let j = 0; j < n; j++) {
            let dot = 0;
            for (let c = 0; c < d; c++) dot += q[i]![h * d + c]! * k[j]![h * d + c]!;
            scores[j] = dot / Math.sqrt(d);
          }
          const max = Math.max(...scores);
          const exps = scores.map((s) => Math.exp(s - max));
          const total = exps.reduce((a, b) => a + b, 0);
          for (let j = 0; j < n; j++) {
            const p = exps[j]! / total;
            for (let c = 0; c < d; c++) context[i]![h * d + c]! += p * v[j]![h * d + c]!;
          }
        }
      }
      const attn = this.linear(context, `${p}.attention.output.dense`);
      x = this.layerNorm(attn.map((row, i) => row.map((val, c) => val + x[i]![c]!)), `${p}.attention.output.LayerNorm`);
      const up = this.linear(x, `${p}.intermediate.dense`).map((row) =>
        row.map((val) => 0.5 * val * (1 + erf(val / Math.SQRT2))),
      );
      const down = this.linear(up, `${p}.output.dense`);
      x = this.layerNorm(down.map((row, i) => row.map((val, c) => val + x[i]![c]!)), `${p}.output.LayerNorm`);
    }
    return x;
  }
}

/** erf to ~1e-15 (Abramowitz–Stegun is too coarse at 1e-7; use the series / continued fraction). */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    // Maclaurin series: erf x = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 200; n++) {
      term *= (-ax * ax) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // Continued fraction for erfc at larger |x| (Lentz), converges fast for x ≥ 3.
  let f = ax;
  let C = ax;
  let D = 0;
  for (let n = 1; n < 200; n++) {
    const a = n / 2;
    D = 1 / (ax + a * D);
    C = ax + a / C;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f);
  return Math.sign(x) * (1 - erfc);
}
