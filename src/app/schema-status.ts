/**
 * Whether this tab's code still matches the stored library's schema: 'current'; 'waiting' while an older tab
 * blocks this tab's upgrade; 'outdated' once another tab upgraded the library (this tab's connection is closed and
 * nothing more can be stored, so it stays outdated until reloaded).
 */
import type { SchemaState } from './api.ts';
import { Listeners } from './listeners.ts';

export class SchemaStatus {
  private _state: SchemaState = 'current';
  private readonly _listeners = new Listeners<SchemaState>();
  private readonly _onOutdated: () => void;

  /** `onOutdated`: called once, before listeners hear of it (indexing must stop: nothing more can be stored). */
  constructor(onOutdated: () => void) {
    this._onOutdated = onOutdated;
  }

  get state(): SchemaState {
    return this._state;
  }

  onChange(listener: (state: SchemaState) => void): () => void {
    return this._listeners.add(listener);
  }

  /** Another tab upgraded the library. */
  outdated(): void {
    this._set('outdated');
  }

  /** An older tab blocks this tab's upgrade. */
  blocked(): void {
    if (this._state === 'current') this._set('waiting');
  }

  /** This tab's library opened: an upgrade it waited for is done. */
  opened(): void {
    if (this._state === 'waiting') this._set('current');
  }

  private _set(state: SchemaState): void {
    if (this._state === state || this._state === 'outdated') return;
    this._state = state;
    if (state === 'outdated') this._onOutdated();
    this._listeners.emit(state);
  }
}
