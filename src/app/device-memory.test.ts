import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rememberDevice, rememberedDevice, type KeyValueStore } from './device-memory.ts';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
}

describe('device memory', () => {
  it('asks for a measurement until a winner was remembered for this model', () => {
    const store = memoryStore();
    assert.equal(rememberedDevice('m', store), 'auto');
    rememberDevice('m', 'webgpu', store);
    assert.equal(rememberedDevice('m', store), 'webgpu');
    assert.equal(rememberedDevice('other', store), 'auto');
  });

  it('ignores devices that only exist in Node, and works without storage', () => {
    const store = memoryStore();
    rememberDevice('m', 'cpu', store);
    assert.equal(store.data.size, 0);
    assert.equal(rememberedDevice('m', null), 'auto');
    rememberDevice('m', 'wasm', null);
  });
});
