/**
 * Writes a library file in format 2 as a byte stream, one document at a time as the consumer pulls, so export
 * never holds more than a chunk of lines (and one document) in memory — the v1 export built one string of the
 * whole library (382 MB at 300k passages, near V8's string limit).
 */
import { encodeInt8 } from './base64.ts';
import {
  LIBRARY_FORMAT,
  LIBRARY_FORMAT_VERSION,
  offsetsProblem,
  type ExportedDocumentWithPassages,
  type LibraryFileCounts,
} from './format.ts';
import { itemAt } from '../checked.ts';

export interface WriteHeader {
  modelId: string;
  dims: number;
  /** The model build that made the vectors (core/model-build.ts), when the library knows it. */
  modelBuild?: string;
  /** What the documents will add up to; the header says it up front (for the reader's progress). */
  counts: LibraryFileCounts;
  /** ISO date; now by default. */
  exported?: string;
}

export interface WriteOptions {
  /** Compress with gzip (readers detect it by its first bytes). */
  gzip?: boolean;
}

/** Lines are gathered into chunks of about this many characters before encoding. */
const CHUNK_CHARS = 1 << 18;

/**
 * The file's bytes. The stream errors (the file must not be used) if the documents do not add up to
 * `header.counts`, for instance because the library changed while it was read, or if a passage is malformed.
 */
export function writeLibraryFile(
  documents: AsyncIterable<ExportedDocumentWithPassages>,
  header: WriteHeader,
  options: WriteOptions = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = documents[Symbol.asyncIterator]();
  const written: LibraryFileCounts = { documents: 0, passages: 0 };
  let started = false;
  let finished = false;
  const plain = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const lines: string[] = [];
      let chars = 0;
      const add = (line: string) => {
        lines.push(line);
        chars += line.length + 1;
      };
      if (!started) {
        started = true;
        add(
          JSON.stringify({
            format: LIBRARY_FORMAT,
            formatVersion: LIBRARY_FORMAT_VERSION,
            modelId: header.modelId,
            dims: header.dims,
            ...(header.modelBuild === undefined ? {} : { modelBuild: header.modelBuild }),
            exported: header.exported ?? new Date().toISOString(),
            counts: header.counts,
          }),
        );
      }
      while (chars < CHUNK_CHARS && !finished) {
        const next = await iterator.next();
        if (next.done) {
          finished = true;
          const { counts } = header;
          if (counts.documents !== written.documents || counts.passages !== written.passages) {
            throw new Error(
              `Passage: the export was stopped: the header announced ${counts.documents} documents and ${counts.passages} ` +
                `passages but ${written.documents} and ${written.passages} were written (did the library change meanwhile?)`,
            );
          }
          add(JSON.stringify({ end: true, counts: written }));
        } else {
          for (const line of documentLines(next.value, header.dims)) add(line);
          written.documents++;
          written.passages += next.value.passages.length;
        }
      }
      controller.enqueue(encoder.encode(lines.join('\n') + '\n'));
      if (finished) controller.close();
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return options.gzip ? plain.pipeThrough(new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>) : plain;
}

function* documentLines({ document, passages }: ExportedDocumentWithPassages, dims: number): Generator<string> {
  const { id, title, type, size, sha256, added, splitRecipe, text } = document;
  yield JSON.stringify({ document: { id, title, type, size, sha256, added, ...(splitRecipe === undefined ? {} : { splitRecipe }), text } });
  for (let i = 0; i < passages.length; i++) {
    const p = itemAt(passages, i, 'passage');
    // The reader refuses these; failing here names the cause instead of producing a file that cannot be imported.
    const problem = p.ordinal !== i ? `is out of order (expected ${i})` : offsetsProblem(p, text.length);
    if (problem) throw new Error(`Passage: cannot export: passage ${p.ordinal} of "${title}" ${problem}`);
    if (p.vector && p.vector.q.length !== dims) {
      throw new Error(`Passage: cannot export: passage ${p.ordinal} of "${title}" has ${p.vector.q.length} dimensions, not ${dims}`);
    }
    const vector = p.vector ? [p.vector.scale, encodeInt8(p.vector.q)] : [null, null];
    yield JSON.stringify({ p: [p.ordinal, p.start, p.end, p.contextStart, p.contentHash, ...vector] });
  }
}
