/**
 * This origin's storage as Settings shows it: how much is used of how much, and whether the browser promised to
 * keep it (persisted) or may evict it under pressure.
 */
import type { StorageInfo } from './api.ts';

export type StorageManagerLike = Pick<StorageManager, 'estimate' | 'persisted' | 'persist'>;

export class DeviceStorage {
  private readonly _manager: StorageManagerLike | undefined;

  /** `manager` for tests; else the browser's, where there is one. */
  constructor(manager?: StorageManagerLike) {
    this._manager = manager ?? (typeof navigator !== 'undefined' ? navigator.storage : undefined);
  }

  async info(): Promise<StorageInfo> {
    if (!this._manager) return { usage: null, quota: null, persisted: false };
    const [estimate, persisted] = await Promise.all([this._manager.estimate(), this._manager.persisted()]);
    return { usage: estimate.usage ?? null, quota: estimate.quota ?? null, persisted };
  }

  async persist(): Promise<boolean> {
    return (await this._manager?.persist()) ?? false;
  }
}
