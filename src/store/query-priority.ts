/**
 * Searches before background work in the library worker. Rebuilding the word index reads and tokenizes every
 * passage (~40 s at 100k passages on this 2-core VM), a chunk of 250 at a time; a search message that arrived
 * mid-chunk waited for the whole chunk and then shared the thread with the next ones. Background loops call
 * `turn()` between small slices of work: it lets messages already queued (a search) run first, and waits while
 * any search is running — including its IndexedDB reads, so the build's reads do not compete with them.
 */
export class QueryPriority {
  private _running = 0;
  private _waiting: (() => void)[] = [];
  private readonly _yield: () => Promise<void>;

  /** `yieldTask` resolves in a new task (default: a MessageChannel message, which browsers do not clamp like timers). */
  constructor(yieldTask: () => Promise<void> = nextTask) {
    this._yield = yieldTask;
  }

  /** True while a search runs. */
  get busy(): boolean {
    return this._running > 0;
  }

  /** Runs a search; background work waits in `turn()` until it settles. */
  async run<T>(search: () => Promise<T>): Promise<T> {
    this._running++;
    try {
      return await search();
    } finally {
      if (--this._running === 0) {
        const waiting = this._waiting;
        this._waiting = [];
        for (const resume of waiting) resume();
      }
    }
  }

  /** Where background work may pause: after queued tasks have run, once no search is running. */
  async turn(): Promise<void> {
    await this._yield();
    while (this._running > 0) await new Promise<void>((resume) => this._waiting.push(resume));
  }
}

type Port = MessagePort & { ref?: () => void; unref?: () => void };
let channel: { port1: Port; port2: MessagePort } | null = null;
const resumers: (() => void)[] = [];

/** Resolves in a task of its own (after tasks already queued), without the 4 ms clamp of nested timers. */
function nextTask(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0));
  if (!channel) {
    const { port1, port2 } = new MessageChannel() as { port1: Port; port2: MessagePort };
    channel = { port1, port2 };
    port1.onmessage = () => {
      resumers.shift()?.();
      // Node: an idle port must not keep the process alive (browsers have no ref/unref).
      if (resumers.length === 0) port1.unref?.();
    };
  }
  const { port1, port2 } = channel;
  return new Promise((resolve) => {
    resumers.push(resolve);
    port1.ref?.();
    port2.postMessage(null);
  });
}
