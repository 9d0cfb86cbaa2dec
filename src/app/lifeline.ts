/**
 * The page's half of a worker's lifeline (src/worker/lifeline-hold.ts): once the worker says it holds its lock,
 * the page queues for the same lock; the browser grants it exactly when the worker has ended, however it ended.
 * That is how a worker that closed itself is noticed at once instead of leaving "Searching…" up forever. An
 * `error` event (an uncaught exception, a script that failed to load) counts as a death too: the page cannot know
 * what state the worker is left in, so the supervisor replaces it.
 */
import { browserLocks } from './web-locks.ts';
import { WorkerDiedError } from '../core/faults.ts';
import { LIFELINE_PREFIX, type LifelineMessage } from '../shared/lifeline.ts';

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

/**
 * A worker that ends before it could take its lock (in the first moments of its start) would never be noticed by
 * the lock alone: one that has not sent its lifeline message by then counts as dead. Its scripts come from the
 * service worker's cache; 30 s is far beyond any start seen here (well under 1 s).
 */
export const LIFELINE_DEADLINE_MS = 30_000;

export function watchWorker(
  worker: WatchedWorker,
  what: string,
  locks: LockManager | undefined = browserLocks(),
  deadlineMs = LIFELINE_DEADLINE_MS,
): Lifeline {
  const controller = new AbortController();
  // Only where locks exist: without them the worker never sends its lifeline message.
  const deadline = locks ? setTimeout(() => die('did not start'), deadlineMs) : undefined;
  controller.signal.addEventListener('abort', () => clearTimeout(deadline));
  let declare: (error: Error) => void = () => undefined;
  const died = new Promise<Error>((resolve) => (declare = resolve));
  const die = (reason: string) => {
    clearTimeout(deadline);
    if (!controller.signal.aborted) declare(new WorkerDiedError(`Passage: ${what} ${reason}`));
  };
  worker.addEventListener('error', (event) => {
    const detail = 'message' in event && typeof event.message === 'string' && event.message ? `: ${event.message}` : '';
    die(`crashed${detail}`);
  });
  worker.addEventListener('message', (event) => {
    const lock = ((event as MessageEvent).data as Partial<LifelineMessage> | null)?.passageLifeline;
    if (!locks || typeof lock !== 'string' || !lock.startsWith(LIFELINE_PREFIX)) return;
    clearTimeout(deadline);
    locks.request(lock, { signal: controller.signal }, () => die('stopped')).catch(() => undefined);
  });
  return {
    died,
    release: () => controller.abort(),
  };
}
