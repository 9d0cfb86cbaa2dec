// The BERT encoder (BertModel without pooler) as ONNX nodes, opset 17.
// Inputs input_ids / attention_mask / token_type_ids: int64 [batch, sequence];
// output last_hidden_state: float [batch, sequence, hidden].
import { DataType, GraphBuilder } from './onnx-graph.ts';
import type { WeightOps } from './linear-ops.ts';
import type { Float32Tensor } from './safetensors.ts';

export interface BertConfig {
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  layer_norm_eps: number;
  vocab_size: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  hidden_act: string;
}

/** Tensor lookup by PyTorch name (e.g. "encoder.layer.0.attention.self.query.weight"). */
export type WeightSource = (name: string) => Float32Tensor;

/** Masked keys get this added to their score: exp(-10000) underflows to exactly 0 in float32. */
const MASK_BIAS = -10000;

/** PyTorch Linear weights are [out, in]; MatMul wants [in, out]. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return out;
}

function expectShape(name: string, t: Float32Tensor, shape: number[]): Float32Tensor {
  if (t.shape.join(',') !== shape.join(',')) throw new Error(`${name}: shape [${t.shape}], expected [${shape}]`);
  return t;
}

export interface BertGraphOptions {
  /**
   * Write attention as one com.microsoft MultiHeadAttention node per layer and each residual Add + LayerNorm as
   * one SkipLayerNormalization, instead of the plain ONNX ops (which ORT does not fuse for a symbolic sequence
   * length). Same arithmetic, fewer passes over memory.
   */
  contribOps?: { attention?: boolean; skipLayerNorm?: boolean };
}

