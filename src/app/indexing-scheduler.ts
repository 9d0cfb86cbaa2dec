/**
 * When indexing runs, never what it does: at most one run at a time; a resume asked for during a run makes that
 * run take one more pass (the document added after the pass listed its work); holds (a batch of files being added)
 * keep background indexing away until the last is released; a stop (cancel, here or in another tab) pauses it until
 * resumed; and a change that removes vectors waits for the run in flight to stop, so a batch landing late can't put
 * a deleted passage back, then lets indexing resume. The run itself is handed in (indexing-run.ts).
 */

/**
 * One indexing run. `untilCaughtUp` repeats a pass until no resume was asked for during it (or the run is
 * stopped). Resolves when done, rejects when it failed; a stopped run should resolve or reject with an AbortError.
 */
export type IndexingRunner = (signal: AbortSignal, untilCaughtUp: (pass: () => Promise<void>) => Promise<void>) => Promise<void>;

interface Run {
  controller: AbortController;
  done: Promise<void>;
}

export class IndexingScheduler {
  private readonly _runner: IndexingRunner;
  private readonly _mayResume: () => boolean;
  private _run: Run | null = null;
  private _again = false;
  /** Open holds; background indexing waits while there are any. */
  private _holds = 0;
  private _paused = false;

  /**
   * `mayResume`: whether indexing may restart by itself after a change or a hold (the app asks for the model
   * load first; before that nothing indexes in the background).
   */
  constructor(runner: IndexingRunner, mayResume: () => boolean) {
    this._runner = runner;
    this._mayResume = mayResume;
  }

  /** A run is in flight (it owns the progress line). */
  get running(): boolean {
    return this._run !== null;
  }

  /**
   * Stopped and not resumed since. Another tab's stored rows alone (a batch that landed just after a cancel) are
   * no reason to queue for the indexing lock again; only work left pending is.
   */
  get paused(): boolean {
    return this._paused;
  }

  /** Starts (or extends) a run; resolves when it ends, with the run's failure if it failed. */
  resume(): Promise<void> {
    this._paused = false;
    if (this._run) {
      this._again = true; // pick up what was added after the running pass listed its work
      return this._run.done;
    }
    const controller = new AbortController();
    const run: Run = {
      controller,
      done: this._runner(controller.signal, (pass) => this._untilCaughtUp(pass, controller.signal)).finally(() => {
        if (this._run === run) this._run = null;
      }),
    };
    this._run = run;
    return run.done;
  }

  /** `resume` without awaiting it, unless held; the runner reports a failure to the user, this only logs it. */
  resumeInBackground(): void {
    if (this._holds > 0) return;
    this.resume().catch((error: unknown) => console.error('Passage: indexing failed', error));
  }

  /** Stops the run in flight (what it stored stays) and pauses indexing until resumed. */
  stop(): void {
    this._paused = true;
    this._again = false;
    this._run?.controller.abort();
  }

  /** Stops indexing until the returned function is called; the last release resumes it in the background. */
  hold(): () => void {
    this._holds++;
    this.stop();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this._holds === 0 && this._mayResume()) this.resumeInBackground();
    };
  }

  /** Runs `change` once the run in flight has stopped, then resumes indexing in the background (not paused). */
  async whileStopped<T>(change: () => Promise<T>): Promise<T> {
    const running = this._run;
    if (running) {
      running.controller.abort();
      await running.done.catch(() => undefined);
    }
    try {
      return await change();
    } finally {
      if (this._mayResume()) this.resumeInBackground();
    }
  }

  /** Resolves once no run is in flight (after `stop`, when disposing). */
  async settled(): Promise<void> {
    await this._run?.done.catch(() => undefined);
  }

  private async _untilCaughtUp(pass: () => Promise<void>, signal: AbortSignal): Promise<void> {
    do {
      this._again = false;
      await pass();
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- pass() may set _again (TS keeps the `= false` narrowing across calls, TypeScript#9998)
    } while (this._again && !signal.aborted);
  }
}
