/**
 * Picks the device the model runs on. WebGPU is not automatically faster: for a small encoder with short
 * inputs, upload and dispatch overhead can make it slower than multi-threaded wasm, and some GPUs are slow or
 * blocklisted. So on `auto` both are loaded, warmed up and timed on the same fixed batch, and the faster wins.
 */
import type { Device, Engine } from './engine.ts';
import type { PreferredDevice } from '../shared/embed-protocol.ts';

export interface DeviceProbe {
  webGpuAvailable: boolean;
  load(device: Device): Promise<Engine>;
  /** Milliseconds; injectable so the choice can be tested without real timing. */
  now: () => number;
}

/** A fixed batch of typical passage lengths, so both devices are measured on the same work. */
const WARMUP_TEXTS: readonly string[] = Array.from({ length: 8 }, (_, i) =>
  `Passage ${i}: offline search finds the paragraph that answers a question, even when it shares no words with it. `.repeat(3),
);

export async function loadOnBestDevice(preferred: PreferredDevice, probe: DeviceProbe): Promise<Engine> {
  if (!probe.webGpuAvailable || preferred === 'wasm') return probe.load('wasm');
  if (preferred === 'webgpu') return probe.load('webgpu').catch(() => probe.load('wasm'));

  const wasm = await probe.load('wasm');
  let gpu: Engine;
  try {
    gpu = await probe.load('webgpu');
  } catch {
    return wasm; // No adapter, blocklisted GPU, unsupported op: wasm it is.
  }
  const [wasmMs, gpuMs] = [await timeWarmedUp(wasm, probe.now), await timeWarmedUp(gpu, probe.now)];
  const [winner, loser] = gpuMs < wasmMs ? [gpu, wasm] : [wasm, gpu];
  await loser.dispose();
  return winner;
}

/** The first run pays for shader compilation and allocation; only the second one is timed. */
async function timeWarmedUp(engine: Engine, now: () => number): Promise<number> {
  try {
    await engine.embed(WARMUP_TEXTS, 'passage');
    const start = now();
    await engine.embed(WARMUP_TEXTS, 'passage');
    return now() - start;
  } catch {
    return Number.POSITIVE_INFINITY; // A device that fails to run never wins.
  }
}
