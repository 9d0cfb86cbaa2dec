// How weight-carrying ops are written into the graph: plain float32, or int8 weights with
// dynamic activation quantization. The BERT graph builder only asks for "a Linear layer" or
// "an embedding lookup" and stays the same for every precision.
import { DataType, type GraphBuilder } from './onnx-graph.ts';
import { quantizeMatrix, quantizeRows, type Granularity } from './quantize.ts';

export interface WeightOps {
  /** x · W + bias with W in MatMul layout [inDim, outDim]. */
  linear(x: string, weight: Float32Array, inDim: number, outDim: number, bias: Float32Array, hint: string): string;
  /** Row lookup of `ids` in a [rows, cols] table. */
  embedding(ids: string, table: Float32Array, rows: number, cols: number, hint: string): string;
}

export function float32Ops(g: GraphBuilder): WeightOps {
  return {
    linear(x, weight, inDim, outDim, bias, hint) {
      const w = g.initializer(`${hint}.weight`, weight, [inDim, outDim]);
      const b = g.initializer(`${hint}.bias`, bias, [outDim]);
      return g.node('Add', [g.node('MatMul', [x, w], `${hint}/matmul`), b], `${hint}/out`);
    },
    embedding(ids, table, rows, cols, hint) {
      const t = g.initializer(`${hint}.weight`, table, [rows, cols]);
      return g.node('Gather', [t, ids], `${hint}/out`);
    },
  };
}

export function int8Ops(g: GraphBuilder, granularity: Granularity): WeightOps {
  // Q, K and V read the same input: quantize each activation once.
  const quantizedInputs = new Map<string, [string, string, string]>();
  const quantizeInput = (x: string, hint: string): [string, string, string] => {
    let q = quantizedInputs.get(x);
    if (!q) {
      const [xq, xScale, xZero] = g.nodeN('DynamicQuantizeLinear', [x], [`${hint}/xq`, `${hint}/x_scale`, `${hint}/x_zero`]);
      q = [xq!, xScale!, xZero!];
      quantizedInputs.set(x, q);
    }
    return q;
  };
  return {
    linear(x, weight, inDim, outDim, bias, hint) {
      const q = quantizeMatrix(weight, inDim, outDim, granularity);
      const wq = g.initializer(`${hint}.weight_quantized`, q.values, [inDim, outDim]);
      const wScale = g.initializer(`${hint}.weight_scale`, q.scales, q.scales.length === 1 ? [] : [outDim]);
      const b = g.initializer(`${hint}.bias`, bias, [outDim]);
      const [xq, xScale, xZero] = quantizeInput(x, hint);
      // Weight zero point is 0 (symmetric), so MatMulInteger's optional b_zero_point is omitted.
      const acc = g.node('MatMulInteger', [xq, wq, xZero], `${hint}/matmul_int32`);
      const accF = g.node('Cast', [acc], `${hint}/matmul_float`, { to: { int: DataType.FLOAT } });
      const scale = g.node('Mul', [xScale, wScale], `${hint}/scale`);
      return g.node('Add', [g.node('Mul', [accF, scale], `${hint}/matmul`), b], `${hint}/out`);
    },
    embedding(ids, table, rows, cols, hint) {
      const q = quantizeRows(table, rows, cols);
      const t = g.initializer(`${hint}.weight_quantized`, q.values, [rows, cols]);
      const s = g.initializer(`${hint}.weight_scale`, q.scales, [rows, 1]);
      const values = g.node('Cast', [g.node('Gather', [t, ids], `${hint}/int8`)], `${hint}/float`, {
        to: { int: DataType.FLOAT },
      });
      return g.node('Mul', [values, g.node('Gather', [s, ids], `${hint}/scale`)], `${hint}/out`);
    },
  };
}
