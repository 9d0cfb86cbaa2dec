/**
 * The page side of the worker protocol: one promise per request, an AbortSignal on every long call.
 * Aborting sends `cancel` and rejects at once with a DOMException `AbortError`; a worker error rejects with the
 * worker's message; a crashed worker (`error` event) or one declared dead (`fail`, e.g. by its lifeline) rejects
 * everything pending and every later call with a WorkerDiedError.
 */
import { abortError } from '../shared/abort.ts';
import { WorkerDiedError } from '../core/faults.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import type { SpanOffsets } from '../core/split.ts';
import type { TextKind } from '../core/types.ts';
import type {
  LoadResult,
  ParamsOf,
  PreferredDevice,
  RequestId,
  RequestType,
  ResultOf,
  StatusResult,
  WorkerProgress,
  WorkerReply,
  WorkerRequest,
} from '../shared/embed-protocol.ts';

/** The part of `Worker` the client uses; tests pass a fake built on a MessageChannel or EventTarget. */
export interface WorkerLike {
  postMessage(message: WorkerRequest): void;
  addEventListener(type: 'message' | 'error', listener: (event: Event) => void): void;
  terminate(): void;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (progress: WorkerProgress) => void;
}

interface Pending {
  type: RequestType;
  resolve(result: unknown): void;
  reject(error: Error): void;
  onProgress?: (progress: WorkerProgress) => void;
}

export class EmbedderClient {
  private readonly _worker: WorkerLike;
  private readonly _pending = new Map<RequestId, Pending>();
  private _nextId = 1;
  private _crash: Error | null = null;

  constructor(worker: WorkerLike) {
    this._worker = worker;
    worker.addEventListener('message', (event) => this._onReply((event as MessageEvent<WorkerReply>).data));
    worker.addEventListener('error', (event) => this._onCrash(event));
  }

  load(spec: ModelSpec, device: PreferredDevice, options: CallOptions = {}): Promise<LoadResult> {
    return this.call('load', { spec, device }, options);
  }

  split(text: string, options: CallOptions = {}): Promise<SpanOffsets> {
    return this.call('split', { text }, options);
  }

  /** Row-major `texts.length × dims`, L2-normalised. */
  async embed(
    texts: readonly string[],
    kind: TextKind,
    options: CallOptions & { batchSize?: number; contexts?: readonly string[] } = {},
  ): Promise<Float32Array> {
    const { batchSize, contexts, ...callOptions } = options;
    const params = {
      texts: [...texts],
      kind,
      ...(batchSize ? { batchSize } : {}),
      ...(contexts ? { contexts: [...contexts] } : {}),
    };
    return (await this.call('embed', params, callOptions)).vectors;
  }

  /**
   * Passage vectors (read after their contexts) and, from the same model calls, each passage's sentence codes
   * for highlighting without a model call at query time (core/sentence-codes.ts).
   */
  async embedPassages(
    texts: readonly string[],
    contexts: readonly string[],
    options: CallOptions = {},
  ): Promise<{ vectors: Float32Array; sentenceCodes: Uint8Array[] }> {
    const params = { texts: [...texts], kind: 'passage' as const, contexts: [...contexts], sentences: true };
    const result = await this.call('embed', params, options);
    return { vectors: result.vectors, sentenceCodes: result.sentenceCodes ?? texts.map(() => new Uint8Array(0)) };
  }

  status(options: CallOptions = {}): Promise<StatusResult> {
    return this.call('status', {}, options);
  }

  /** Rejects everything pending and stops the worker. */
  terminate(): void {
    this.fail(new WorkerDiedError('Passage: the embedding worker was stopped'));
    this._worker.terminate();
  }

  /** The worker is gone (it closed itself, or crashed): everything pending and every later call rejects with `error`. */
  fail(error: Error): void {
    this._crash ??= error;
    this._failAll(this._crash);
  }

  /**
   * Sends a request of any type in the protocol map and resolves with its result, once the reply is checked to
   * answer that type. The methods above are this with names; a new request type needs no new method here.
   */
  call<T extends RequestType>(type: T, params: ParamsOf<T>, options: CallOptions = {}): Promise<ResultOf<T>> {
    const { signal, onProgress } = options;
    if (this._crash) return Promise.reject(this._crash);
    if (signal?.aborted) return Promise.reject(abortError());
    const id = this._nextId++;
    return new Promise<ResultOf<T>>((resolve, reject) => {
      const onAbort = () => {
        if (!this._pending.delete(id)) return;
        this._worker.postMessage({ id: this._nextId++, type: 'cancel', target: id });
        reject(abortError());
      };
      const settle = () => signal?.removeEventListener('abort', onAbort);
      this._pending.set(id, {
        type,
        resolve: (result) => {
          settle();
          resolve(result as ResultOf<T>); // _onReply checked that the reply's `request` tag is this call's type.
        },
        reject: (error) => {
          settle();
          reject(error);
        },
        ...(onProgress ? { onProgress } : {}),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      // A cast: TypeScript cannot pair a generic `type` with its params in the request union; `call`'s signature did.
      this._worker.postMessage({ ...params, type, id } as WorkerRequest);
    });
  }

  private _onReply(reply: WorkerReply): void {
    const pending = this._pending.get(reply.id);
    if (!pending) return; // Cancelled or unknown: the caller has already been answered.
    switch (reply.type) {
      case 'progress':
        pending.onProgress?.(reply.progress);
        return;
      case 'result':
        this._pending.delete(reply.id);
        if (reply.request === pending.type) pending.resolve(reply.result);
        else pending.reject(new Error(`Passage: worker answered a ${pending.type} request with a ${reply.request} result`));
        return;
      case 'error':
        this._pending.delete(reply.id);
        pending.reject(reply.error.name === 'AbortError' ? abortError() : namedError(reply.error.name, reply.error.message));
        return;
    }
  }

  private _onCrash(event: Event): void {
    const detail = 'message' in event && typeof event.message === 'string' && event.message ? `: ${event.message}` : '';
    this.fail(new WorkerDiedError(`Passage: the embedding worker crashed${detail}`));
  }

  private _failAll(error: Error): void {
    const pending = [...this._pending.values()];
    this._pending.clear();
    for (const call of pending) call.reject(error);
  }
}

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}
