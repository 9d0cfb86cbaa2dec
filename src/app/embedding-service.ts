/**
 * The embedding worker with the model loaded in it: created on first use, and only after `whenReady` (a dedicated
 * worker is controlled by the service worker only if the page already was when it was created, and its model
 * fetches must go through it); supervised, so an operation whose worker dies runs once more in a new one; and the
 * model loaded once per worker (a restarted worker loads it again; a failed load is tried again on the next call).
 * The device measured fastest is remembered for the next start.
 */
import type { ModelSpec } from '../core/model-spec.ts';
import type { SpanOffsets } from '../core/split.ts';
import type { LoadResult, PreferredDevice, WorkerProgress } from '../shared/embed-protocol.ts';
import type { Progress } from './api.ts';
import { rememberDevice, rememberedDevice } from './device-memory.ts';
import { EmbedderClient, type WorkerLike } from './embedder-client.ts';
import type { Embedder } from './indexer.ts';
import { lifelineName, watchWorker } from './lifeline.ts';
import { Supervisor, type Supervised } from './supervisor.ts';

export interface EmbeddingOptions {
  /** Resolves when the model may be fetched (the service worker controls the page). */
  whenReady?: Promise<void> | undefined;
  /** Defaults to the device measured fastest on an earlier start, else 'auto' (measure now). */
  device?: PreferredDevice | undefined;
  /** For tests: a fake worker. */
  createWorker?: (() => WorkerLike) | undefined;
}

function createEmbedWorker(): WorkerLike {
  // A unique name: the worker's lifeline lock is named after it (lifeline.ts).
  return new Worker(new URL('../worker/embed-worker.ts', import.meta.url), { type: 'module', name: lifelineName('passage-embed') });
}

/** The embedding worker behind its client, watched: its death rejects every pending call at once. */
function superviseEmbedder(worker: WorkerLike): Supervised<EmbedderClient> {
  const client = new EmbedderClient(worker);
  const lifeline = watchWorker(worker, 'the embedding worker');
  void lifeline.died.then((error) => client.fail(error));
  return {
    value: client,
    died: lifeline.died,
    stop: () => {
      lifeline.release();
      client.terminate();
    },
  };
}

export class EmbeddingService {
  private readonly _model: ModelSpec;
  private readonly _options: EmbeddingOptions;
  /** 'model-ready', 'model-download' and 'model-compile' stages. */
  private readonly _onProgress: (progress: Progress) => void;
  /** Created on first use after `whenReady` (see `run`); null before that. */
  private _embedders: Supervisor<EmbedderClient> | null = null;
  /** The model load in each embedding worker (a restarted worker loads it again). */
  private readonly _loads = new WeakMap<EmbedderClient, Promise<LoadResult>>();
  private _loading: Promise<LoadResult> | null = null;
  private _ready = false;
  private _closed = false;

  /** For the indexer: passages embedded in the worker, each read after its context. */
  readonly passages: Embedder = {
    embed: (passages, signal) =>
      this.run((client) =>
        client.embedPassages(
          passages.map((p) => p.text),
          passages.map((p) => p.context),
          { signal },
        ),
      ),
  };

  constructor(model: ModelSpec, options: EmbeddingOptions, onProgress: (progress: Progress) => void) {
    this._model = model;
    this._options = options;
    this._onProgress = onProgress;
  }

  /** A model load was asked for (the app indexes in the background only from then on). */
  get loadAsked(): boolean {
    return this._loading !== null;
  }

  /** The model has loaded at least once. */
  get ready(): boolean {
    return this._ready;
  }

  /** Loads the model (after `whenReady`); a failed load may be retried by calling again. */
  load(): Promise<LoadResult> {
    const loading = this.run((client) => this._loadIn(client));
    this._loading ??= loading;
    loading.catch(() => undefined); // the caller sees the failure; this one only marks that a load was asked for
    return loading;
  }

  /** Passage boundaries of `text`; splitting counts tokens with the model's tokenizer, so it loads the model. */
  split(text: string): Promise<SpanOffsets> {
    return this.run((client) => client.split(text));
  }

  /** A search question's vector. */
  embedQuery(text: string): Promise<Float32Array> {
    return this.run((client) => client.embed([text], 'query'));
  }

  /**
   * Runs `operation` in the embedding worker with the model loaded; if the worker dies meanwhile, once more in a
   * new one (Supervisor).
   */
  async run<R>(operation: (client: EmbedderClient) => Promise<R>): Promise<R> {
    await this._options.whenReady;
    if (this._closed) throw new Error('Passage: the app was disposed');
    this._embedders ??= new Supervisor(() => superviseEmbedder((this._options.createWorker ?? createEmbedWorker)()), {
      name: 'the embedding worker',
    });
    return this._embedders.run(async (client) => {
      await this._loadIn(client);
      return operation(client);
    });
  }

  /** A fresh worker: nothing of a failed load (a half-built session, buffered responses) survives a repair. */
  renew(): void {
    this._embedders?.renew();
  }

  /** No new work from now on (disposing); the worker stops at `terminate`. */
  close(): void {
    this._closed = true;
  }

  terminate(): void {
    this._embedders?.stop();
  }

  /** The model load in this worker, once; a failed load is forgotten so that the next call tries again. */
  private _loadIn(client: EmbedderClient): Promise<LoadResult> {
    let loading = this._loads.get(client);
    if (!loading) {
      const device = this._options.device ?? rememberedDevice(this._model.id);
      loading = client.load(this._model, device, { onProgress: (progress) => this._forwardModelProgress(progress) }).then((loaded) => {
        if (device === 'auto') rememberDevice(this._model.id, loaded.device);
        this._ready = true;
        this._onProgress({ stage: 'model-ready', device: loaded.device });
        return loaded;
      });
      const started = loading;
      this._loads.set(client, started);
      started.catch(() => {
        if (this._loads.get(client) === started) this._loads.delete(client);
      });
    }
    return loading;
  }

  private _forwardModelProgress(progress: WorkerProgress): void {
    if (progress.stage === 'model-download' || progress.stage === 'model-compile') this._onProgress(progress);
  }
}
