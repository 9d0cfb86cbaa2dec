/**
 * What the status line says while the stored library is upgraded to this version's schema (store/db.ts): a
 * 100k-passage library takes a minute or more, and "Starting…" for that long looks like a hang. Pure; unit-tested.
 */
import type { UpgradeProgress } from '../app/api.ts';
import { plural } from './format.ts';

export interface UpgradeStatus {
  /** What is happening. */
  label: string;
  /** How far: "40,000 of 100,000 passages…". */
  numbers: string;
  /** What the person should (not) do. */
  advice: string;
}

export function upgradeStatus(progress: UpgradeProgress): UpgradeStatus {
  const numbers = `${progress.done.toLocaleString()} of ${plural(progress.total, 'passage')}…`;
  return progress.elsewhere
    ? { label: 'Another Passage tab is updating your library for this version of Passage:', numbers, advice: 'This tab continues when it is done.' }
    : { label: 'Updating your library for this version of Passage:', numbers, advice: 'Nothing is lost — keep this tab open until it is done.' };
}
