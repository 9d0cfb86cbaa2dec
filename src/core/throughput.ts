/**
 * Rate and ETA for long runs (embedding batches, library indexing). Pure, with an injectable clock, so the
 * worker and the page report progress the same way.
 */
export interface ThroughputSnapshot {
  done: number;
  total: number;
  /** Items per second since the run started; 0 until some time has passed. */
  perSecond: number;
  /** Null while the rate is still unknown. */
  etaSeconds: number | null;
}

export function createThroughput(total: number, now: () => number = Date.now) {
  const startedAt = now();
  return {
    /** `total` may grow during a run (work added meanwhile, e.g. by another tab). */
    snapshot(done: number, currentTotal = total): ThroughputSnapshot {
      total = currentTotal;
      const elapsedSeconds = (now() - startedAt) / 1000;
      const perSecond = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
      const etaSeconds = perSecond > 0 ? (total - done) / perSecond : null;
      return { done, total, perSecond, etaSeconds };
    },
  };
}
