/**
 * Service-worker registration and the update flow (vite-plugin-pwa's `registerSW`, built on workbox-window).
 *
 * - `whenControlled()` gates the model load: on a first visit the worker precaches the model and ORT's wasm;
 *   fetching them at the same time fails in Chromium now and then (ERR_CACHE_WRITE_FAILURE), so the app waits
 *   until the service worker has finished installing and controls the page (`clientsClaim`).
 * - A new version waits (registerType 'prompt') until the user accepts it; then it is activated and the page
 *   reloads once it takes control.
 */
import { registerSW } from 'virtual:pwa-register';

export type PwaEvent = 'offline-ready' | 'update-available';

export interface Pwa {
  /** Resolves once the service worker controls the page — at once without service-worker support or in dev. */
  whenControlled(): Promise<void>;
  /** Called for "ready to work offline" (first install done) and "a new version is waiting". */
  on(event: PwaEvent, listener: () => void): () => void;
  /** Activates the waiting version; the page reloads when it takes control. */
  applyUpdate(): Promise<void>;
}

/** After the worker is active, how long to give `clients.claim()` before loading without control. */
const CLAIM_GRACE_MS = 1500;

/** After the user accepts an update, how long to wait for the new version to take control before reloading. */
const TAKEOVER_GRACE_MS = 3000;

export function registerPwa(): Pwa {
  const listeners = new Map<PwaEvent, Set<() => void>>();
  const seen = new Set<PwaEvent>();
  const emit = (event: PwaEvent) => {
    seen.add(event);
    for (const listener of listeners.get(event) ?? []) listener();
  };

  const supported = !import.meta.env.DEV && 'serviceWorker' in navigator;
  let markControlled: () => void = () => {};
  const controlled = new Promise<void>((resolve) => (markControlled = resolve));

  if (!supported || navigator.serviceWorker.controller) {
    markControlled();
  } else {
    navigator.serviceWorker.addEventListener('controllerchange', () => markControlled(), { once: true });
    // A page opened with a hard reload is never controlled, even with an active worker; once the worker is
    // active (install, i.e. precaching, is over) there is nothing to race with, so go on after a grace period.
    void navigator.serviceWorker.ready.then(() => setTimeout(markControlled, CLAIM_GRACE_MS));
  }

  // Reload once the accepted version controls the page. registerSW reloads only when the page was already
  // controlled at load; on a first-visit page (controlled later through clientsClaim) it would not, so the
  // reload is also tied to `controllerchange` after the user said yes.
  let reloading = false;
  const reloadOnce = () => {
    if (reloading) return;
    reloading = true;
    window.location.reload();
  };

  const update = supported
    ? registerSW({
        immediate: true,
        onNeedReload: reloadOnce,
        onOfflineReady: () => emit('offline-ready'),
        onNeedRefresh: () => emit('update-available'),
        onRegisterError: (error: unknown) => {
          // Without a worker the app still works online; don't block the model load on it.
          console.warn('Passage: service worker registration failed', error);
          markControlled();
        },
      })
    : async () => {};

  return {
    whenControlled: () => controlled,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      if (seen.has(event)) queueMicrotask(listener);
      return () => set.delete(listener);
    },
    applyUpdate: async () => {
      if (!supported) return;
      navigator.serviceWorker.addEventListener('controllerchange', reloadOnce, { once: true });
      await update(true);
      // Chromium defers the new worker's activation while the old one still has work for this page — seen while
      // the first visit's model was loading: the page then stayed as it was, still loading, and never reloaded.
      // Reloading anyway ends that work; the new version takes over as soon as the old one is idle.
      setTimeout(reloadOnce, TAKEOVER_GRACE_MS);
    },
  };
}
