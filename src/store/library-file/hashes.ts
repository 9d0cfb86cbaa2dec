/**
 * Content-hash checks in parallel batches. WebCrypto's digest is asynchronous and runs off the calling thread,
 * so awaiting one hash per passage costs a round trip each (the v1 importer's 161 s at 100k passages was partly
 * that); issuing a batch at once and awaiting them together keeps the hashing threads busy.
 */
import { sha256Hex } from '../../core/hash.ts';
import { vectorKey } from '../../core/split.ts';
import type { ExportedDocument, LibraryFilePassage } from './format.ts';
import { itemAt } from '../checked.ts';

/** Passages whose hashes are checked together; a batch holds whole documents, so it may hold more. */
export const HASH_BATCH_PASSAGES = 1024;

export interface DocumentToCheck {
  document: ExportedDocument;
  passages: readonly LibraryFilePassage[];
}

/**
 * Checks the sha256 of every document's text and the content hash of every passage; throws `failure(...)` of the
 * first mismatch in file order.
 */
export async function verifyHashes<T extends DocumentToCheck>(
  batch: readonly T[],
  failure: (item: T, passageIndex: number | null) => Error,
): Promise<void> {
  const digests: Promise<string>[] = [];
  for (const { document, passages } of batch) {
    digests.push(sha256Hex(document.text));
    for (const passage of passages) digests.push(sha256Hex(vectorKey(passage)));
  }
  const actual = await Promise.all(digests);
  let i = 0;
  for (const item of batch) {
    if (actual[i++] !== item.document.sha256) throw failure(item, null);
    for (let p = 0; p < item.passages.length; p++) {
      if (actual[i++] !== itemAt(item.passages, p, 'passage').contentHash) throw failure(item, p);
    }
  }
}
