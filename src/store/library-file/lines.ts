/**
 * A byte source as lines of text, in bounded memory: gzip is detected by its magic bytes (1f 8b) and undone by
 * `DecompressionStream`, UTF-8 is decoded in streaming mode (a character split across two chunks stays whole,
 * invalid UTF-8 is an error), and lines are cut at '\n' whatever the chunk boundaries. Progress counts the bytes
 * of the source as stored (compressed, if it is).
 */
export type ByteSource = Blob | ReadableStream<Uint8Array>;

export interface LineOptions {
  onProgress?: (bytesRead: number, totalBytes: number | null) => void;
  /** Size of a stream source, for progress; a Blob knows its own. */
  totalBytes?: number;
}

/** Something in the bytes is not text: not UTF-8 (in the line being read), or a damaged gzip stream (anywhere). */
export class UnreadableBytesError extends Error {
  readonly inLine: boolean;

  constructor(message: string, inLine: boolean) {
    super(message);
    this.inLine = inLine;
  }
}

/** Yields every line (without its '\n'; a '\r' before it stays, JSON.parse ignores it), the last one too. */
export async function* readLines(source: ByteSource, options: LineOptions = {}): AsyncGenerator<string> {
  const parts: string[] = []; // pieces of a line that spans chunks (a whole document line can be megabytes)
  for await (const text of readText(source, options)) {
    let from = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', from)) {
      const piece = text.slice(from, newline);
      if (parts.length > 0) {
        parts.push(piece);
        yield parts.join('');
        parts.length = 0;
      } else {
        yield piece;
      }
      from = newline + 1;
    }
    if (from < text.length) parts.push(text.slice(from));
  }
  if (parts.length > 0) yield parts.join('');
}

/** Decoded text, chunk by chunk. */
export async function* readText(source: ByteSource, options: LineOptions = {}): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const bytes of decompressed(source, options)) {
    const text = decode(decoder, bytes);
    if (text !== '') yield text;
  }
  const rest = decode(decoder);
  if (rest !== '') yield rest;
}

function decode(decoder: TextDecoder, bytes?: Uint8Array): string {
  try {
    return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
  } catch {
    throw new UnreadableBytesError('it is not UTF-8 text', true);
  }
}

async function* decompressed(source: ByteSource, options: LineOptions): AsyncGenerator<Uint8Array> {
  const total = isBlob(source) ? source.size : (options.totalBytes ?? null);
  let bytesRead = 0;
  const counted = mapChunks(isBlob(source) ? source.stream() : source, (chunk) => {
    bytesRead += chunk.byteLength;
    options.onProgress?.(bytesRead, total);
  });
  // Peek at the first two bytes (a stream may hand them over one at a time).
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let next = await counted.next();
  while (!next.done && headBytes + next.value.byteLength < 2) {
    head.push(next.value);
    headBytes += next.value.byteLength;
    next = await counted.next();
  }
  if (!next.done) head.push(next.value);
  const first = concat(head);
  const rest: AsyncGenerator<Uint8Array> = (async function* () {
    if (first.byteLength > 0) yield first;
    if (next.done) return;
    yield* counted;
  })();
  try {
    if (first[0] === 0x1f && first[1] === 0x8b) yield* gunzipped(rest);
    else yield* rest;
  } finally {
    await counted.return(undefined); // cancels the source if we stopped early
  }
}

async function* gunzipped(chunks: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  const source = { error: undefined as unknown };
  const inflated = chunksOf(toStream(chunks, source).pipeThrough(gunzip()));
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await inflated.next();
      } catch {
        // A failure of the source comes through the decompressor: pass it on as it is. Anything else is the
        // decompressor's (its errors and their wording differ between engines).
        // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows the source's own failure untouched, whatever it threw.
        if (source.error !== undefined) throw source.error;
        throw new UnreadableBytesError('its gzip compression is damaged or cut short', false);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await inflated.return(undefined);
  }
}

/** DOM typings declare the writable side as BufferSource, which Uint8Array chunks are. */
function gunzip(): TransformStream<Uint8Array, Uint8Array> {
  return new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>;
}

function isBlob(source: ByteSource): source is Blob {
  return typeof (source as Blob).stream === 'function';
}

/** The chunks of a stream; leaving early (an error downstream) cancels the stream. */
async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const result = await reader.read();
      if (result.done) {
        done = true;
        return;
      }
      yield result.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

async function* mapChunks(stream: ReadableStream<Uint8Array>, seen: (chunk: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunksOf(stream)) {
    seen(chunk);
    yield chunk;
  }
}

function toStream(chunks: AsyncGenerator<Uint8Array>, failure: { error: unknown }): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await chunks.next();
      } catch (error) {
        failure.error = error;
        throw error;
      }
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const [only] = chunks;
  if (chunks.length === 1 && only) return only;
  const out = new Uint8Array(chunks.reduce((sum, c) => sum + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
