import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadOnBestDevice, type DeviceProbe } from './device.ts';
import type { Device, Engine } from './engine.ts';
import { createFakeEngine } from './fake-engine.test-support.ts';

/** A probe whose clock advances by a fixed cost per embed call on each device, instead of real time. */
function probeWith(costMs: Partial<Record<Device, number>>, webGpuAvailable = true) {
  let clock = 0;
  const loaded: Device[] = [];
  const disposed: Device[] = [];
  const probe: DeviceProbe = {
    webGpuAvailable,
    now: () => clock,
    async load(device) {
      const cost = costMs[device];
      if (cost === undefined) throw new Error(`no ${device} here`);
      loaded.push(device);
      const engine = createFakeEngine(device);
      const embed = engine.embed.bind(engine);
      const timed: Engine = {
        ...engine,
        embed: async (texts, kind) => {
          clock += cost;
          return embed(texts, kind);
        },
        dispose: async () => void disposed.push(device),
      };
      return timed;
    },
  };
  return { probe, loaded, disposed };
}

describe('loadOnBestDevice', () => {
  it('uses wasm without trying WebGPU when navigator.gpu is missing', async () => {
    const { probe, loaded } = probeWith({ wasm: 10, webgpu: 1 }, false);
    assert.equal((await loadOnBestDevice('auto', probe)).device, 'wasm');
    assert.deepEqual(loaded, ['wasm']);
  });

  it('on auto picks WebGPU only when its warmed-up run is faster, and disposes the loser', async () => {
    const faster = probeWith({ wasm: 50, webgpu: 10 });
    assert.equal((await loadOnBestDevice('auto', faster.probe)).device, 'webgpu');
    assert.deepEqual(faster.disposed, ['wasm']);

    const slower = probeWith({ wasm: 10, webgpu: 50 });
    assert.equal((await loadOnBestDevice('auto', slower.probe)).device, 'wasm');
    assert.deepEqual(slower.disposed, ['webgpu']);
  });

  it('falls back to wasm when WebGPU fails to load', async () => {
    const { probe } = probeWith({ wasm: 10 });
    assert.equal((await loadOnBestDevice('auto', probe)).device, 'wasm');
    assert.equal((await loadOnBestDevice('webgpu', probe)).device, 'wasm');
  });

  it('honours an explicit wasm preference even when WebGPU would be faster', async () => {
    const { probe, loaded } = probeWith({ wasm: 50, webgpu: 1 });
    assert.equal((await loadOnBestDevice('wasm', probe)).device, 'wasm');
    assert.deepEqual(loaded, ['wasm']);
  });
});
