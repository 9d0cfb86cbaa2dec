/**
 * The vector index's storage: int8 codes in one contiguous, growable array, plus per row its scale, a 1-bit sign
 * code for the coarse pass (core/sign-codes.ts), an alive flag and, once any row has one, a 2-bit residual code
 * (core/residual-codes.ts). Rows are appended, removed as holes, and compacted; searching them is
 * core/vector-index.ts's job. A row costs `dims + signStride(dims) + 4 + 1` bytes (437 at 384 dims, 437 MB per
 * million rows), plus `residualStride(dims) + 1` (97) once any row has a residual code.
 */
import { quantizeRefined } from './quantize.ts';
import { residualAt, residualStride } from './residual-codes.ts';
import { packSigns, signStride } from './sign-codes.ts';

/** Base class of VectorIndex: the rows and their codes; search reads the protected arrays directly. */
export class VectorRows {
  protected readonly _stride: number;
  protected _codes: Int8Array;
  protected _signs: Uint8Array;
  protected _scales: Float32Array;
  protected _alive: Uint8Array;
  /** Residual codes and which rows have one; allocated when the first row with a code arrives. */
  protected readonly _residualStride: number;
  protected _residuals: Uint8Array | null = null;
  protected _refined: Uint8Array | null = null;
  protected _rows = 0;
  protected _removed = 0;

  constructor(
    readonly dims: number,
    initialCapacity = 1024,
  ) {
    if (!Number.isInteger(dims) || dims <= 0) throw new Error(`Passage: vector dimensions must be positive, got ${dims}`);
    this._stride = signStride(dims);
    this._residualStride = residualStride(dims);
    const capacity = Math.max(1, initialCapacity);
    this._codes = new Int8Array(capacity * dims);
    this._signs = new Uint8Array(capacity * this._stride);
    this._scales = new Float32Array(capacity);
    this._alive = new Uint8Array(capacity);
  }

  /** Rows ever added and not yet compacted away, removed ones included (row numbers are `0 … rowCount-1`). */
  get rowCount(): number {
    return this._rows;
  }

  /** Live vectors. */
  get size(): number {
    return this._rows - this._removed;
  }

  get removedCount(): number {
    return this._removed;
  }

  /** Rows that fit before the arrays must grow. */
  get capacity(): number {
    return this._scales.length;
  }

  /** Bytes held per row of capacity: int8 codes, sign code, scale, alive flag (+ residual code and its flag). */
  get bytesPerRow(): number {
    return this.dims + this._stride + 4 + 1 + (this._residuals ? this._residualStride + 1 : 0);
  }

  /** Whether `row` has a residual code (rows stored before residual codes existed don't). */
  isRefined(row: number): boolean {
    return this._refined !== null && row >= 0 && row < this._rows && this._refined[row] === 1;
  }

  isAlive(row: number): boolean {
    return row >= 0 && row < this._rows && this._alive[row] === 1;
  }

  /**
   * Makes room for `rows` rows in total with at most one copy of what is stored. Call it with the library's row
   * count before loading it block by block: growing by doubling instead copies the arrays ~log2(n/1024) times and
   * can leave up to half of them unused.
   */
  reserve(rows: number): void {
    if (rows > this.capacity) this._resize(rows);
  }

  /** Appends one row; `residual` (`residualStride(dims)` bytes, from `quantizeRefined`) lets search refine it. */
  add(q: Int8Array, scale: number, residual?: Uint8Array | null): number {
    if (q.length !== this.dims) throw new Error(`Passage: vector has ${q.length} dimensions, index has ${this.dims}`);
    this._checkResiduals(residual, 1);
    if (this._rows === this.capacity) this._resize(this.capacity * 2);
    const row = this._rows++;
    this._codes.set(q, row * this.dims);
    this._scales[row] = scale;
    this._alive[row] = 1;
    packSigns(this._codes, row * this.dims, this.dims, this._signs, row * this._stride);
    this._setResiduals(row, 1, residual);
    return row;
  }

  /**
   * Appends `scales.length` rows at once from row-major int8 `codes` (`scales.length × dims`), as stored in a
   * block of the library; returns the first new row. No per-row allocation: the block is copied in with
   * `TypedArray.set` and its sign codes are packed in place. `residuals` (`count × residualStride(dims)`), when
   * given, are the rows' residual codes; without them the rows are ranked by their int8 codes alone.
   */
  addBlock(codes: Int8Array, scales: Float32Array, residuals?: Uint8Array | null): number {
    const count = scales.length;
    if (codes.length !== count * this.dims) {
      throw new Error(`Passage: block of ${count} rows needs ${count * this.dims} codes, got ${codes.length}`);
    }
    this._checkResiduals(residuals, count);
    const first = this._rows;
    if (first + count > this.capacity) this._resize(Math.max(first + count, this.capacity * 2));
    this._codes.set(codes, first * this.dims);
    this._scales.set(scales, first);
    this._alive.fill(1, first, first + count);
    for (let row = first; row < first + count; row++) {
      packSigns(this._codes, row * this.dims, this.dims, this._signs, row * this._stride);
    }
    this._rows += count;
    this._setResiduals(first, count, residuals);
    return first;
  }

