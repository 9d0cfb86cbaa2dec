/**
 * Remembers which device won the WebGPU-vs-wasm measurement, so later starts load the model once instead of
 * twice. A remembered 'webgpu' still falls back to wasm in the worker when the GPU has gone away.
 */
import type { PreferredDevice } from '../shared/embed-protocol.ts';

const KEY_PREFIX = 'passage.device.';

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function defaultStore(): KeyValueStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled by the browser's privacy settings
  }
}

export function rememberedDevice(modelId: string, store = defaultStore()): PreferredDevice {
  const value = store?.getItem(KEY_PREFIX + modelId);
  return value === 'wasm' || value === 'webgpu' ? value : 'auto';
}

export function rememberDevice(modelId: string, device: string, store = defaultStore()): void {
  if (device !== 'wasm' && device !== 'webgpu') return; // 'cpu' only exists in Node
  try {
    store?.setItem(KEY_PREFIX + modelId, device);
  } catch {
    // Quota or privacy mode: measuring again next time is the only cost.
  }
}
