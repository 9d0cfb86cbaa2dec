import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFloat16, halfBitsToNumber } from './fp16.ts';

test('known half-precision values decode exactly', () => {
  const cases: [number, number][] = [
    [0x0000, 0], [0x3c00, 1], [0xc000, -2], [0x3555, 0.333251953125], [0x7bff, 65504],
    [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x0400, 2 ** -14], [0x7c00, Infinity], [0xfc00, -Infinity],
  ];
  const decoded = decodeFloat16(Uint16Array.from(cases.map(([bits]) => bits)));
  cases.forEach(([bits, value], i) => assert.equal(decoded[i], value, `0x${bits.toString(16)}`));
  assert.ok(Number.isNaN(decodeFloat16(new Uint16Array([0x7e00]))[0]));
  assert.ok(Object.is(decodeFloat16(new Uint16Array([0x8000]))[0], -0));
});

test('every bit pattern matches an independent formula', () => {
  const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
  const decoded = decodeFloat16(all);
  for (let bits = 0; bits < 65536; bits++) {
    const exp = (bits >> 10) & 31;
    const frac = bits & 1023;
    const sign = bits >> 15 ? -1 : 1;
    const expected = exp === 31 ? (frac ? NaN : sign * Infinity)
      : exp === 0 ? sign * frac / 1024 / 16384 : sign * (1024 + frac) * Math.pow(2, exp - 25);
    assert.ok(Object.is(decoded[bits], expected) || decoded[bits] === expected, `0x${bits.toString(16)}`);
    assert.ok(Object.is(halfBitsToNumber(bits), decoded[bits]) || Number.isNaN(expected));
  }
});
