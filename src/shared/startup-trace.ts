/**
 * Start-up marks from every thread on one clock: the page and both workers call `startupMark(name)` at the steps
 * of a start (database open, vector blocks read, model session made, …). Each mark is a `performance.mark` in its
 * own thread and, for a benchmark listening on the BroadcastChannel `passage-startup` (bench/startup.ts), a message
 * with its wall-clock time (`timeOrigin + now`: workers have their own time origin). A dozen messages per start.
 */
export const STARTUP_CHANNEL = 'passage-startup';

export interface StartupMark {
  name: string;
  /** Milliseconds since the epoch (comparable across the page and its workers). */
  at: number;
  detail?: Record<string, number | string>;
}

interface TraceGlobals {
  performance?: { timeOrigin: number; now(): number; mark?(name: string): unknown };
  BroadcastChannel?: new (name: string) => { postMessage(message: unknown): void };
}

let channel: { postMessage(message: unknown): void } | null | undefined;

export function startupMark(name: string, detail?: Record<string, number | string>): void {
  const scope = globalThis as unknown as TraceGlobals;
  const clock = scope.performance;
  if (!clock) return;
  try {
    clock.mark?.(`passage:startup:${name}`);
    if (channel === undefined) {
      channel = scope.BroadcastChannel ? new scope.BroadcastChannel(STARTUP_CHANNEL) : null;
      // Node has BroadcastChannel too (tests): an open channel there would keep the process alive.
      (channel as { unref?: () => void } | null)?.unref?.();
    }
    channel?.postMessage({ name, at: clock.timeOrigin + clock.now(), ...(detail ? { detail } : {}) } satisfies StartupMark);
  } catch {
    // Tracing never breaks a start.
  }
}
