/**
 * The worker's half of the lifeline (the page's half is src/app/lifeline.ts). The worker holds a Web Lock named
 * after itself for as long as it lives; the browser releases it the moment the worker ends — `self.close()`, a
 * crash, `terminate()` — with no event the page could otherwise hear. Imported first by each worker script, so
 * the lock is held before the heavy modules (Transformers.js) are even evaluated.
 */
import { LIFELINE_PREFIX, type LifelineMessage } from '../shared/lifeline.ts';

const scope = globalThis as unknown as {
  name?: string;
  navigator?: { locks?: LockManager };
  postMessage(message: LifelineMessage): void;
};

const name = scope.name ?? '';
// ORT's pthread workers run the same script under names starting "em-pthread": they are not ours to watch.
if (name.includes('#') && !name.startsWith('em-pthread') && scope.navigator?.locks) {
  const lock = `${LIFELINE_PREFIX}${name}`;
  void scope.navigator.locks.request(lock, () => {
    scope.postMessage({ passageLifeline: lock });
    return new Promise<never>(() => undefined); // held until this worker ends
  });
}
