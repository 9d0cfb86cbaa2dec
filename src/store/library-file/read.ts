/**
 * Reads a library file as a stream of records: the header, then each document with its passages (texts sliced,
 * vectors decoded), so a caller can store one document per transaction while the file is still arriving. Every
 * line is checked as LIBRARY-FILE-V2 says; the first problem throws a LibraryFileError naming the file and line.
 *
 * Format 2 (JSON lines) is read in bounded memory: one line, plus the documents of one hash batch. Format 1 (one
 * JSON document) is parsed whole, as the app always did, and yields the same records. Gzip is undone on the way.
 *
 * Records come out before the end of the file is seen, so a truncated or damaged file fails after some documents
 * were yielded: a caller that must be all-or-nothing reads the file once to check it, then again to store it.
 */
import { decodeInt8 } from './base64.ts';
import {
  DOCUMENT_TYPES,
  LIBRARY_FORMAT,
  LIBRARY_FORMAT_VERSION,
  LibraryFileError,
  modelMismatch,
  offsetsProblem,
  type ExportedDocument,
  type LibraryFileCounts,
  type LibraryFileHeader,
  type LibraryFilePassage,
  type LibraryFileRecord,
} from './format.ts';
import { HASH_BATCH_PASSAGES, verifyHashes } from './hashes.ts';
import { readLines, UnreadableBytesError, type ByteSource } from './lines.ts';
import { readV1 } from './v1.ts';
import type { DocumentType } from '../../core/types.ts';
import { itemAt } from '../checked.ts';

export interface ReadOptions {
  /** Named in error messages. */
  fileName: string;
  /** The library's model and dimension count: a file made with another is refused at its header. */
  modelId: string;
  dims: number;
  /** Bytes of the file read so far (compressed bytes, for a gzipped file), and its size if known. */
  onProgress?: (bytesRead: number, totalBytes: number | null) => void;
  /** Size of a stream source, for progress. */
  totalBytes?: number;
  /**
   * False skips the sha256 checks of texts and passages (every other check stays). Only for a second pass over
   * the same Blob, which cannot change, after a first pass checked them.
   */
  checkHashes?: boolean;
}

export async function* readLibraryFile(source: ByteSource, options: ReadOptions): AsyncGenerator<LibraryFileRecord> {
  const position = { line: 0 };
  const lines = readLines(source, options);
  const nextLine = async (): Promise<string | undefined> => {
    const next = await lines.next();
    if (next.done) return undefined;
    position.line++;
    return next.value;
  };
  try {
    let first = await nextLine();
    while (first !== undefined && first.trim() === '') first = await nextLine();
    if (first === undefined) throw new LibraryFileError(options.fileName, null, 'it is empty');
    const headerLine = position.line;
    const parsed = parseJson(first);
    if (isObject(parsed) && 'formatVersion' in parsed) {
      yield* readV2(parsed, headerLine, { next: nextLine, position }, options);
      return;
    }
    if (parsed !== undefined) {
      yield* readV1(parsed, options);
      return;
    }
    // Not one JSON line: a format 1 file spread over lines (pretty-printed), or a format 2 file whose header is
    // damaged. A format 2 line after it tells them apart without reading the whole file into one string.
    const second = await nextLine();
    const secondValue = second === undefined ? undefined : parseJson(second);
    if (isObject(secondValue) && ('document' in secondValue || 'p' in secondValue || 'end' in secondValue)) {
      throw new LibraryFileError(options.fileName, headerLine, 'the header line is not valid JSON (the file is damaged)');
    }
    const all = second === undefined ? [first] : [first, second];
    for (let line = await nextLine(); line !== undefined; line = await nextLine()) all.push(line);
    const json = parseJson(all.join('\n'));
    if (json === undefined) {
      throw new LibraryFileError(options.fileName, null, 'it is not JSON, so not a Passage library file (or it is cut short)');
    }
    yield* readV1(json, options);
  } catch (error) {
    if (error instanceof UnreadableBytesError) {
      throw new LibraryFileError(options.fileName, error.inLine ? position.line + 1 : null, error.message);
    }
    throw error;
  } finally {
    await lines.return(undefined); // stops reading the source when the caller stops early or a check failed
  }
}

interface LineSource {
  next(): Promise<string | undefined>;
  position: { line: number };
}

interface PendingDocument {
  document: ExportedDocument;
  passages: LibraryFilePassage[];
  line: number;
  passageLines: number[];
}

