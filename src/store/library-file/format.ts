/**
 * The records a library file holds, whatever its format version (see LIBRARY-FILE-V2.md / docs), and the error
 * that refuses a file. Pure and DOM-free: the reader and writer run in a worker, and in Node for tests.
 */
import type { DocumentType } from '../../core/types.ts';
import type { DocumentRecord } from '../db.ts';

export const LIBRARY_FORMAT = 'passage-library';
/**
 * The file format this app writes, versioned on its own (the database's schema version may move without it); it
 * reads 1 (one JSON document, which carried the schema version instead) and 2 (JSON lines). Bump it when a reader
 * of the previous version would misread a new file: a field that changes meaning, a new kind of line, a field it
 * must not ignore. A field older readers may safely ignore (as `modelBuild`, added without a bump) needs none.
 * Readers refuse a higher version as made by a newer Passage.
 */
export const LIBRARY_FORMAT_VERSION = 2;

export const DOCUMENT_TYPES: readonly DocumentType[] = ['txt', 'md', 'html', 'pdf', 'docx', 'paste', 'sample'];

/** A document as stored, with its text, less its passage count (its passages say it). */
export type ExportedDocument = Omit<DocumentRecord, 'passageCount' | 'indexedCount'> & { text: string };

export interface LibraryFileVector {
  scale: number;
  q: Int8Array;
}

/** A passage as the writer needs it: offsets into its document's text, its content hash, its vector if any. */
export interface ExportedPassage {
  ordinal: number;
  start: number;
  end: number;
  /** Where its context begins: context = text.slice(contextStart, start); contextStart = start means none. */
  contextStart: number;
  /** sha256 hex of core/split.ts vectorKey({ context, text }). */
  contentHash: string;
  /** Null when the passage was not indexed yet. */
  vector: LibraryFileVector | null;
}

/** A passage as the reader yields it: the slices of the document's text are cut already. */
export interface LibraryFilePassage extends ExportedPassage {
  text: string;
  context: string;
}

export interface ExportedDocumentWithPassages {
  document: ExportedDocument;
  /** In ordinal order from 0. */
  passages: readonly ExportedPassage[];
}

export interface LibraryFileCounts {
  documents: number;
  passages: number;
}

export interface LibraryFileHeader {
  /** 1: the whole-JSON export of schemas 2–4; 2: JSON lines. */
  formatVersion: number;
  modelId: string;
  dims: number;
  /**
   * The hash of the model build that made the vectors (core/model-build.ts); absent in files made before builds
   * were stamped, or by a library that did not know its build.
   */
  modelBuild?: string;
  /** ISO date of the export. */
  exported: string;
  counts: LibraryFileCounts;
}

export type LibraryFileRecord =
  | { kind: 'header'; header: LibraryFileHeader }
  | { kind: 'document'; document: ExportedDocument; passages: LibraryFilePassage[] };

/**
 * A file that cannot be imported. The message names the file and the line (format 2; format 1 is one JSON
 * document, so it names the item instead) and says what is wrong in plain words.
 */
export class LibraryFileError extends Error {
  readonly fileName: string;
  /** 1-based line of the problem; null when it concerns no single line (format 1, a damaged gzip stream). */
  readonly line: number | null;
  readonly reason: string;

  constructor(fileName: string, line: number | null, reason: string, options: { refused?: boolean } = {}) {
    const where = `“${fileName}”${line === null ? '' : `, line ${line}`}`;
    super(
      options.refused
        ? `Passage: import refused: ${where}: ${reason}. Nothing was changed.`
        : `Passage: cannot import ${where}: ${reason}. Nothing was changed.`,
    );
    this.name = 'LibraryFileError';
    this.fileName = fileName;
    this.line = line;
    this.reason = reason;
  }
}

/** Why a model or dimension count does not fit, or null when it does. */
export function modelMismatch(file: { modelId: string; dims: number }, here: { modelId: string; dims: number }): string | null {
  if (file.modelId === here.modelId && file.dims === here.dims) return null;
  return (
    `the file was indexed with model "${file.modelId}" (${file.dims} dimensions), ` +
    `this library uses "${here.modelId}" (${here.dims} dimensions)`
  );
}

/** Why a passage's offsets do not fit its document's text, or null when they do. */
export function offsetsProblem(p: Pick<ExportedPassage, 'start' | 'end' | 'contextStart'>, textLength: number): string | null {
  const ok = 0 <= p.contextStart && p.contextStart <= p.start && p.start < p.end && p.end <= textLength;
  if (ok) return null;
  return (
    `is out of range: it says it runs from character ${p.start} to ${p.end} with context from ${p.contextStart}, ` +
    `but its document has ${textLength} characters`
  );
}
