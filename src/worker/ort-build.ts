/**
 * Which ONNX Runtime WebAssembly build this worker runs, chosen once before the first session is created.
 *
 * onnxruntime-web 1.31 ships a plain CPU build (`ort-wasm-simd-threaded.wasm`, 14.3 MB, 3.7 MB gzip) and the
 * asyncify build that also drives WebGPU (26.9 MB, 6.6 MB gzip). Transformers.js defaults to asyncify everywhere.
 * Passage precaches only the plain build; the WebGPU build is fetched (and cached by the service worker at run
 * time) only where WebGPU can run and may be used. Where it cannot be fetched — offline before it was ever cached —
 * the plain build runs and WebGPU is simply not offered (device.ts falls back to wasm).
 *
 * ORT initialises its WebAssembly once per worker and keeps the first build: the choice is made before the first
 * load and never changed afterwards.
 */
import type { PreferredDevice } from '../shared/embed-protocol.ts';

export type OrtBuild = 'plain' | 'webgpu';

/** The emitted URLs of both builds. The plain build is used through its own JS glue (`.mjs`). */
export interface OrtBuildUrls {
  plain: { mjs: string; wasm: string };
  webgpu: { wasm: string };
}

/** The part of `env.backends.onnx.wasm` this module sets. */
export interface OrtWasmFlags {
  wasmPaths?: string | { mjs?: string | URL; wasm?: string | URL };
}

export interface OrtBuildEnvironment {
  urls: OrtBuildUrls;
  flags: OrtWasmFlags;
  /**
   * Makes sure the WebGPU build can be read now: true when it is cached or was fetched whole (through the service
   * worker, which keeps it), false when it cannot be had (offline and never cached, or a server error).
   */
  fetchWebGpuBuild(url: string): Promise<boolean>;
}

/** The build a device preference needs: WebGPU only where an adapter exists and the user did not ask for wasm. */
export function neededBuild(preferred: PreferredDevice, webGpuAvailable: boolean): OrtBuild {
  return webGpuAvailable && preferred !== 'wasm' ? 'webgpu' : 'plain';
}

/**
 * Points ORT at one build and returns the build it will run. Call before the first session; later calls return the
 * first answer (ORT would ignore a change).
 */
export function createOrtBuildSelector(environment: OrtBuildEnvironment) {
  let chosen: Promise<OrtBuild> | null = null;

  async function choose(wanted: OrtBuild): Promise<OrtBuild> {
    const { urls, flags } = environment;
    if (wanted === 'webgpu' && (await environment.fetchWebGpuBuild(urls.webgpu.wasm).catch(() => false))) {
      // Only the .wasm is overridden: ORT keeps the asyncify JS glue bundled into this worker.
      flags.wasmPaths = { wasm: urls.webgpu.wasm };
      return 'webgpu';
    }
    // Overriding the .mjs makes ORT import the plain build's glue instead of its bundled asyncify glue.
    flags.wasmPaths = { mjs: urls.plain.mjs, wasm: urls.plain.wasm };
    return 'plain';
  }

  return {
    select(preferred: PreferredDevice, webGpuAvailable: boolean): Promise<OrtBuild> {
      return (chosen ??= choose(neededBuild(preferred, webGpuAvailable)));
    },
  };
}

/**
 * `fetchWebGpuBuild` for a browser worker: a cached copy counts; otherwise the whole file is fetched once, so the
 * service worker's runtime cache holds it before ORT asks for it again.
 */
export async function fetchWholeFile(url: string): Promise<boolean> {
  if (typeof caches !== 'undefined' && (await caches.match(url).catch(() => undefined))) return true;
  const response = await fetch(url);
  if (!response.ok || !response.body) return false;
  // Drained chunk by chunk: nothing here needs the 27 MB in one buffer.
  const reader = response.body.getReader();
  while (!(await reader.read()).done);
  return true;
}
