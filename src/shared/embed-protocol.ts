/**
 * The messages between the page and the embedding worker, derived from one typed map (`Protocol`: request type →
 * its params and its result). Every request carries an `id`; every reply carries the `id` of the request it
 * answers, so several calls (an indexing batch and a search query) can be in flight. Adding a request type is one
 * entry in `Protocol` plus its handler (worker/handlers.ts); the dispatcher and the client are generic over the map.
 *
 * Highlighting has no request of its own: indexing's `embed` with `sentences: true` also returns each passage's
 * sentence codes from the same model call, so highlighting a hit needs no model call at query time.
 */
import type { ModelSpec } from '../core/model-spec.ts';
import type { SpanOffsets } from '../core/split.ts';
import type { ModelLoadProgress, TextKind } from '../core/types.ts';

export type PreferredDevice = 'auto' | 'wasm' | 'webgpu';
export type RequestId = number;

export interface EmbedParams {
  texts: string[];
  kind: TextKind;
  /** Passages only: per text, the text before it that the model reads first (see core/pooling.ts); '' for none. */
  contexts?: string[];
  /** Texts per turn on the model (default core/embed-batch.ts EMBED_BATCH); tests cut small requests finer. */
  batchSize?: number;
  /** Passages only: also return each passage's sentence codes (core/sentence-codes.ts), from the same model call. */
  sentences?: boolean;
}

export interface LoadResult {
  modelId: string;
  dims: number;
  /** The device actually used (the measured winner when `auto` was asked for). */
  device: string;
  threads: number;
}

export interface EmbedResult {
  /** Row-major `texts.length × dims`, L2-normalised. */
  vectors: Float32Array;
  dims: number;
  /** With `sentences`: per text, its sentence codes (empty when its sentences could not be located). */
  sentenceCodes?: Uint8Array[];
}

export interface StatusResult {
  loaded: LoadResult | null;
  crossOriginIsolated: boolean;
  webGpuAvailable: boolean;
}

/**
 * Every request type: what it sends (besides `type` and `id`) and what it resolves to. A result's typed arrays
 * (top level, or in a top-level array) are transferred to the page, not copied: a handler returns arrays it no
 * longer needs.
 */
export interface Protocol {
  load: { params: { spec: ModelSpec; device: PreferredDevice }; result: LoadResult };
  split: { params: { text: string }; result: SpanOffsets };
  embed: { params: EmbedParams; result: EmbedResult };
  /** Answered by the dispatcher itself. Cancelling an unknown or finished request is not an error. */
  cancel: { params: { /** The id of the request to stop. */ target: RequestId }; result: { cancelled: boolean } };
  status: { params: object /* none */; result: StatusResult };
}

export type RequestType = keyof Protocol;
export type ParamsOf<T extends RequestType> = Protocol[T]['params'];
export type ResultOf<T extends RequestType> = Protocol[T]['result'];

/** A request of type `T` (of any type by default) as the page writes it: its `type` and its params. */
export type RequestBody<T extends RequestType = RequestType> = { [K in RequestType]: { type: K } & ParamsOf<K> }[T];
export type WorkerRequest<T extends RequestType = RequestType> = RequestBody<T> & { id: RequestId };

export type WorkerProgress =
  | ModelLoadProgress
  | { stage: 'embedding'; done: number; total: number; perSecond: number; etaSeconds: number | null };

/** An error as it crosses the boundary (Error objects lose their class in structured clone). */
export interface SerializedError {
  name: string;
  message: string;
}

/** The answer to a request of type `T`, tagged with that type so the page can check it before resolving. */
export type ResultReply<T extends RequestType = RequestType> = {
  [K in RequestType]: { id: RequestId; type: 'result'; request: K; result: ResultOf<K> };
}[T];

export type WorkerReply =
  | { id: RequestId; type: 'progress'; progress: WorkerProgress }
  | ResultReply
  | { id: RequestId; type: 'error'; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error || error instanceof DOMException) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