async function* readV2(
  headerValue: Record<string, unknown>,
  headerLine: number,
  lines: LineSource,
  options: ReadOptions,
): AsyncGenerator<LibraryFileRecord> {
  const fail = (line: number, reason: string, refused = false) => new LibraryFileError(options.fileName, line, reason, { refused });
  const header = parseHeader(headerValue, (reason, refused) => fail(headerLine, reason, refused));
  const mismatch = modelMismatch(header, options);
  if (mismatch) throw fail(headerLine, mismatch, true);
  yield { kind: 'header', header };

  const read: LibraryFileCounts = { documents: 0, passages: 0 };
  let current: PendingDocument | null = null;
  let batch: PendingDocument[] = [];
  let batchPassages = 0;
  let endLine: number | null = null;
  // Documents wait for their hash checks in batches; without checks each one goes out as soon as it is read.
  const batchSize = options.checkHashes === false ? 0 : HASH_BATCH_PASSAGES;

  // A full batch's hashes are computed while the next batch is parsed (WebCrypto digests off the thread), and its
  // documents go out once they are checked: at most two batches are held. (So a damaged line in the next batch
  // may be reported before a hash mismatch in this one: either way the file is refused.)
  let checking: { documents: PendingDocument[]; verified: Promise<void> } | null = null;
  const settle = async function* (): AsyncGenerator<LibraryFileRecord> {
    if (!checking) return;
    const { documents, verified } = checking;
    checking = null;
    await verified;
    for (const { document, passages } of documents) yield { kind: 'document', document, passages };
  };
  const flush = async function* (): AsyncGenerator<LibraryFileRecord> {
    yield* settle();
    const documents = batch;
    batch = [];
    batchPassages = 0;
    if (options.checkHashes === false) {
      for (const { document, passages } of documents) yield { kind: 'document', document, passages };
      return;
    }
    const verified = verifyHashes(documents, (item, p) =>
      p === null
        ? fail(item.line, `the text of "${item.document.title}" does not match its hash (the file was changed or damaged)`)
        : fail(itemAt(item.passageLines, p, 'passage line'), `passage ${p} of "${item.document.title}" does not match its hash (the file was changed or damaged)`),
    );
    verified.catch(() => undefined); // awaited in settle(); a parse error found first must not leave it unhandled
    checking = { documents, verified };
  };

  for (let text = await lines.next(); text !== undefined; text = await lines.next()) {
    const n = lines.position.line;
    if (text.trim() === '') continue;
    if (endLine !== null) throw fail(n, `the file goes on after its end line (line ${endLine})`);
    const value = parseJson(text);
    if (!isObject(value)) throw fail(n, 'is not valid JSON (the file is damaged)');
    if ('p' in value) {
      if (!current) throw fail(n, 'a passage comes before any document');
      current.passages.push(parsePassage(value['p'], current, options.dims, (reason) => fail(n, reason)));
      current.passageLines.push(n);
      read.passages++;
      continue;
    }
    if (current) {
      batch.push(current);
      batchPassages += current.passages.length;
      current = null;
      if (batchPassages >= batchSize) yield* flush();
    }
    if ('document' in value) {
      current = { document: parseDocument(value['document'], (reason) => fail(n, reason)), passages: [], line: n, passageLines: [] };
      read.documents++;
    } else if (value['end'] === true) {
      const counts = parseCounts(value['counts'], (reason) => fail(n, `the end line's ${reason}`));
      if (counts.documents !== read.documents || counts.passages !== read.passages) {
        throw fail(n, `the end line counts ${describe(counts)}, but the file holds ${describe(read)}`);
      }
      if (header.counts.documents !== read.documents || header.counts.passages !== read.passages) {
        throw fail(headerLine, `the header counts ${describe(header.counts)}, but the file holds ${describe(read)}`);
      }
      yield* flush();
      yield* settle();
      endLine = n;
    } else {
      throw fail(n, 'is neither a document, a passage nor the end line');
    }
  }
  if (endLine === null) {
    throw fail(
      lines.position.line,
      `the file ends after ${describe(read)} without its end line: it is incomplete (an interrupted download or copy?)`,
    );
  }
}

function describe(counts: LibraryFileCounts): string {
  return `${counts.documents} documents and ${counts.passages} passages`;
}

type Fail = (reason: string, refused?: boolean) => LibraryFileError;

