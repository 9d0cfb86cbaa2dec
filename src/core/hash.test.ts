import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sha256Hex } from './hash.ts';

describe('sha256Hex', () => {
  it('hashes strings as UTF-8 and bytes as given', async () => {
    const abc = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
    assert.equal(await sha256Hex('abc'), abc);
    assert.equal(await sha256Hex(new Uint8Array([0x61, 0x62, 0x63])), abc);
    assert.equal(await sha256Hex('é'), await sha256Hex(new Uint8Array([0xc3, 0xa9])));
  });
});
