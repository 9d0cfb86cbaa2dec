/**
 * Opening the library's IndexedDB database: at the latest version, running the upgrade steps (migrations.ts) an
 * older database needs, and never holding up another tab's upgrade. Re-exports the schema (schema.ts), so the
 * database's users import it from here.
 */
import { openDB } from 'idb';
import { DB_VERSION, MIGRATIONS } from './migrations.ts';
import type { Database, PassageDB } from './schema.ts';
import { UpgradeMeter, type UpgradeCount } from './upgrade-meter.ts';

export * from './schema.ts';
export { DB_VERSION } from './migrations.ts';

export const DEFAULT_DB_NAME = 'passage';

export interface OpenOptions {
  name?: string;
  /** Only for tests that build an older database; the app always opens the latest version. */
  version?: number;
  /**
   * Another tab wants to upgrade the schema. This connection has already been closed so the upgrade can
   * proceed; the page should ask the user to reload.
   */
  onVersionChange?: () => void;
  /** This tab wants to upgrade while an older tab keeps the database open. */
  onBlocked?: () => void;
  /** A long upgrade of stored data runs: how far it is, at most every UPGRADE_REPORT_MS (upgrade-meter.ts). */
  onUpgradeProgress?: (count: UpgradeCount) => void;
  /** For tests: report upgrade progress at most this often (default UPGRADE_REPORT_MS; 0: at every step). */
  upgradeReportMs?: number;
}

export function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const version = options.version ?? DB_VERSION;
  let db: Database | undefined;
  const opening = openDB<PassageDB>(options.name ?? DEFAULT_DB_NAME, version, {
    upgrade(database, oldVersion, newVersion, tx) {
      const steps = MIGRATIONS.slice(oldVersion, newVersion ?? version);
      // An aborted upgrade fails the open, which the caller sees; the transaction's own promise need not be heard.
      tx.done.catch(() => undefined);
      const meter = new UpgradeMeter((count) => options.onUpgradeProgress?.(count), options.upgradeReportMs);
      // Upgrade callbacks are not awaited; a failed step aborts the versionchange transaction, so the open
      // fails and the old data stays as it was.
      void (async () => {
        for (const step of steps) {
          const pending = step(database, tx, meter);
          if (pending) await pending; // Awaiting only when needed keeps the next step synchronous.
        }
      })().catch(() => tx.abort());
    },
    blocked: () => options.onBlocked?.(),
    blocking: () => {
      db?.close(); // Never hold an upgrade hostage: close, then tell the page.
      options.onVersionChange?.();
    },
  });
  return opening.then((opened) => (db = opened));
}
