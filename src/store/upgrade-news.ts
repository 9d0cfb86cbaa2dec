/**
 * Upgrade progress for this tab's page and for the other tabs. The tab whose open runs a schema upgrade reports
 * how far it is (`here`) and posts it on a BroadcastChannel named after the database; a tab whose open waits
 * meanwhile (IndexedDB queues it behind the upgrading connection — no `blocked` event, just a long wait) hears it
 * and says the library is being updated in another tab. Once this tab's open ends (`done`), it stops listening,
 * and if it said anything it says "done" (null) so the page can drop the message.
 *
 * If the upgrading tab closes mid-way its versionchange transaction is rolled back and the waiting tab's open runs
 * the upgrade itself from the start (then its own progress is reported, `elsewhere: false`).
 */
import type { UpgradeProgress } from '../core/types.ts';
import type { UpgradeCount } from './upgrade-meter.ts';

/** The channel the tabs of one database share for upgrade progress. */
export function upgradeChannelName(dbName: string): string {
  return `passage-upgrade:${dbName}`;
}

function isCount(data: unknown): data is UpgradeCount {
  const count = data as UpgradeCount | null;
  return typeof count?.done === 'number' && typeof count.total === 'number';
}

export class UpgradeNews {
  private readonly _channel: BroadcastChannel;
  private _said = false;
  private _open = true;

  constructor(
    dbName: string,
    private readonly _tell: (progress: UpgradeProgress | null) => void,
  ) {
    this._channel = new BroadcastChannel(upgradeChannelName(dbName));
    this._channel.onmessage = (event: MessageEvent) => {
      if (this._open && isCount(event.data)) this._say({ done: event.data.done, total: event.data.total, elsewhere: true });
    };
  }

  /** This tab's upgrade: tell the page and the other tabs. */
  here(count: UpgradeCount): void {
    if (!this._open) return;
    this._say({ ...count, elsewhere: false });
    this._channel.postMessage(count);
  }

  /** This tab's open ended (opened, or failed): stop listening, and clear what was said. */
  done(): void {
    if (!this._open) return;
    this._open = false;
    this._channel.close();
    if (this._said) this._tell(null);
  }

  private _say(progress: UpgradeProgress): void {
    this._said = true;
    this._tell(progress);
  }
}
