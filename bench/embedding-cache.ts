/**
 * On-disk passage embeddings for the eval, so re-runs skip the model. One append-only file per model build
 * (id + dtype + hash of passage-build.json): fixed-size records of sha256(vector key) + the float32 vector
 * exactly as the engine returned it (the key is core/split.ts `vectorKey`: the text, or text and context). A torn
 * last record (interrupted run) is cut off so appends stay aligned. The key covers everything the vector depends
 * on, so a hit returns the same numbers the engine would compute for that passage.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from 'node:fs';
import path from 'node:path';

const HASH_BYTES = 32;

export class EmbeddingCache {
  private readonly _vectors = new Map<string, Float32Array>();
  private readonly _recordBytes: number;

  constructor(
    readonly file: string,
    readonly dims: number,
  ) {
    this._recordBytes = HASH_BYTES + dims * 4;
    if (existsSync(file)) this._load();
  }

  get size(): number {
    return this._vectors.size;
  }

  values(): IterableIterator<Float32Array> {
    return this._vectors.values();
  }

  get(textHash: string): Float32Array | undefined {
    return this._vectors.get(textHash);
  }

  /** Stores row i of `vectors` under `textHashes[i]` (in memory and on disk). */
  putAll(textHashes: readonly string[], vectors: Float32Array): void {
    const record = Buffer.alloc(this._recordBytes * textHashes.length);
    textHashes.forEach((hash, i) => {
      const vector = vectors.slice(i * this.dims, (i + 1) * this.dims);
      this._vectors.set(hash, vector);
      const offset = i * this._recordBytes;
      record.write(hash, offset, HASH_BYTES, 'hex');
      Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(record, offset + HASH_BYTES);
    });
    mkdirSync(path.dirname(this.file), { recursive: true });
    appendFileSync(this.file, record);
  }

  private _load(): void {
    const bytes = readFileSync(this.file);
    const records = Math.floor(bytes.length / this._recordBytes);
    if (records * this._recordBytes !== bytes.length) truncateSync(this.file, records * this._recordBytes);
    for (let i = 0; i < records; i++) {
      const offset = i * this._recordBytes;
      const hash = bytes.toString('hex', offset, offset + HASH_BYTES);
      const vector = new Float32Array(this.dims);
      const floats = bytes.subarray(offset + HASH_BYTES, offset + this._recordBytes);
      new Uint8Array(vector.buffer).set(floats);
      this._vectors.set(hash, vector);
    }
  }
}
