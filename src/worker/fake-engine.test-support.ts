/**
 * Test doubles for the worker: a deterministic fake engine and a fake Worker that runs the real dispatcher and
 * handlers in-process, with structured cloning on both directions as a real worker boundary would do.
 */
import type { ModelSpec } from '../core/model-spec.ts';
import { splitSentences } from '../core/sentences.ts';
import type { WorkerLike } from '../app/embedder-client.ts';
import { createDispatcher } from './dispatch.ts';
import type { Device, Engine } from './engine.ts';
import { createHandlers, type HandlerEnvironment } from './handlers.ts';
import type { WorkerReply, WorkerRequest } from '../shared/embed-protocol.ts';

export const FAKE_SPEC: ModelSpec = {
  id: 'fake-model',
  name: 'fake',
  dimensions: 4,
  pooling: 'mean',
  normalize: true,
  maxTokens: 32,
  queryPrefix: '',
  passagePrefix: '',
  dtype: 'fp32',
  license: 'MIT',
  source: { kind: 'npm' },
};

/**
 * A hashed bag-of-words unit vector: equal texts give equal vectors, and texts sharing words are close, so
 * search tests with the fake engine rank like a (very) simple model would.
 */
export function fakeVector(text: string, dims = FAKE_SPEC.dimensions): Float32Array {
  const v = new Float32Array(dims);
  for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? [text]) {
    let hash = 0;
    for (const char of word) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
    v[hash % dims]! += 1;
  }
  const norm = Math.hypot(...v);
  return norm > 0 ? v.map((x) => x / norm) : v;
}

export interface FakeEngine extends Engine {
  /** Per call, each input as the model would read it (context + text). */
  embedCalls: string[][];
  /** When set, each embed call waits for this before answering (to catch a request mid-flight). */
  gate: Promise<void> | null;
}

export function createFakeEngine(device: Device = 'wasm', spec: ModelSpec = FAKE_SPEC): FakeEngine {
  const engine: FakeEngine = {
    spec,
    device,
    contextWeight: 0,
    embedCalls: [],
    gate: null,
    async embed(texts, _kind, contexts) {
      // Recorded as the model would read them: each text after its context.
      engine.embedCalls.push(texts.map((t, i) => (contexts?.[i] ?? '') + t));
      if (engine.gate) await engine.gate;
      const out = new Float32Array(texts.length * spec.dimensions);
      texts.forEach((t, i) => out.set(fakeVector(t, spec.dimensions), i * spec.dimensions));
      return out;
    },
    async embedPassages(texts, contexts) {
      // One recorded call, as the real engine reads each passage once; sentences get their own fake vectors.
      const vectors = await engine.embed(texts, 'passage', contexts);
      const sentenceVectors = texts.map((t) => {
        const sentences = splitSentences(t);
        const rows = new Float32Array(sentences.length * spec.dimensions);
        sentences.forEach((s, i) => rows.set(fakeVector(t.slice(s.start, s.end), spec.dimensions), i * spec.dimensions));
        return rows;
      });
      return { vectors, sentenceVectors };
    },
    countTokens: (text) => text.split(/\s+/).filter(Boolean).length + 2,
    async dispose() {},
  };
  return engine;
}

export function fakeEnvironment(engine: FakeEngine, overrides: Partial<HandlerEnvironment> = {}): HandlerEnvironment {
  return {
    loadEngine: async () => engine,
    detectWebGpu: async () => false,
    crossOriginIsolated: false,
    threads: 1,
    ...overrides,
  };
}

/** A Worker stand-in: requests go to the real dispatcher on a later task, replies come back as message events. */
export class FakeWorker extends EventTarget implements WorkerLike {
  readonly received: WorkerRequest[] = [];
  terminated = false;
  private readonly _dispatch: (request: WorkerRequest) => Promise<void>;

  constructor(environment: HandlerEnvironment) {
    super();
    const post = (reply: WorkerReply) => {
      if (!this.terminated) this.dispatchEvent(new MessageEvent('message', { data: structuredClone(reply) }));
    };
    this._dispatch = createDispatcher(createHandlers(environment), post);
  }

  postMessage(message: WorkerRequest): void {
    const request = structuredClone(message);
    this.received.push(request);
    setTimeout(() => void this._dispatch(request), 0);
  }

  /** What a browser does when the worker script throws at top level or runs out of memory. */
  crash(message: string): void {
    this.dispatchEvent(Object.assign(new Event('error'), { message }));
  }

  terminate(): void {
    this.terminated = true;
  }
}
