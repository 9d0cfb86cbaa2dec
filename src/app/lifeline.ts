/**
 * The page's half of a worker's lifeline (src/worker/lifeline-hold.ts): once the worker says it holds its lock,
 * the page queues for the same lock; the browser grants it exactly when the worker has ended, however it ended.
 * That is how a worker that closed itself is noticed at once instead of leaving "Searching…" up forever. An
 * `error` event (an uncaught exception, a script that failed to load) counts as a death too: the page cannot know
 * what state the worker is left in, so the supervisor replaces it.
 */
import { WorkerDiedError } from '../core/faults.ts';
import { LIFELINE_PREFIX, type LifelineMessage } from '../worker/lifeline-hold.ts';

export interface WatchedWorker {
  addEventListener(type: 'message' | 'error', listener: (event: Event) => void): void;
}

/** A unique worker name the lifeline can lock on; keep `prefix` readable, it shows in devtools. */
export function lifelineName(prefix: string): string {
  return `${prefix}#${crypto.randomUUID()}`;
}

export interface Lifeline {
  /** Resolves with a WorkerDiedError when the worker ends or fires `error`. */
  died: Promise<Error>;
  /** Stop watching (the worker is being terminated on purpose). */
  release(): void;
}

export function watchWorker(worker: WatchedWorker, what: string, locks: LockManager | undefined = globalThis.navigator?.locks): Lifeline {
  const controller = new AbortController();
  let declare: (error: Error) => void = () => undefined;
  const died = new Promise<Error>((resolve) => (declare = resolve));
  const die = (reason: string) => {
    if (!controller.signal.aborted) declare(new WorkerDiedError(`Passage: ${what} ${reason}`));
  };
  worker.addEventListener('error', (event) => {
    const detail = 'message' in event && typeof event.message === 'string' && event.message ? `: ${event.message}` : '';
    die(`crashed${detail}`);
  });
  worker.addEventListener('message', (event) => {
    const lock = ((event as MessageEvent).data as Partial<LifelineMessage> | null)?.passageLifeline;
    if (!locks || typeof lock !== 'string' || !lock.startsWith(LIFELINE_PREFIX)) return;
    locks.request(lock, { signal: controller.signal }, () => die('stopped')).catch(() => undefined);
  });
  return {
    died,
    release: () => controller.abort(),
  };
}
