/**
 * The names both halves of a worker's lifeline agree on (the worker's half: src/worker/lifeline-hold.ts; the page's:
 * src/app/lifeline.ts).
 */
export const LIFELINE_PREFIX = 'passage-lifeline:';

/** Sent to the page once the lock is held: from then on the page can wait for it. */
export interface LifelineMessage {
  passageLifeline: string;
}
