/**
 * Only one tab indexes at a time. Two tabs embedding the same pending passages would each spend the model's time
 * on the same texts (the second store of a vector is skipped, so it is wasted work, not a wrong result). The tab
 * that indexes holds a Web Lock for the whole run; another tab that wants to index waits for it, showing that it
 * follows the other tab, and takes over when the lock is released — when that tab's run ends, fails, or the tab
 * closes or crashes (the browser releases a closed document's locks).
 *
 * A user's "Cancel" and "Index now" are for indexing as a whole, not for one tab: they are announced on a
 * BroadcastChannel; on "cancel" every tab stops waiting or indexing (until the next change or "Index now"), on
 * "resume" every tab with pending work queues for the lock, so one indexes and the others follow it.
 */
import { browserLocks } from './web-locks.ts';

export type IndexingSignal = 'cancel' | 'resume';

export interface IndexingLock {
  /**
   * Runs `task` while holding the lock. When another tab holds it, calls `onWait` first and waits until it is
   * released, or until `signal` aborts (then rejects with the signal's reason and `task` never runs).
   */
  hold<T>(task: () => Promise<T>, options: { signal: AbortSignal; onWait: () => void }): Promise<T>;
  /** Tells the other tabs the user cancelled or resumed indexing. */
  announce(signal: IndexingSignal): void;
  /** Another tab's user cancelled or resumed indexing. */
  onAnnounce(listener: (signal: IndexingSignal) => void): void;
  close(): void;
}

/** What the lock needs of the Web Locks API (tests pass a fake). */
type Locks = Pick<LockManager, 'request'>;

/**
 * The lock of one library (database). Without Web Locks each tab indexes on its own, as before (the library
 * still agrees across tabs, through library-changes.ts); without BroadcastChannel a cancel stays in its tab.
 */
export function createIndexingLock(dbName: string, locks: Locks | undefined = browserLocks()): IndexingLock {
  const name = `passage-indexing:${dbName}`;
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(name) : null;
  let heard: ((signal: IndexingSignal) => void) | null = null;
  if (channel) {
    channel.onmessage = (event: MessageEvent<unknown>) => {
      const signal = event.data;
      if (signal === 'cancel' || signal === 'resume') heard?.(signal);
    };
  }

  return {
    async hold(task, { signal, onWait }) {
      signal.throwIfAborted();
      if (!locks) return task();
      type Outcome = { ran: true; value: Awaited<ReturnType<typeof task>> } | { ran: false };
      // First without queueing, to know whether another tab holds it (and say so) before waiting.
      const first = await locks.request(name, { ifAvailable: true }, async (lock): Promise<Outcome> =>
        lock ? { ran: true, value: await task() } : { ran: false },
      );
      if (first.ran) return first.value;
      onWait();
      return locks.request(name, { signal }, () => task());
    },
    announce(signal) {
      channel?.postMessage(signal);
    },
    onAnnounce(listener) {
      heard = listener;
    },
    close() {
      channel?.close();
    },
  };
}
