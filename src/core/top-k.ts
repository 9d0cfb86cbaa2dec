/** Bounded selection of the k best-scoring rows: a min-heap of size k, O(n log k), no per-item objects. */
export interface Hit {
  row: number;
  score: number;
}

export class TopK {
  private readonly _rows: Int32Array;
  private readonly _scores: Float64Array;
  private _size = 0;

  constructor(readonly capacity: number) {
    this._rows = new Int32Array(Math.max(capacity, 0));
    this._scores = new Float64Array(Math.max(capacity, 0));
  }

  /** The score a new row must beat to get in (−Infinity until full). */
  get threshold(): number {
    return this._size < this.capacity ? -Infinity : this._scores[0]!;
  }

  push(row: number, score: number): void {
    if (this.capacity === 0) return;
    if (this._size < this.capacity) {
      this._rows[this._size] = row;
      this._scores[this._size] = score;
      this._siftUp(this._size++);
    } else if (score > this._scores[0]!) {
      this._rows[0] = row;
      this._scores[0] = score;
      this._siftDown(0);
    }
  }

  /** Best first; equal scores keep the lower row first so results are deterministic. */
  sorted(): Hit[] {
    const hits: Hit[] = [];
    for (let i = 0; i < this._size; i++) hits.push({ row: this._rows[i]!, score: this._scores[i]! });
    return hits.sort(compareHits);
  }

  private _less(a: number, b: number): boolean {
    const sa = this._scores[a]!;
    const sb = this._scores[b]!;
    // The heap root is the worst hit: lowest score, and among equals the highest row.
    return sa < sb || (sa === sb && this._rows[a]! > this._rows[b]!);
  }

  private _swap(a: number, b: number): void {
    const row = this._rows[a]!;
    const score = this._scores[a]!;
    this._rows[a] = this._rows[b]!;
    this._scores[a] = this._scores[b]!;
    this._rows[b] = row;
    this._scores[b] = score;
  }

  private _siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this._less(i, parent)) return;
      this._swap(i, parent);
      i = parent;
    }
  }

  private _siftDown(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < this._size && this._less(left, worst)) worst = left;
      if (right < this._size && this._less(right, worst)) worst = right;
      if (worst === i) return;
      this._swap(i, worst);
      i = worst;
    }
  }
}

export function compareHits(a: Hit, b: Hit): number {
  return b.score - a.score || a.row - b.row;
}