function parseHeader(value: Record<string, unknown>, fail: Fail): LibraryFileHeader {
  if (value['format'] !== LIBRARY_FORMAT) throw fail('this is not a Passage library file');
  const formatVersion = value['formatVersion'];
  if (isCount(formatVersion) && formatVersion > LIBRARY_FORMAT_VERSION) {
    throw fail(
      `it was made by a newer Passage (library file format ${formatVersion}; this Passage reads formats 1 to ` +
        `${LIBRARY_FORMAT_VERSION}): reload Passage to update it, then import the file again`,
      true,
    );
  }
  if (formatVersion !== LIBRARY_FORMAT_VERSION) {
    throw fail(`its format version ${JSON.stringify(formatVersion)} is not one Passage ever wrote (this Passage reads formats 1 to ${LIBRARY_FORMAT_VERSION})`, true);
  }
  const modelId = value['modelId'];
  const dims = value['dims'];
  const modelBuild = value['modelBuild'];
  const exported = value['exported'];
  if (typeof modelId !== 'string') throw fail('the header has no model id');
  if (!isCount(dims) || dims === 0) throw fail('the header has no dimension count');
  if (modelBuild !== undefined && (typeof modelBuild !== 'string' || modelBuild === '')) throw fail("the header's model build is not a hash");
  if (typeof exported !== 'string') throw fail('the header has no export date');
  const counts = parseCounts(value['counts'], (reason) => fail(`the header's ${reason}`));
  return { formatVersion, modelId, dims, ...(modelBuild === undefined ? {} : { modelBuild }), exported, counts };
}

function parseCounts(value: unknown, fail: Fail): LibraryFileCounts {
  if (!isObject(value) || !isCount(value['documents']) || !isCount(value['passages'])) {
    throw fail('counts are missing or not whole numbers');
  }
  return { documents: value['documents'], passages: value['passages'] };
}

function parseDocument(value: unknown, fail: Fail): ExportedDocument {
  if (!isObject(value)) throw fail('the document is not an object');
  const title = value['title'];
  if (typeof title !== 'string') throw fail('the document has no title');
  const field = (name: string, ok: (v: unknown) => boolean, what: string): unknown => {
    if (!ok(value[name])) throw fail(`document "${title}": its ${name} is not ${what}`);
    return value[name];
  };
  const id = field('id', (v) => typeof v === 'string' && v !== '', 'a non-empty string') as string;
  const type = field('type', (v) => DOCUMENT_TYPES.includes(v as DocumentType), `one of ${DOCUMENT_TYPES.join(', ')}`) as DocumentType;
  const size = field('size', isCount, 'a whole number') as number;
  const sha256 = field('sha256', (v) => typeof v === 'string', 'a string') as string;
  const added = field('added', (v) => typeof v === 'number' && Number.isFinite(v), 'a number') as number;
  const splitRecipe = field('splitRecipe', (v) => v === undefined || isCount(v), 'a whole number') as number | undefined;
  const text = field('text', (v) => typeof v === 'string', 'a string') as string;
  return { id, title, type, size, sha256, added, ...(splitRecipe === undefined ? {} : { splitRecipe }), text };
}

function parsePassage(value: unknown, owner: PendingDocument, dims: number, fail: Fail): LibraryFilePassage {
  const expected = owner.passages.length;
  const { title, text } = owner.document;
  if (!Array.isArray(value) || value.length !== 7) {
    throw fail(`passage ${expected} of "${title}" is not a list of 7 values [ordinal, start, end, contextStart, contentHash, scale, vector]`);
  }
  const [ordinal, start, end, contextStart, contentHash, scale, q] = value as unknown[];
  if (!isCount(ordinal) || !isCount(start) || !isCount(end) || !isCount(contextStart)) {
    throw fail(`passage ${expected} of "${title}": its ordinal and offsets are not all whole numbers`);
  }
  if (ordinal !== expected) {
    throw fail(`passage ${ordinal} of "${title}" is out of order: passage ${expected} was expected here (passages come in order from 0)`);
  }
  const problem = offsetsProblem({ start, end, contextStart }, text.length);
  if (problem) throw fail(`passage ${ordinal} of "${title}" ${problem}`);
  if (typeof contentHash !== 'string') throw fail(`passage ${ordinal} of "${title}" has no content hash`);
  let vector: LibraryFilePassage['vector'] = null;
  if (scale !== null || q !== null) {
    if (typeof scale !== 'number' || !Number.isFinite(scale) || scale < 0) {
      throw fail(`passage ${ordinal} of "${title}": its vector's scale is not a number ≥ 0`);
    }
    const codes = typeof q === 'string' ? decodeInt8(q, dims) : null;
    if (!codes) throw fail(`passage ${ordinal} of "${title}": its vector is not base64 of exactly ${dims} bytes (one per dimension)`);
    vector = { scale, q: codes };
  }
  return { ordinal, start, end, contextStart, contentHash, text: text.slice(start, end), context: text.slice(contextStart, start), vector };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}
