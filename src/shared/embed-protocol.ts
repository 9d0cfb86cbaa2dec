/**
 * The messages between the page and the embedding worker. Every request carries an `id`; every reply carries
 * the `id` of the request it answers, so several calls (an indexing batch and a search query) can be in flight.
 *
 * Highlighting has no request of its own: the page splits passages into sentences (core `splitSentences`) and
 * sends them through `embed` like any other texts — one code path, one batching and cancellation story.
 */
import type { ModelSpec } from '../core/model-spec.ts';
import type { SpanOffsets } from '../core/split.ts';
import type { ModelLoadProgress, TextKind } from '../core/types.ts';

export type PreferredDevice = 'auto' | 'wasm' | 'webgpu';
export type RequestId = number;

export interface LoadRequest {
  type: 'load';
  spec: ModelSpec;
  device: PreferredDevice;
}

export interface SplitRequest {
  type: 'split';
  text: string;
}

export interface EmbedRequest {
  type: 'embed';
  texts: string[];
  kind: TextKind;
  /** Passages only: per text, the text before it that the model reads first (see core/pooling.ts); '' for none. */
  contexts?: string[];
  /** Texts per inference call; progress is reported and cancellation checked between batches. */
  batchSize?: number;
  /** Passages only: also return each passage's sentence codes (core/sentence-codes.ts), from the same model call. */
  sentences?: boolean;
}

export interface CancelRequest {
  type: 'cancel';
  /** The id of the request to stop. Cancelling an unknown or finished request is not an error. */
  target: RequestId;
}

export interface StatusRequest {
  type: 'status';
}

export type RequestBody = LoadRequest | SplitRequest | EmbedRequest | CancelRequest | StatusRequest;
export type RequestType = RequestBody['type'];
export type WorkerRequest = RequestBody & { id: RequestId };

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

/** What each request type resolves to. */
export interface ResultOf {
  load: LoadResult;
  split: SpanOffsets;
  embed: EmbedResult;
  cancel: { cancelled: boolean };
  status: StatusResult;
}

export type WorkerProgress =
  | ModelLoadProgress
  | { stage: 'embedding'; done: number; total: number; perSecond: number; etaSeconds: number | null };

/** An error as it crosses the boundary (Error objects lose their class in structured clone). */
export interface SerializedError {
  name: string;
  message: string;
}

export type WorkerReply =
  | { id: RequestId; type: 'progress'; progress: WorkerProgress }
  | { [K in RequestType]: { id: RequestId; type: 'result'; request: K; result: ResultOf[K] } }[RequestType]
  | { id: RequestId; type: 'error'; error: SerializedError };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error || error instanceof DOMException) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}
