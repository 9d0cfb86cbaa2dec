/**
 * Keeps one worker-backed service alive: creates it on first use, notices at once when it dies (the instance's
 * `died` promise settles), stops and forgets the dead one, and runs each operation at most twice — once more on a
 * fresh instance when the first attempt died with it. A second death in a row gives up with a WorkerFailedError;
 * the next operation (the user's "Try again") starts yet another instance, so recovery never needs a reload.
 *
 * Only deaths are retried: an operation that fails with an ordinary error (bad input, storage full) fails as it
 * is. Retrying is safe for the app's operations because each either reads or writes in one IndexedDB transaction,
 * which a dying worker aborts as a whole.
 */
import { WorkerDiedError, WorkerFailedError } from '../core/faults.ts';

export interface Supervised<T> {
  value: T;
  /** Resolves (with why) when the instance dies; never rejects. */
  died: Promise<Error>;
  /** Stops the instance for good (terminate the worker); its pending calls must reject. */
  stop(): void;
}

export interface SupervisorOptions {
  /** For messages: "the embedding worker". */
  name: string;
  /** Called after a dead instance was dropped (e.g. to forget a model loaded in it). */
  onDeath?: (error: Error) => void;
}

export class Supervisor<T> {
  private readonly _create: () => Supervised<T>;
  private readonly _options: SupervisorOptions;
  private _current: Supervised<T> | null = null;
  private _stopped = false;
  /** Instances created so far (tests and diagnostics). */
  starts = 0;

  constructor(create: () => Supervised<T>, options: SupervisorOptions) {
    this._create = create;
    this._options = options;
  }

  /** The live instance, created if there is none. */
  current(): T {
    return this._instance().value;
  }

  /** Runs `operation` on the live instance; if the instance dies during it, once more on a fresh one. */
  async run<R>(operation: (value: T) => Promise<R>): Promise<R> {
    try {
      return await this._attempt(operation);
    } catch (error) {
      if (!isDeath(error)) throw error;
    }
    try {
      return await this._attempt(operation);
    } catch (error) {
      if (!isDeath(error)) throw error;
      throw new WorkerFailedError(`Passage: ${this._options.name} stopped working twice in a row`);
    }
  }

  /** Replaces the live instance with a fresh one at the next operation (after its files were repaired, say). */
  renew(): void {
    const current = this._current;
    this._current = null;
    current?.stop();
  }

  /** Stops the live instance for good (page teardown, tests). */
  stop(): void {
    this._stopped = true;
    this._current?.stop();
    this._current = null;
  }

  private _instance(): Supervised<T> {
    if (this._stopped) throw new Error(`Passage: ${this._options.name} was stopped`);
    if (this._current) return this._current;
    const instance = this._create();
    this.starts++;
    this._current = instance;
    void instance.died.then((error) => this._drop(instance, error));
    return instance;
  }

  private _drop(instance: Supervised<T>, error: Error): void {
    if (this._current !== instance) return; // stopped on purpose, or already replaced
    this._current = null;
    instance.stop();
    this._options.onDeath?.(error);
  }

  private async _attempt<R>(operation: (value: T) => Promise<R>): Promise<R> {
    const instance = this._instance();
    const death = instance.died.then((error) => {
      throw error instanceof WorkerDiedError ? error : new WorkerDiedError(error.message);
    });
    death.catch(() => undefined);
    try {
      return await Promise.race([operation(instance.value), death]);
    } catch (error) {
      // The operation may hear of the death (its client rejected) before `died` settles: drop the instance now,
      // so the retry cannot land on it.
      if (isDeath(error)) this._drop(instance, error as Error);
      throw error;
    }
  }
}

function isDeath(error: unknown): boolean {
  return error instanceof Error && error.name === 'WorkerDiedError';
}
