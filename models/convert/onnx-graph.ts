// A small builder for ONNX graphs on top of onnx-proto (protobufjs code generated from the
// official schema). It hands out unique, deterministic value names, keeps nodes and
// initializers in insertion order and serializes to bytes; same calls → same bytes.
import onnxProto from 'onnx-proto';
import type { onnx as proto } from 'onnx-proto';

// onnx-proto is CommonJS: a named ESM import of `onnx` fails at run time.
const { onnx } = onnxProto;
export const DataType = onnx.TensorProto.DataType;
export type DataTypeValue = proto.TensorProto.DataType;

export type AttributeValue = { int: number } | { ints: number[] } | { float: number } | { string: string };
type NumericArray = Float32Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

const IR_VERSION = 8;
const OPSET = 17; // first opset with a built-in LayerNormalization
const CONTRIB_DOMAIN = 'com.microsoft';

function attribute(name: string, value: AttributeValue): proto.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  // Every attribute needs its type set: ONNX Runtime rejects untyped attributes.
  if ('int' in value) return { name, type: T.INT, i: value.int };
  if ('ints' in value) return { name, type: T.INTS, ints: value.ints };
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.STRING, s: new TextEncoder().encode(value.string) };
}

function dataTypeOf(values: NumericArray): DataTypeValue {
  if (values instanceof Float32Array) return DataType.FLOAT;
  if (values instanceof Int8Array) return DataType.INT8;
  if (values instanceof Uint8Array) return DataType.UINT8;
  if (values instanceof Int32Array) return DataType.INT32;
  return DataType.INT64;
}

/** Little-endian bytes of a typed array (copied, so the caller may reuse its buffer). */
function rawBytes(values: NumericArray): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

export class GraphBuilder {
  private readonly nodes: proto.INodeProto[] = [];
  private readonly initializers: proto.ITensorProto[] = [];
  private readonly inputs: proto.IValueInfoProto[] = [];
  private readonly outputs: proto.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();
  private usesContribOps = false;

  constructor(private readonly graphName: string) {}

  /** A fresh value name based on `hint` (hint itself if still free). */
  name(hint: string): string {
    let candidate = hint;
    for (let n = 1; this.used.has(candidate); n++) candidate = `${hint}_${n}`;
    this.used.add(candidate);
    return candidate;
  }

  /** A graph input with symbolic/fixed dimensions, e.g. ['batch', 'sequence']. */
  input(name: string, elemType: DataTypeValue, dims: (string | number)[]): string {
    this.used.add(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(value: string, elemType: DataTypeValue, dims: (string | number)[]): void {
    this.outputs.push(valueInfo(value, elemType, dims));
  }

  /** A weight tensor stored as raw data. */
  initializer(hint: string, values: NumericArray, dims: number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== values.length) throw new Error(`initializer ${hint}: ${values.length} values for shape [${dims}]`);
    const name = this.name(hint);
    this.initializers.push({ name, dims, dataType: dataTypeOf(values), rawData: rawBytes(values) });
    return name;
  }

  /** A small constant (scalar when dims is []), shared when the same value is asked for again. */
  constant(hint: string, values: NumericArray, dims: number[]): string {
    const key = `${dataTypeOf(values)}|${dims.join(',')}|${Array.from(values as ArrayLike<number | bigint>).join(',')}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = this.initializer(hint, values, dims);
    this.constants.set(key, name);
    return name;
  }

  floatScalar(value: number): string {
    return this.constant(`const_f_${value}`, new Float32Array([value]), []);
  }

  int64s(values: number[]): string {
    return this.constant(`const_i64_${values.join('_')}`, BigInt64Array.from(values, (v) => BigInt(v)), [values.length]);
  }

  int64Scalar(value: number): string {
    return this.constant(`const_i64_${value}`, new BigInt64Array([BigInt(value)]), []);
  }

  /** Add a node; returns its output names (one per entry of `outputHints`). */
  nodeN(
    opType: string,
    inputs: string[],
    outputHints: string[],
    attributes: Record<string, AttributeValue> = {},
    nodeHint?: string,
    domain?: string,
  ): string[] {
    const outputs = outputHints.map((hint) => this.name(hint));
    if (domain === CONTRIB_DOMAIN) this.usesContribOps = true;
    this.nodes.push({
      name: this.name(`${nodeHint ?? outputs[0]}/${opType}`),
      opType,
      ...(domain ? { domain } : {}),
      input: inputs,
      output: outputs,
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return outputs;
  }

  /** Add a node with a single output. */
  node(opType: string, inputs: string[], outputHint: string, attributes: Record<string, AttributeValue> = {}): string {
    return this.nodeN(opType, inputs, [outputHint], attributes)[0]!;
  }

  /**
   * A node of ONNX Runtime's contrib domain (com.microsoft: Attention, SkipLayerNormalization, …). ORT only fuses
   * some of these itself, and only for static shapes (docs/BENCHMARKS.md "Indexing throughput").
   */
  contribNode(opType: string, inputs: string[], outputHint: string, attributes: Record<string, AttributeValue> = {}): string {
    return this.nodeN(opType, inputs, [outputHint], attributes, undefined, CONTRIB_DOMAIN)[0]!;
  }

  /** Serialize the model (IR 8, opset 17). */
  toBytes(producerVersion: string): Uint8Array {
    const model: proto.IModelProto = {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }, ...(this.usesContribOps ? [{ domain: CONTRIB_DOMAIN, version: 1 }] : [])],
      producerName: 'passage-models',
      producerVersion,
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    return onnx.ModelProto.encode(model).finish();
  }
}

function valueInfo(name: string, elemType: DataTypeValue, dims: (string | number)[]): proto.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}
