/**
 * Format 1, the library file before streaming: one JSON document, written by the app at database schemas 2–4.
 *
 * ```
 * { format: 'passage-library', schemaVersion, modelId, dims, exported: ISO date,
 *   counts: { documents, passages, vectors },
 *   documents: [{ id, title, type, size, sha256, added, splitRecipe?, text }],
 *   passages:  [{ docId, ordinal, start, end, contextStart, contentHash }],  // schema 2: no contextStart
 *   vectors:   [{ contentHash, scale, q: base64 of the int8 bytes }] }
 * ```
 * Such files are at most a few hundred thousand passages (beyond that they hit V8's string limit when written), so
 * they are parsed whole, as before; this turns them into the same records as format 2.
 */
import { decodeInt8 } from './base64.ts';
import {
  DOCUMENT_TYPES,
  LIBRARY_FORMAT,
  LibraryFileError,
  modelMismatch,
  offsetsProblem,
  type ExportedDocument,
  type LibraryFilePassage,
  type LibraryFileRecord,
  type LibraryFileVector,
} from './format.ts';
import { HASH_BATCH_PASSAGES, verifyHashes } from './hashes.ts';
import type { DocumentType } from '../../core/types.ts';
import { itemAt } from '../checked.ts';

/**
 * Schema 2 files differ from later ones only in lacking passage context (none, then); schema 4 moved texts to
 * their own store in the database but not in the file; from schema 5 on, the app writes format 2.
 */
export const V1_SCHEMA_VERSIONS = { oldest: 2, newest: 4 } as const;

export interface V1Options {
  fileName: string;
  modelId: string;
  dims: number;
  checkHashes?: boolean;
}

