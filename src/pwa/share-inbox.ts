/**
 * The page's side of "Share → Passage": takes what the service worker kept in the share inbox (share-target-sw.ts
 * writes it) and turns it into files and texts for the normal import path.
 *
 * Every share is claimed by deleting its `meta` entry first — `Cache.delete` answers true to one caller only — so
 * two tabs opened at once never import the same share twice. Its files are read, then deleted. Files whose meta
 * never came (the worker stopped half-way) are removed once they are an hour old.
 */

import type { ImportedText } from '../core/types.ts';
import { titleFromText } from '../import/detect.ts';
import { hasReadableText, normalizeText } from '../import/normalize.ts';

export const SHARE_INBOX_CACHE = 'passage-share-inbox';
const ORPHAN_AGE_MS = 60 * 60 * 1000;

/** One share as the service worker recorded it. */
export interface SharedMeta {
  id: string;
  received: number;
  title: string;
  text: string;
  url: string;
  files: { key: string; name: string; type: string }[];
}

/** What a share brings: files for the file importer, and the shared title/text/URL (empty strings when absent). */
export interface Share {
  id: string;
  title: string;
  text: string;
  url: string;
  files: File[];
  /** Files listed in the share that were no longer in the inbox. */
  missing: string[];
}

/** The subset of CacheStorage the inbox needs (Node tests pass an in-memory one). */
export interface CacheStorageLike {
  open(name: string): Promise<CacheLike>;
}
export interface CacheLike {
  keys(): Promise<readonly { url: string }[]>;
  match(url: string): Promise<Response | undefined>;
  delete(url: string): Promise<boolean>;
}

/** Takes every complete share out of the inbox, oldest first. */
export async function takeShares(storage: CacheStorageLike, now = Date.now()): Promise<Share[]> {
  const cache = await storage.open(SHARE_INBOX_CACHE);
  const keys = (await cache.keys()).map((request) => request.url);
  const metaKeys = keys.filter((url) => url.endsWith('/meta'));
  const shares: Share[] = [];
  for (const key of metaKeys) {
    const response = await cache.match(key);
    if (!response) continue;
    // Read back from storage, so no field is taken on trust; a meta without an id is dropped like one that is not JSON.
    const meta = (await response.json().catch(() => null)) as Partial<SharedMeta> | null;
    if (typeof meta?.id !== 'string') {
      await cache.delete(key);
      continue;
    }
    if (!(await cache.delete(key))) continue; // another tab claimed it
    const files: File[] = [];
    const missing: string[] = [];
    for (const entry of meta.files ?? []) {
      const stored = await cache.match(entry.key);
      if (stored) files.push(new File([await stored.blob()], entry.name || 'shared file', { type: entry.type }));
      else missing.push(entry.name);
      await cache.delete(entry.key);
    }
    shares.push({ id: meta.id, title: meta.title ?? '', text: meta.text ?? '', url: meta.url ?? '', files, missing });
  }
  shares.sort((a, b) => a.id.localeCompare(b.id));

  const claimed = new Set(metaKeys.map((key) => key.slice(0, -'meta'.length)));
  for (const key of keys) {
    const folder = key.replace(/[^/]*$/, '');
    if (claimed.has(folder) || key.endsWith('/meta')) continue;
    const received = parseInt(/share-inbox\/([0-9a-z]+)-/.exec(key)?.[1] ?? '', 36);
    if (!Number.isFinite(received) || now - received > ORPHAN_AGE_MS) await cache.delete(key);
  }
  return shares;
}

/**
 * The shared title, text and URL as one text document (like pasted text), or null when only files were shared or
 * the text has nothing to search. The URL is kept as text — Passage never fetches it — unless the text already holds
 * it (browsers often put the URL in both).
 */
export function sharedDocument(share: Pick<Share, 'title' | 'text' | 'url'>): ImportedText | null {
  const text = share.text.trim();
  const url = share.url.trim();
  const title = share.title.trim();
  const parts = [text, url && !text.includes(url) ? url : ''].filter(Boolean);
  if (!parts.length) return null;
  // A page shared with only its title and address: the title is the best text it has.
  if (!text && title) parts.unshift(title);
  const raw = parts.join('\n\n');
  const body = normalizeText(raw);
  if (!hasReadableText(body)) return null;
  return { title: title || titleFromText(body), type: 'paste', text: body, size: new TextEncoder().encode(raw).length };
}
