// Minimal safetensors reader: 8-byte little-endian header length, a JSON header
// { name: { dtype, shape, data_offsets: [begin, end] } } (plus an optional "__metadata__"),
// then the raw little-endian tensor bytes, offsets relative to the end of the header.
import { decodeFloat16 } from './fp16.ts';

export interface TensorInfo {
  dtype: string;
  shape: number[];
  /** Byte range inside the data section. */
  begin: number;
  end: number;
}

export interface Float32Tensor {
  shape: number[];
  data: Float32Array;
}

export class SafeTensors {
  readonly tensors: ReadonlyMap<string, TensorInfo>;
  private readonly dataStart: number;

  constructor(private readonly bytes: Uint8Array) {
    if (bytes.length < 8) throw new Error('safetensors: file too short');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = Number(view.getBigUint64(0, true));
    if (8 + headerLength > bytes.length) throw new Error('safetensors: header length past end of file');
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<
      string,
      { dtype: string; shape: number[]; data_offsets: [number, number] }
    >;
    this.dataStart = 8 + headerLength;
    const tensors = new Map<string, TensorInfo>();
    for (const [name, entry] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const [begin, end] = entry.data_offsets;
      if (this.dataStart + end > bytes.length || begin > end) throw new Error(`safetensors: ${name} out of range`);
      tensors.set(name, { dtype: entry.dtype, shape: entry.shape, begin, end });
    }
    this.tensors = tensors;
  }

  /** Raw bytes of a tensor, copied (the data section may start at an odd offset). */
  raw(name: string): { info: TensorInfo; bytes: Uint8Array } {
    const info = this.tensors.get(name);
    if (!info) throw new Error(`safetensors: no tensor named ${name}`);
    // Copy into a fresh buffer: the data section may start at an odd offset (16/32-bit views need
    // alignment), and Buffer#slice would return a view rather than a copy.
    const bytes = new Uint8Array(info.end - info.begin);
    bytes.set(this.bytes.subarray(this.dataStart + info.begin, this.dataStart + info.end));
    return { info, bytes };
  }

  /** A floating-point tensor as float32 (F16 and F32 supported; the file is little-endian). */
  float32(name: string): Float32Tensor {
    const { info, bytes } = this.raw(name);
    const count = info.shape.reduce((a, b) => a * b, 1);
    const width = info.dtype === 'F16' ? 2 : info.dtype === 'F32' ? 4 : 0;
    if (width === 0) throw new Error(`safetensors: ${name} has dtype ${info.dtype}, expected F16 or F32`);
    if (count * width !== bytes.length) throw new Error(`safetensors: ${name} byte length does not match its shape`);
    const data =
      width === 2 ? decodeFloat16(new Uint16Array(bytes.buffer, 0, count)) : new Float32Array(bytes.buffer, 0, count);
    return { shape: info.shape, data };
  }
}
