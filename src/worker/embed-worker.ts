/**
 * The module worker that owns Transformers.js. Only configuration and message plumbing live here; the work
 * itself is in handlers.ts (tested in Node), the routing and cancellation in dispatch.ts.
 */
/// <reference lib="webworker" />
// First: the lifeline's lock is taken before the heavy modules below are evaluated.
import './lifeline-hold.ts';
import { env } from '@huggingface/transformers';
import { createDispatcher } from './dispatch.ts';
import { loadEngine } from './engine.ts';
import { createHandlers } from './handlers.ts';
import type { WorkerRequest } from './protocol.ts';
import { createSharedFetch } from './shared-fetch.ts';

declare const self: DedicatedWorkerGlobalScope;

// Models come from this origin only, as a path: with an absolute URL Transformers.js v4 silently builds the
// pipeline without a tokenizer (stack-notes).
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = '/models/';
// The service worker already precaches the model; a second copy in Transformers.js's own Cache Storage would
// only double the disk space the app takes.
env.useBrowserCache = false;
// One network request per model file, however often Transformers.js asks for it (see shared-fetch.ts).
const sharedFetch = createSharedFetch((input, init) => fetch(input, init));
env.fetch = sharedFetch.fetch;

const wasm = env.backends.onnx.wasm;
if (wasm) {
  // Undefined makes ORT load the .wasm that Vite bundles next to this worker instead of a CDN copy.
  wasm.wasmPaths = undefined;
  // Threads need SharedArrayBuffer, which exists only in a cross-origin-isolated context.
  wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
}

// ORT starts its pthread workers from this same script; replacing their message handler hangs session creation.
if (!self.name.startsWith('em-pthread')) {
  const handlers = createHandlers({
    loadEngine: (spec, device, onProgress) =>
      loadEngine(spec, { device, onProgress }).finally(() => sharedFetch.forget()),
    // Headless Chromium has navigator.gpu but no adapter: only an adapter means WebGPU can run.
    detectWebGpu: async () => 'gpu' in navigator && (await navigator.gpu.requestAdapter()) !== null,
    fileSizes: async (spec) => {
      const response = await fetch(`${env.localModelPath}${spec.id}/passage-build.json`);
      const build = (await response.json()) as { files?: Record<string, { size: number }> };
      return Object.fromEntries(Object.entries(build.files ?? {}).map(([file, { size }]) => [file, size]));
    },
    crossOriginIsolated: self.crossOriginIsolated,
    threads: wasm?.numThreads ?? 1,
  });
  const dispatch = createDispatcher(handlers, (reply, transfer) => self.postMessage(reply, transfer));
  self.onmessage = (event: MessageEvent<WorkerRequest>) => void dispatch(event.data);
}
