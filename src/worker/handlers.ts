/**
 * What the worker does: one handler per request type of the protocol map (shared/embed-protocol.ts), as plain
 * functions over an injected environment — no `self`, no postMessage — so the same code runs in the browser worker
 * and in Node tests with a real or a fake engine.
 */
import type { ProgressInfo } from '@huggingface/transformers';
import { batchRanges, EMBED_BATCH } from '../core/embed-batch.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { encodeSentenceVectors } from '../core/sentence-codes.ts';
import { splitDocument, toOffsets } from '../core/split.ts';
import { createThroughput } from '../core/throughput.ts';
import { loadOnBestDevice } from './device.ts';
import type { Device, Engine } from './engine.ts';
import type { OrtBuild } from './ort-build.ts';
import type {
  LoadResult,
  PreferredDevice,
  RequestBody,
  RequestType,
  ResultOf,
  WorkerProgress,
} from '../shared/embed-protocol.ts';

export interface HandlerEnvironment {
  loadEngine(spec: ModelSpec, device: Device, onProgress: (info: ProgressInfo) => void): Promise<Engine>;
  /** True when WebGPU can actually run here: `navigator.gpu` alone is not enough (it exists without an adapter). */
  detectWebGpu(): Promise<boolean>;
  /**
   * Byte sizes of the model's files by path (from models/<id>/passage-build.json). Compressed or precached
   * responses carry no Content-Length, and without it Transformers.js reports every chunk as 100 % done.
   */
  fileSizes?(spec: ModelSpec): Promise<Record<string, number>>;
  /**
   * Picks the ONNX Runtime build before the first session (ort-build.ts) and says which one runs: with 'plain',
   * WebGPU is not tried even where an adapter exists. Absent in Node, where onnxruntime-node runs.
   */
  selectRuntime?(preferred: PreferredDevice, webGpuAvailable: boolean): Promise<OrtBuild>;
  crossOriginIsolated: boolean;
  /** ORT wasm threads configured by the caller. */
  threads: number;
  now?: () => number;
}

export type EmitProgress = (progress: WorkerProgress) => void;

/** What a handler gets besides its request: where its progress goes, and its request's abort signal. */
export interface HandlerContext {
  emit: EmitProgress;
  signal: AbortSignal;
}

/** The request types handlers answer; `cancel` is the dispatcher's own (it owns the abort controllers). */
export type HandledType = Exclude<RequestType, 'cancel'>;

export type Handler<T extends HandledType> = (request: RequestBody<T>, context: HandlerContext) => Promise<ResultOf<T>>;

/** One handler per request type of the protocol map: a new request type without its handler does not compile. */
export type HandlerMap = { [T in HandledType]: Handler<T> };

export type Handlers = HandlerMap & { dispose(): Promise<void> };

interface Loaded {
  spec: ModelSpec;
  engine: Promise<Engine>;
}

