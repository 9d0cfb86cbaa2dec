/**
 * How far a schema upgrade is, for people: the upgrade counts the records it has rewritten (weighted by what each
 * kind costs) and this turns them into "done of total passages", reported at most every `intervalMs` — a 100k
 * library takes a minute or more, and a status line frozen on "Starting…" for that long looks like a hang.
 */

/** Passages of the library brought to the new schema so far (`done` never falls; it ends at `total`). */
export interface UpgradeCount {
  done: number;
  total: number;
}

/** Reports at least this often while records flow (and no more often: each report crosses to the page). */
export const UPGRADE_REPORT_MS = 250;

export class UpgradeMeter {
  private _work = 0;
  private _worked = 0;
  private _passages = 0;
  private _lastDone = -1;
  private _lastAt = -Infinity;

  constructor(
    private readonly _report: (count: UpgradeCount) => void,
    private readonly _intervalMs = UPGRADE_REPORT_MS,
    private readonly _now: () => number = () => performance.now(),
  ) {}

  /** The library has `passages` passages and the upgrade `work` units of work; reports 0 of `passages` at once. */
  plan(passages: number, work: number): void {
    this._passages = passages;
    this._work = Math.max(work, 1);
    this._worked = 0;
    this._emit(true);
  }

  /** `units` more work is done; reports when the last report is `intervalMs` old. */
  advance(units = 1): void {
    this._worked = Math.min(this._work, this._worked + units);
    this._emit(false);
  }

  /** All done: reports `total` of `total`. */
  finish(): void {
    this._worked = this._work;
    this._emit(true);
  }

  private _emit(force: boolean): void {
    const now = this._now();
    if (!force && now - this._lastAt < this._intervalMs) return;
    const done = Math.floor((this._passages * this._worked) / this._work);
    if (done === this._lastDone && !force) return;
    this._lastAt = now;
    this._lastDone = done;
    this._report({ done, total: this._passages });
  }
}