  /** Quantises and appends a float vector, with its residual code. */
  addVector(vec: Float32Array): number {
    const { q, scale, residual } = quantizeRefined(vec);
    return this.add(q, scale, residual);
  }

  private _checkResiduals(residuals: Uint8Array | null | undefined, count: number): void {
    if (residuals && residuals.length !== count * this._residualStride) {
      throw new Error(`Passage: ${count} rows need ${count * this._residualStride} residual bytes, got ${residuals.length}`);
    }
  }

  /** Stores (or, without `residuals`, clears) the residual codes of rows `first … first+count-1`. */
  private _setResiduals(first: number, count: number, residuals: Uint8Array | null | undefined): void {
    if (!residuals) {
      this._refined?.fill(0, first, first + count);
      return;
    }
    if (!this._residuals || !this._refined) {
      this._residuals = new Uint8Array(this.capacity * this._residualStride);
      this._refined = new Uint8Array(this.capacity);
    }
    this._residuals.set(residuals, first * this._residualStride);
    this._refined.fill(1, first, first + count);
  }

  /** Leaves a hole that search skips; `compact()` reclaims it. */
  remove(row: number): void {
    if (!this.isAlive(row)) return;
    this._alive[row] = 0;
    this._removed++;
  }

  /**
   * Moves live rows down over the holes. Returns old row → new row (−1 for removed rows) so owners of row
   * numbers (the BM25 index, id maps) can follow.
   */
  compact(): Int32Array {
    const remap = new Int32Array(this._rows).fill(-1);
    const dims = this.dims;
    const stride = this._stride;
    let next = 0;
    for (let row = 0; row < this._rows; row++) {
      if (!this._alive[row]) continue;
      if (row !== next) {
        this._codes.copyWithin(next * dims, row * dims, (row + 1) * dims);
        this._signs.copyWithin(next * stride, row * stride, (row + 1) * stride);
        this._scales.copyWithin(next, row, row + 1);
        this._alive[next] = 1;
        if (this._residuals && this._refined) {
          const rs = this._residualStride;
          this._residuals.copyWithin(next * rs, row * rs, (row + 1) * rs);
          this._refined.copyWithin(next, row, row + 1);
        }
      }
      remap[row] = next++;
    }
    this._alive.fill(0, next, this._rows);
    this._refined?.fill(0, next, this._rows);
    this._rows = next;
    this._removed = 0;
    return remap;
  }

  /** The stored vector, dequantised (with its residual code when it has one). */
  vector(row: number): Float32Array {
    if (!Number.isInteger(row) || row < 0 || row >= this._rows) throw new RangeError(`Passage: no vector at row ${row}`);
    const scale = this._scales[row] ?? 0;
    const codes = this._codes.subarray(row * this.dims, (row + 1) * this.dims);
    const residuals = this.isRefined(row) ? this._residuals : null;
    if (!residuals) return Float32Array.from(codes, (code) => code * scale);
    // Rounded to float32 before the residual is added, as when the two were added in place.
    const offset = row * this._residualStride;
    return Float32Array.from(codes, (code, d) => Math.fround(code * scale) + residualAt(residuals, offset, d) * scale);
  }


  /** Moves the arrays into ones of `capacity` rows (one copy each). */
  private _resize(capacity: number): void {
    const codes = new Int8Array(capacity * this.dims);
    codes.set(this._codes.subarray(0, this._rows * this.dims));
    const signs = new Uint8Array(capacity * this._stride);
    signs.set(this._signs.subarray(0, this._rows * this._stride));
    const scales = new Float32Array(capacity);
    scales.set(this._scales.subarray(0, this._rows));
    const alive = new Uint8Array(capacity);
    alive.set(this._alive.subarray(0, this._rows));
    this._codes = codes;
    this._signs = signs;
    this._scales = scales;
    this._alive = alive;
    if (this._residuals && this._refined) {
      const residuals = new Uint8Array(capacity * this._residualStride);
      residuals.set(this._residuals.subarray(0, this._rows * this._residualStride));
      const refined = new Uint8Array(capacity);
      refined.set(this._refined.subarray(0, this._rows));
      this._residuals = residuals;
      this._refined = refined;
    }
  }
}
