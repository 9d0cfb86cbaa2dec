/**
 * The module worker that owns Transformers.js. Only configuration and message plumbing live here; the work
 * itself is in handlers.ts (tested in Node), the routing and cancellation in dispatch.ts.
 */
/// <reference lib="webworker" />
// First: the lifeline's lock is taken before the heavy modules below are evaluated.
import './lifeline-hold.ts';
import { startupMark } from '../shared/startup-trace.ts';
import { env } from '@huggingface/transformers';
import { createDispatcher } from './dispatch.ts';
import { loadEngine } from './engine.ts';
import { createHandlers } from './handlers.ts';
import { createOrtBuildSelector, fetchWholeFile } from './ort-build.ts';
import type { WorkerRequest } from '../shared/embed-protocol.ts';
import { createSharedFetch } from './shared-fetch.ts';
import { userModelCache, withUserModels } from './user-model-fetch.ts';
// Both ORT builds are emitted as files of their own; only the plain one is precached (vite.config.ts).
import plainMjs from 'onnxruntime-web/ort-wasm-simd-threaded.mjs?url';
import plainWasm from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import webGpuWasm from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

declare const self: DedicatedWorkerGlobalScope;

// Models come from this origin only, as a path: given an absolute URL, Transformers.js v4 builds the pipeline
// without a tokenizer and says nothing.
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = '/models/';
// The service worker already precaches the model; a second copy in Transformers.js's own Cache Storage would
// only double the disk space the app takes.
env.useBrowserCache = false;
// One network request per model file, however often Transformers.js asks for it (see shared-fetch.ts).
// Models added in Settings come from Cache Storage (user-model-fetch.ts), built-in ones from the origin.
const modelFetch = withUserModels(async (input, init) => {
  startupMark('embed:fetch', { url: String(input) });
  const response = await fetch(input, init);
  startupMark('embed:fetched', { url: String(input) });
  return response;
}, userModelCache);
const sharedFetch = createSharedFetch(modelFetch);
env.fetch = sharedFetch.fetch;

// Transformers.js would re-load ORT's glue as a blob: URL, which the Content-Security-Policy refuses; the service
// worker caches the files already.
env.useWasmCache = false;

const wasm = env.backends.onnx.wasm;
// Set before the first load (ort-build.ts): the plain build, or the WebGPU-capable one where it can be used.
const ortBuild = wasm
  ? createOrtBuildSelector({
      urls: { plain: { mjs: plainMjs, wasm: plainWasm }, webgpu: { wasm: webGpuWasm } },
      flags: wasm,
      fetchWebGpuBuild: fetchWholeFile,
    })
  : null;
if (wasm) {
  // Never Transformers.js's CDN default: ortBuild points at this origin's files before the first session.
  wasm.wasmPaths = undefined;
  // Threads need SharedArrayBuffer, which exists only in a cross-origin-isolated context.
  wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
}

// ORT starts its pthread workers from this same script; replacing their message handler hangs session creation.
if (!self.name.startsWith('em-pthread')) {
  startupMark('embed:script');
  const handlers = createHandlers({
    loadEngine: (spec, device, onProgress) => {
      startupMark('embed:load');
      return loadEngine(spec, { device, onProgress }).finally(() => {
        startupMark('embed:loaded');
        sharedFetch.forget();
      });
    },
    // Headless Chromium has navigator.gpu but no adapter: only an adapter means WebGPU can run.
    selectRuntime: ortBuild ? (preferred, webGpuAvailable) => ortBuild.select(preferred, webGpuAvailable) : undefined,
    detectWebGpu: async () => 'gpu' in navigator && (await navigator.gpu.requestAdapter()) !== null,
    fileSizes: async (spec) => {
      const response = await modelFetch(`${env.localModelPath}${spec.id}/passage-build.json`);
      const build = (await response.json()) as { files?: Record<string, { size: number }> };
      return Object.fromEntries(Object.entries(build.files ?? {}).map(([file, { size }]) => [file, size]));
    },
    crossOriginIsolated: self.crossOriginIsolated,
    threads: wasm?.numThreads ?? 1,
  });
  const dispatch = createDispatcher(handlers, (reply, transfer) => self.postMessage(reply, transfer));
  self.onmessage = (event: MessageEvent<WorkerRequest>) => void dispatch(event.data);
}