export function buildBertGraph(
  config: BertConfig,
  weights: WeightSource,
  makeOps: (g: GraphBuilder) => WeightOps,
  producerVersion: string,
  options: BertGraphOptions = {},
): Uint8Array {
  const fuseAttention = options.contribOps?.attention ?? false;
  const fuseSkipLayerNorm = options.contribOps?.skipLayerNorm ?? false;
  const H = config.hidden_size;
  const heads = config.num_attention_heads;
  const headDim = H / heads;
  if (!Number.isInteger(headDim)) throw new Error('hidden_size must be a multiple of num_attention_heads');
  if (config.hidden_act !== 'gelu') throw new Error(`hidden_act ${config.hidden_act} not supported (exact gelu only)`);

  const g = new GraphBuilder('bert_encoder');
  const ops = makeOps(g);
  const w = (name: string, shape: number[]) => expectShape(name, weights(name), shape).data;
  const linear = (x: string, prefix: string, inDim: number, outDim: number) =>
    ops.linear(x, transpose(w(`${prefix}.weight`, [outDim, inDim]), outDim, inDim), inDim, outDim,
      w(`${prefix}.bias`, [outDim]), prefix);
  const residualLayerNorm = (x: string, residual: string, prefix: string, hint: string) =>
    fuseSkipLayerNorm
      ? g.contribNode('SkipLayerNormalization', [x, residual,
        g.initializer(`${prefix}.weight`, w(`${prefix}.weight`, [H]), [H]),
        g.initializer(`${prefix}.bias`, w(`${prefix}.bias`, [H]), [H])], `${prefix}/out`,
      { epsilon: { float: config.layer_norm_eps } })
      : layerNorm(g.node('Add', [x, residual], hint), prefix);
  const layerNorm = (x: string, prefix: string) =>
    g.node('LayerNormalization', [x, g.initializer(`${prefix}.weight`, w(`${prefix}.weight`, [H]), [H]),
      g.initializer(`${prefix}.bias`, w(`${prefix}.bias`, [H]), [H])], `${prefix}/out`,
      { axis: { int: -1 }, epsilon: { float: config.layer_norm_eps } });

  const dims = ['batch', 'sequence'];
  const inputIds = g.input('input_ids', DataType.INT64, dims);
  const attentionMask = g.input('attention_mask', DataType.INT64, dims);
  const tokenTypeIds = g.input('token_type_ids', DataType.INT64, dims);

  // Embeddings: word + position + token type, then LayerNorm. Positions 0..sequence-1 are made
  // in the graph (Shape → Gather → Range) so callers never pass position ids.
  const words = ops.embedding(inputIds, w('embeddings.word_embeddings.weight', [config.vocab_size, H]),
    config.vocab_size, H, 'embeddings.word_embeddings');
  const seqLen = g.node('Gather', [g.node('Shape', [inputIds], 'input_shape'), g.int64Scalar(1)], 'sequence_length',
    { axis: { int: 0 } });
  const positionIds = g.node('Range', [g.int64Scalar(0), seqLen, g.int64Scalar(1)], 'position_ids');
  const positionTable = g.initializer('embeddings.position_embeddings.weight',
    w('embeddings.position_embeddings.weight', [config.max_position_embeddings, H]), [config.max_position_embeddings, H]);
  const positions = g.node('Gather', [positionTable, positionIds], 'embeddings.position_embeddings/out');
  const typeTable = g.initializer('embeddings.token_type_embeddings.weight',
    w('embeddings.token_type_embeddings.weight', [config.type_vocab_size, H]), [config.type_vocab_size, H]);
  const types = g.node('Gather', [typeTable, tokenTypeIds], 'embeddings.token_type_embeddings/out');
  const summed = g.node('Add', [g.node('Add', [words, positions], 'embeddings/sum1'), types], 'embeddings/sum');
  let hidden = layerNorm(summed, 'embeddings.LayerNorm');

  // Attention mask → additive bias [batch, 1, 1, sequence]: 0 for real tokens, MASK_BIAS for padding.
  // (Without fusion the nodes and constants are written in the same order as before, so the graph's bytes stay.)
  const maskBias = () => {
    const maskF = g.node('Cast', [attentionMask], 'mask_float', { to: { int: DataType.FLOAT } });
    const inverted = g.node('Sub', [g.floatScalar(1), maskF], 'mask_inverted');
    return g.node('Unsqueeze', [g.node('Mul', [inverted, g.floatScalar(MASK_BIAS)], 'mask_bias_2d'),
      g.int64s([1, 2])], 'mask_bias');
  };
  const plain = <T,>(make: () => T): T | '' => (fuseAttention ? '' : make());
  const bias = plain(maskBias);
  // MultiHeadAttention gets the same bias as its attention_bias input, expanded to [batch, 1, sequence, sequence]
  // (that input's dimension 2 must be the query length; batch and heads broadcast). Not its key_padding_mask
  // input: ORT's WebGPU kernel refuses that one at run time ("input `key_padding_mask` not implemented for
  // webgpu", onnxruntime-web 1.31), and a shipped q8 file must also run on the app's WebGPU path.
  const attentionBias = fuseAttention
    ? g.node('Expand', [maskBias(), g.node('Concat', [g.int64s([1, 1]),
      g.node('Unsqueeze', [seqLen, g.int64s([0])], 'sequence_length_1d'), g.int64s([1])], 'attention_bias_rows',
    { axis: { int: 0 } })], 'attention_bias') // [1, 1, sequence, 1] broadcast against [batch, 1, 1, sequence]
    : '';
  const splitHeads = plain(() => g.int64s([0, 0, heads, headDim])); // Reshape: 0 keeps batch and sequence
  const mergeHeads = plain(() => g.int64s([0, 0, H]));
  const scale = plain(() => g.floatScalar(1 / Math.sqrt(headDim)));
  const sqrt2 = g.floatScalar(Math.SQRT2);
  const one = g.floatScalar(1);
  const half = g.floatScalar(0.5);

  for (let l = 0; l < config.num_hidden_layers; l++) {
    const p = `encoder.layer.${l}`;
    const heads4d = (x: string, name: string, perm: number[]) =>
      g.node('Transpose', [g.node('Reshape', [x, splitHeads], `${name}/split`)], `${name}/heads`, { perm: { ints: perm } });
    let context: string;
    if (fuseAttention) {
      const q = linear(hidden, `${p}.attention.self.query`, H, H);
      const k = linear(hidden, `${p}.attention.self.key`, H, H);
      const v = linear(hidden, `${p}.attention.self.value`, H, H);
      context = g.contribNode('MultiHeadAttention', [q, k, v, '', '', attentionBias], `${p}.context`,
        { num_heads: { int: heads } });
    } else {
      const q = heads4d(linear(hidden, `${p}.attention.self.query`, H, H), `${p}.q`, [0, 2, 1, 3]); // [b, h, s, d]
      const k = heads4d(linear(hidden, `${p}.attention.self.key`, H, H), `${p}.k`, [0, 2, 3, 1]); // [b, h, d, s]
      const v = heads4d(linear(hidden, `${p}.attention.self.value`, H, H), `${p}.v`, [0, 2, 1, 3]); // [b, h, s, d]
      const scores = g.node('Add', [g.node('Mul', [g.node('MatMul', [q, k], `${p}.scores_raw`), scale], `${p}.scores_scaled`),
        bias], `${p}.scores`);
      const probs = g.node('Softmax', [scores], `${p}.probs`, { axis: { int: -1 } });
      context = g.node('Reshape', [g.node('Transpose', [g.node('MatMul', [probs, v], `${p}.context_heads`)],
        `${p}.context_t`, { perm: { ints: [0, 2, 1, 3] } }), mergeHeads], `${p}.context`);
    }
    const attended = linear(context, `${p}.attention.output.dense`, H, H);
    hidden = residualLayerNorm(attended, hidden, `${p}.attention.output.LayerNorm`, `${p}.attention.residual`);

    // Feed-forward with exact GELU: 0.5 · x · (1 + erf(x / √2)).
    const up = linear(hidden, `${p}.intermediate.dense`, H, config.intermediate_size);
    const erf = g.node('Erf', [g.node('Div', [up, sqrt2], `${p}.gelu_div`)], `${p}.gelu_erf`);
    const gelu = g.node('Mul', [g.node('Mul', [up, g.node('Add', [erf, one], `${p}.gelu_add`)], `${p}.gelu_mul`), half],
      `${p}.gelu`);
    const down = linear(gelu, `${p}.output.dense`, config.intermediate_size, H);
    hidden = residualLayerNorm(down, hidden, `${p}.output.LayerNorm`, `${p}.output.residual`);
  }

  const out = g.node('Identity', [hidden], 'last_hidden_state');
  g.output(out, DataType.FLOAT, ['batch', 'sequence', H]);
  return g.toBytes(producerVersion);
}
