import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SafeTensors } from './safetensors.ts';

/** A safetensors file; the header is padded to an odd length like the real package's. */
function makeFile(header: Record<string, unknown>, data: Uint8Array, headerPad = 1): Buffer {
  let json = JSON.stringify(header);
  while ((8 + Buffer.byteLength(json)) % 2 !== headerPad) json += ' ';
  const head = Buffer.alloc(8);
  head.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([head, Buffer.from(json), data]);
}

test('reads F16 and F32 tensors at an odd data offset', () => {
  const f16 = Buffer.alloc(6);
  [0x3c00, 0xc000, 0x3800].forEach((v, i) => f16.writeUInt16LE(v, 2 * i)); // 1, -2, 0.5
  const f32 = Buffer.alloc(8);
  f32.writeFloatLE(1.5, 0);
  f32.writeFloatLE(-3.25, 4);
  const file = makeFile(
    {
      __metadata__: { format: 'pt' },
      a: { dtype: 'F16', shape: [3], data_offsets: [0, 6] },
      b: { dtype: 'F32', shape: [1, 2], data_offsets: [6, 14] },
      ids: { dtype: 'I64', shape: [1], data_offsets: [14, 22] },
    },
    Buffer.concat([f16, f32, Buffer.alloc(8)]),
  );
  // Hand it over as a view into a bigger buffer, as fs.readFile's pooled Buffers can be.
  const outer = Buffer.concat([Buffer.alloc(3), file]).subarray(3);
  const st = new SafeTensors(outer);
  assert.deepEqual([...st.tensors.keys()], ['a', 'b', 'ids']);
  assert.deepEqual(Array.from(st.float32('a').data), [1, -2, 0.5]);
  assert.deepEqual(st.float32('b'), { shape: [1, 2], data: new Float32Array([1.5, -3.25]) });
  assert.throws(() => st.float32('ids'), /dtype I64/);
  assert.throws(() => st.float32('missing'), /no tensor named missing/);
});

test('rejects tensors outside the file and shape/size mismatches', () => {
  assert.throws(() => new SafeTensors(makeFile({ a: { dtype: 'F16', shape: [4], data_offsets: [0, 8] } }, new Uint8Array(4))),
    /out of range/);
  const st = new SafeTensors(makeFile({ a: { dtype: 'F16', shape: [3], data_offsets: [0, 4] } }, new Uint8Array(4)));
  assert.throws(() => st.float32('a'), /does not match its shape/);
});
