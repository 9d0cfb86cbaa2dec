/**
 * Passages a page embedded since it loaded, counted from what its status strip shows: the progress bar reflects the
 * indexing run on screen as `data-done` (removed when no run is shown). A script installed before the page's own
 * scripts sums each run's highest `done`. Tests use it to check that vectors came from storage or a library file,
 * not from the model.
 */
import type { BrowserContext, Page } from '@playwright/test';

declare global {
  interface Window {
    passageEmbedded?: () => number;
  }
}

// Plain JavaScript (not a serialised TS function, so no transpiler helpers leak into the page).
export const COUNT_EMBEDDED = `(() => {
  let banked = 0;
  let run = 0;
  // One value of data-done after another: null ends a run, a smaller count starts a new one.
  const see = (value) => {
    const done = value === null ? 0 : Number(value);
    if (value === null || done < run) {
      banked += run;
      run = 0;
    }
    run = Math.max(run, done);
  };
  window.passageEmbedded = () => banked + run;
  customElements.whenDefined('passage-shell').then(async () => {
    const shell = document.querySelector('passage-shell');
    // The strip exists from the shell's first render, long before a model could embed anything.
    await shell.updateComplete;
    const bar = shell.shadowRoot.querySelector('progress-bar');
    see(bar.getAttribute('data-done'));
    // Each record's old value is the value before it, so values set between two callbacks are not missed.
    new MutationObserver((records) => {
      for (const record of records) see(record.oldValue);
      see(bar.getAttribute('data-done'));
    }).observe(bar, { attributes: true, attributeFilter: ['data-done'], attributeOldValue: true });
  });
})();`;

/** Counts what pages embed from their next load on: call before `openApp` (or on the context, for every tab). */
export async function countEmbedded(target: Page | BrowserContext): Promise<void> {
  await target.addInitScript({ content: COUNT_EMBEDDED });
}

/** Passages `page` embedded since it loaded (counted by COUNT_EMBEDDED, which must be installed). */
export function embeddedIn(page: Page): Promise<number> {
  return page.evaluate(() => {
    if (!window.passageEmbedded) throw new Error('countEmbedded was not called before the page loaded');
    return window.passageEmbedded();
  });
}
