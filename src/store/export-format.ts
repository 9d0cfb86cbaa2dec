/**
 * The library export file: one UTF-8 JSON document.
 *
 * ```
 * { format: 'passage-library', schemaVersion, modelId, dims, exported: ISO date,
 *   counts: { documents, passages, vectors },
 *   documents: [{ id, title, type, size, sha256, added, splitRecipe?, text }],
 *   passages:  [{ docId, ordinal, start, end, contextStart, contentHash }],
 *              // text = document.text.slice(start, end), context = document.text.slice(contextStart, start);
 *              // schema 2 files have no contextStart (no context: contextStart = start)
 *   vectors:   [{ contentHash, scale, q: base64 of the int8 bytes }] }
 * ```
 * Passage texts are not repeated (they are slices of their document's text) and vectors are int8 in base64
 * (512 characters for 384 dims), so the file stays close to the size of the texts themselves.
 * This module only converts and validates shapes; export.ts does the database work.
 */
import type { DocumentType } from '../app/api.ts';
import type { DocumentRecord } from './db.ts';

export const EXPORT_FORMAT = 'passage-library';

/** A document as stored with its text, less its counts (the file's passages and vectors say them). */
export type ExportedDocument = Omit<DocumentRecord, 'passageCount' | 'indexedCount'> & { text: string };

export interface ExportedPassage {
  docId: string;
  ordinal: number;
  start: number;
  end: number;
  /** Where the passage's context begins (see PassageRecord.context). */
  contextStart: number;
  contentHash: string;
}

export interface ExportedVector {
  contentHash: string;
  scale: number;
  q: string;
}

export interface LibraryFile {
  format: typeof EXPORT_FORMAT;
  schemaVersion: number;
  modelId: string;
  dims: number;
  exported: string;
  counts: { documents: number; passages: number; vectors: number };
  documents: ExportedDocument[];
  passages: ExportedPassage[];
  vectors: ExportedVector[];
}

const DOCUMENT_TYPES: readonly DocumentType[] = ['txt', 'md', 'html', 'pdf', 'docx', 'paste', 'sample'];

export function encodeInt8(q: Int8Array): string {
  const bytes = new Uint8Array(q.buffer, q.byteOffset, q.byteLength);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function decodeInt8(base64: string): Int8Array {
  const binary = atob(base64);
  const q = new Int8Array(binary.length);
  for (let i = 0; i < binary.length; i++) q[i] = (binary.charCodeAt(i) << 24) >> 24; // byte → signed
  return q;
}

/** Checks the shape of a parsed file; throws an Error saying what is wrong. Header checks are the caller's. */
export function parseLibraryFile(json: unknown): LibraryFile {
  const file = record(json, 'the file');
  if (file['format'] !== EXPORT_FORMAT) throw invalid('this is not a Passage library export');
  const counts = record(file['counts'], 'counts');
  const parsed: LibraryFile = {
    format: EXPORT_FORMAT,
    schemaVersion: num(file['schemaVersion'], 'schemaVersion'),
    modelId: str(file['modelId'], 'modelId'),
    dims: num(file['dims'], 'dims'),
    exported: str(file['exported'], 'exported'),
    counts: {
      documents: num(counts['documents'], 'counts.documents'),
      passages: num(counts['passages'], 'counts.passages'),
      vectors: num(counts['vectors'], 'counts.vectors'),
    },
    documents: list(file['documents'], 'documents').map((value, i) => {
      const d = record(value, `documents[${i}]`);
      const type = str(d['type'], `documents[${i}].type`);
      if (!DOCUMENT_TYPES.includes(type as DocumentType)) throw invalid(`documents[${i}] has unknown type "${type}"`);
      return {
        id: str(d['id'], `documents[${i}].id`),
        title: str(d['title'], `documents[${i}].title`),
        type: type as DocumentType,
        size: num(d['size'], `documents[${i}].size`),
        sha256: str(d['sha256'], `documents[${i}].sha256`),
        added: num(d['added'], `documents[${i}].added`),
        ...(d['splitRecipe'] === undefined ? {} : { splitRecipe: num(d['splitRecipe'], `documents[${i}].splitRecipe`) }),
        text: str(d['text'], `documents[${i}].text`),
      };
    }),
    passages: list(file['passages'], 'passages').map((value, i) => {
      const p = record(value, `passages[${i}]`);
      const start = num(p['start'], `passages[${i}].start`);
      return {
        docId: str(p['docId'], `passages[${i}].docId`),
        ordinal: num(p['ordinal'], `passages[${i}].ordinal`),
        start,
        end: num(p['end'], `passages[${i}].end`),
        contextStart: p['contextStart'] === undefined ? start : num(p['contextStart'], `passages[${i}].contextStart`),
        contentHash: str(p['contentHash'], `passages[${i}].contentHash`),
      };
    }),
    vectors: list(file['vectors'], 'vectors').map((value, i) => {
      const v = record(value, `vectors[${i}]`);
      return {
        contentHash: str(v['contentHash'], `vectors[${i}].contentHash`),
        scale: num(v['scale'], `vectors[${i}].scale`),
        q: str(v['q'], `vectors[${i}].q`),
      };
    }),
  };
  const { counts: c } = parsed;
  if (c.documents !== parsed.documents.length || c.passages !== parsed.passages.length || c.vectors !== parsed.vectors.length) {
    throw invalid('the counts in the header do not match the contents (truncated file?)');
  }
  return parsed;
}

function invalid(reason: string): Error {
  return new Error(`Passage: cannot import this file: ${reason}.`);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${what} is not an object`);
  return value as Record<string, unknown>;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(`${what} is not a list`);
  return value;
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw invalid(`${what} is not a string`);
  return value;
}

function num(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`${what} is not a number`);
  return value;
}
