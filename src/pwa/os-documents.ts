/**
 * Documents the operating system sends to the installed app, turned into one kind of delivery for the shell:
 * - "Open with Passage" (manifest `file_handlers`): the files arrive through `window.launchQueue`;
 * - "Share → Passage" (manifest `share_target`): the service worker kept them in the share inbox and opened
 *   `./?share=<id>` (share-target-sw.ts); they are taken out here (share-inbox.ts).
 * Files go on to the normal file import; shared text, title and URL become one text document.
 */
import type { ImportedText } from '../core/types.ts';
import { sharedDocument, takeShares, type CacheStorageLike } from './share-inbox.ts';

export interface OsDelivery {
  source: 'share' | 'open';
  /** For the file importer, as if picked or dropped. */
  files: File[];
  /** Shared text (with its title and URL), ready to add. */
  texts: ImportedText[];
  /** Messages for the user about what could not be taken. */
  problems: string[];
}

export type DeliverySink = (delivery: OsDelivery) => Promise<void> | void;

/** The File Handling API's launch queue (not in TypeScript's DOM types yet). */
export interface LaunchParamsLike {
  readonly files?: readonly { kind: string; name: string; getFile?: () => Promise<File> }[];
}
export interface LaunchQueueLike {
  setConsumer(consumer: (params: LaunchParamsLike) => unknown): void;
}

export interface OsDocumentsScope {
  launchQueue?: LaunchQueueLike;
  caches?: CacheStorageLike;
  location: { href: string };
  history: { replaceState(data: unknown, unused: string, url: string): void };
}

/** Starts listening; the returned promise settles once the share inbox has been read (tests wait for it). */
export function receiveOsDocuments(sink: DeliverySink, scope: OsDocumentsScope = browserScope()): Promise<void> {
  scope.launchQueue?.setConsumer((params) => deliverLaunched(params, sink));
  return deliverShares(sink, scope).catch((error: unknown) => {
    console.error('Passage: the shared items could not be read', error);
    return sink({ source: 'share', files: [], texts: [], problems: ['What was shared to Passage could not be read; please share it again.'] });
  });
}

function browserScope(): OsDocumentsScope {
  const scope = globalThis as unknown as { launchQueue?: LaunchQueueLike };
  return {
    launchQueue: scope.launchQueue,
    caches: typeof caches === 'undefined' ? undefined : caches,
    location,
    history,
  };
}

async function deliverLaunched(params: LaunchParamsLike, sink: DeliverySink) {
  const files: File[] = [];
  const problems: string[] = [];
  for (const handle of params.files ?? []) {
    if (handle.kind !== 'file' || !handle.getFile) continue;
    try {
      files.push(await handle.getFile());
    } catch (error) {
      console.warn(`Passage: could not open ${handle.name}`, error);
      problems.push(`“${handle.name}” could not be opened (the system did not let Passage read it).`);
    }
  }
  if (files.length || problems.length) await sink({ source: 'open', files, texts: [], problems });
}

async function deliverShares(sink: DeliverySink, scope: OsDocumentsScope) {
  const page = new URL(scope.location.href);
  const flag = page.searchParams.get('share');
  if (flag !== null) {
    // The address is the app's again: a reload must not look like a second share.
    page.searchParams.delete('share');
    scope.history.replaceState(null, '', page.pathname + page.search + page.hash);
  }
  const problems: string[] = [];
  if (flag === 'failed') problems.push('What was shared to Passage could not be kept; please share it again.');
  const files: File[] = [];
  const texts: ImportedText[] = [];
  for (const share of scope.caches ? await takeShares(scope.caches) : []) {
    files.push(...share.files);
    for (const name of share.missing) problems.push(`“${name}” was shared but could not be kept; please share it again.`);
    const document = sharedDocument(share);
    if (document) texts.push(document);
    else if (share.text.trim() || share.url.trim()) problems.push('The shared text has no words to search.');
  }
  if (files.length || texts.length || problems.length) await sink({ source: 'share', files, texts, problems });
}