export async function* readV1(json: unknown, options: V1Options): AsyncGenerator<LibraryFileRecord> {
  const fail = (reason: string, refused = false) => new LibraryFileError(options.fileName, null, reason, { refused });
  const file = object(json, 'the file', fail);
  if (file['format'] !== LIBRARY_FORMAT) throw fail('this is not a Passage library export');
  const schemaVersion = num(file['schemaVersion'], 'schemaVersion', fail);
  if (schemaVersion < V1_SCHEMA_VERSIONS.oldest || schemaVersion > V1_SCHEMA_VERSIONS.newest) {
    throw fail(
      `the file has library schema version ${schemaVersion}, ` +
        `this app reads versions ${V1_SCHEMA_VERSIONS.oldest} to ${V1_SCHEMA_VERSIONS.newest} (and format 2 files)`,
      true,
    );
  }
  const modelId = str(file['modelId'], 'modelId', fail);
  const dims = num(file['dims'], 'dims', fail);
  const mismatch = modelMismatch({ modelId, dims }, options);
  if (mismatch) throw fail(mismatch, true);
  const exported = str(file['exported'], 'exported', fail);
  const counts = object(file['counts'], 'counts', fail);

  const documents = list(file['documents'], 'documents', fail).map((value, i) => parseDocument(value, `documents[${i}]`, fail));
  const vectors = new Map<string, LibraryFileVector>();
  list(file['vectors'], 'vectors', fail).forEach((value, i) => {
    const v = object(value, `vectors[${i}]`, fail);
    const contentHash = str(v['contentHash'], `vectors[${i}].contentHash`, fail);
    const scale = num(v['scale'], `vectors[${i}].scale`, fail);
    if (scale < 0) throw fail(`vectors[${i}].scale is negative`);
    const q = decodeInt8(str(v['q'], `vectors[${i}].q`, fail), dims);
    if (!q) throw fail(`vectors[${i}] is not base64 of exactly ${dims} bytes (one per dimension)`);
    vectors.set(contentHash, { scale, q });
  });
  const byDocument = new Map<string, { document: ExportedDocument; passages: LibraryFilePassage[]; where: string[] }>();
  for (const document of documents) byDocument.set(document.id, { document, passages: [], where: [] });
  const passages = list(file['passages'], 'passages', fail);
  passages.forEach((value, i) => {
    const where = `passages[${i}]`;
    const p = object(value, where, fail);
    const docId = str(p['docId'], `${where}.docId`, fail);
    const start = num(p['start'], `${where}.start`, fail);
    const end = num(p['end'], `${where}.end`, fail);
    const contextStart = p['contextStart'] === undefined ? start : num(p['contextStart'], `${where}.contextStart`, fail);
    const ordinal = num(p['ordinal'], `${where}.ordinal`, fail);
    const contentHash = str(p['contentHash'], `${where}.contentHash`, fail);
    const owner = byDocument.get(docId);
    if (!owner) throw fail(`${where} belongs to a missing document ${docId}`);
    const { text } = owner.document;
    const problem = offsetsProblem({ start, end, contextStart }, text.length);
    if (problem) throw fail(`${where} (a passage of "${owner.document.title}") ${problem}`);
    owner.passages.push({
      ordinal,
      start,
      end,
      contextStart,
      contentHash,
      text: text.slice(start, end),
      context: text.slice(contextStart, start),
      vector: vectors.get(contentHash) ?? null,
    });
    owner.where.push(where);
  });
  const declared = {
    documents: num(counts['documents'], 'counts.documents', fail),
    passages: num(counts['passages'], 'counts.passages', fail),
    vectors: num(counts['vectors'], 'counts.vectors', fail),
  };
  const actual = { documents: documents.length, passages: passages.length, vectors: list(file['vectors'], 'vectors', fail).length };
  if (declared.documents !== actual.documents || declared.passages !== actual.passages || declared.vectors !== actual.vectors) {
    throw fail('the counts in the header do not match the contents (truncated file?)');
  }

  yield {
    kind: 'header',
    header: { formatVersion: 1, modelId, dims, exported, counts: { documents: actual.documents, passages: actual.passages } },
  };
  const items = [...byDocument.values()];
  for (const item of items) {
    item.passages.sort((a, b) => a.ordinal - b.ordinal);
    item.passages.forEach((p, i) => {
      // Format 1 never required ordinals from 0 without gaps, only distinct ones.
      if (i > 0 && itemAt(item.passages, i - 1, 'passage').ordinal === p.ordinal) throw fail(`"${item.document.title}" has passage ${p.ordinal} twice`);
    });
  }
  for (let from = 0; from < items.length; ) {
    const batch: typeof items = [];
    for (let passages = 0; from < items.length && passages < HASH_BATCH_PASSAGES; from++) {
      const next = itemAt(items, from, 'document');
      batch.push(next);
      passages += next.passages.length;
    }
    if (options.checkHashes !== false) {
      await verifyHashes(batch, (item, p) =>
        p === null
          ? fail(`the text of "${item.document.title}" does not match its hash`)
          : fail(`a passage of "${item.document.title}" (ordinal ${itemAt(item.passages, p, 'passage').ordinal}) does not match its hash`),
      );
    }
    for (const { document, passages } of batch) yield { kind: 'document', document, passages };
  }
}

type Fail = (reason: string) => LibraryFileError;

function parseDocument(value: unknown, where: string, fail: Fail): ExportedDocument {
  const d = object(value, where, fail);
  const type = str(d['type'], `${where}.type`, fail);
  if (!DOCUMENT_TYPES.includes(type as DocumentType)) throw fail(`${where} has unknown type "${type}"`);
  return {
    id: str(d['id'], `${where}.id`, fail),
    title: str(d['title'], `${where}.title`, fail),
    type: type as DocumentType,
    size: num(d['size'], `${where}.size`, fail),
    sha256: str(d['sha256'], `${where}.sha256`, fail),
    added: num(d['added'], `${where}.added`, fail),
    ...(d['splitRecipe'] === undefined ? {} : { splitRecipe: num(d['splitRecipe'], `${where}.splitRecipe`, fail) }),
    text: str(d['text'], `${where}.text`, fail),
  };
}

function object(value: unknown, what: string, fail: Fail): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw fail(what === 'the file' ? 'this is not a Passage library export' : `${what} is not an object`);
  }
  return value as Record<string, unknown>;
}

function list(value: unknown, what: string, fail: Fail): unknown[] {
  if (!Array.isArray(value)) throw fail(`${what} is not a list`);
  return value;
}

function str(value: unknown, what: string, fail: Fail): string {
  if (typeof value !== 'string') throw fail(`${what} is not a string`);
  return value;
}

function num(value: unknown, what: string, fail: Fail): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(`${what} is not a number`);
  return value;
}