export function createHandlers(environment: HandlerEnvironment): Handlers {
  const now = environment.now ?? (() => performance.now());
  let loaded: Loaded | null = null;
  let loadedResult: LoadResult | null = null;
  let webGpu: Promise<boolean> | null = null;
  const detectWebGpu = () => (webGpu ??= environment.detectWebGpu().catch(() => false));
  // ORT sessions must not run two inferences at once; batches from different requests take turns here, so a
  // search query waits for at most one indexing batch.
  let inferenceQueue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(run: () => Promise<T>): Promise<T> => {
    const result = inferenceQueue.then(run, run);
    inferenceQueue = result.catch(() => undefined);
    return result;
  };

  function knownSizes(spec: ModelSpec): Promise<Record<string, number>> {
    return environment.fileSizes?.(spec).catch(() => ({})) ?? Promise.resolve({});
  }

  async function currentEngine(): Promise<Engine> {
    if (!loaded) throw new Error('Passage: the model is not loaded yet (send "load" first)');
    return loaded.engine;
  }

  return {
    async load(request, { emit }) {
      // Lazy singleton: loading the same model again returns the engine already built (or being built).
      if (loaded?.spec.id !== request.spec.id) {
        const previous = loaded;
        const engine = Promise.all([detectWebGpu(), knownSizes(request.spec)]).then(async ([webGpuAvailable, sizes]) => {
          const build = await environment.selectRuntime?.(request.device, webGpuAvailable);
          const onProgress = forwardModelProgress(emit, sizes);
          return loadOnBestDevice(request.device, {
            webGpuAvailable: webGpuAvailable && build !== 'plain',
            load: (device) => environment.loadEngine(request.spec, device, onProgress),
            now,
          });
        });
        loaded = { spec: request.spec, engine };
        loadedResult = null;
        engine.catch(() => {
          if (loaded?.engine === engine) loaded = null; // A failed load can be retried.
        });
        if (previous) void previous.engine.then((e) => e.dispose()).catch(() => undefined);
      }
      const engine = await loaded.engine;
      loadedResult = {
        modelId: engine.spec.id,
        dims: engine.spec.dimensions,
        device: engine.device,
        threads: environment.threads,
      };
      return loadedResult;
    },

    async split(request) {
      const engine = await currentEngine();
      return toOffsets(splitDocument(request.text, (text) => engine.countTokens(text), { maxTokens: engine.spec.maxTokens }));
    },

    async embed(request, { emit, signal }) {
      const engine = await currentEngine();
      const dims = engine.spec.dimensions;
      if (request.contexts && request.contexts.length !== request.texts.length) {
        throw new Error(`Passage: ${request.contexts.length} contexts for ${request.texts.length} texts`);
      }
      const vectors = new Float32Array(request.texts.length * dims);
      const withSentences = request.sentences === true && request.kind === 'passage';
      const sentenceCodes: Uint8Array[] = [];
      const throughput = createThroughput(request.texts.length, now);
      for (const [start, end] of batchRanges(request.texts.length, request.batchSize ?? EMBED_BATCH)) {
        // Let queued messages run first: a `cancel` sitting in the queue aborts before the next batch starts.
        await yieldToEventLoop();
        signal.throwIfAborted();
        const batch = request.texts.slice(start, end);
        const contexts = request.contexts?.slice(start, end);
        const rows = await exclusive(async () => {
          signal.throwIfAborted(); // It may have been cancelled while waiting for its turn.
          if (!withSentences) return engine.embed(batch, request.kind, contexts);
          const embedded = await engine.embedPassages(batch, contexts);
          for (const sentences of embedded.sentenceVectors) {
            sentenceCodes.push(sentences ? encodeSentenceVectors(sentences, dims) : new Uint8Array(0));
          }
          return embedded.vectors;
        });
        vectors.set(rows, start * dims);
        emit({ stage: 'embedding', ...throughput.snapshot(end) });
      }
      return withSentences ? { vectors, dims, sentenceCodes } : { vectors, dims };
    },

    async status() {
      return {
        loaded: loadedResult,
        crossOriginIsolated: environment.crossOriginIsolated,
        webGpuAvailable: await detectWebGpu(),
      };
    },

    async dispose() {
      const current = loaded;
      loaded = null;
      loadedResult = null;
      if (current) await (await current.engine).dispose();
    },
  };
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Transformers.js reports per-file events; the page needs bytes per file and the moment compiling starts. */
function forwardModelProgress(emit: EmitProgress, sizes: Record<string, number>): (info: ProgressInfo) => void {
  let compiling = false;
  return (info) => {
    if (info.status === 'progress') {
      const total = Math.max(sizes[info.file] ?? info.total, info.loaded);
      emit({ stage: 'model-download', file: info.file, loaded: info.loaded, total });
    } else if (info.status === 'done' && info.file.endsWith('.onnx') && !compiling) {
      compiling = true; // Transformers.js may report the same file done twice.
      emit({ stage: 'model-compile' }); // The session is created right after the weights arrive.
    }
  };
}
