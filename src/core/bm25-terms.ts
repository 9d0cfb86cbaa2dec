/**
 * The BM25 vocabulary: term ↔ dense id, held in three typed arrays instead of a Map of strings — the UTF-16 code
 * units of all terms back to back, where each term starts, and an open-addressing hash table of ids. A Map costs
 * ~60–80 bytes per term in V8; this costs ~2 bytes per character + 12 per term, and it is saved and loaded as
 * plain arrays (no string per term to create on load). Ids are never reused or renumbered.
 */
export interface TermTableArrays {
  /** UTF-16 code units of every term, in id order (may be longer than used: `starts[count]` is the end). */
  chars: Uint16Array;
  /** `count + 1` entries (or more): term `id` is `chars[starts[id] .. starts[id + 1])`. */
  starts: Uint32Array;
  /** Power-of-two hash table: 0 = empty, else id + 1. */
  slots: Int32Array;
  count: number;
}

const INITIAL_SLOTS = 1024;

/** FNV-1a over UTF-16 code units. */
function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

export class TermTable {
  private _chars: Uint16Array;
  private _starts: Uint32Array;
  private _slots: Int32Array;
  private _count: number;

  constructor(arrays?: TermTableArrays) {
    this._chars = arrays?.chars ?? new Uint16Array(4096);
    this._starts = arrays?.starts ?? new Uint32Array(INITIAL_SLOTS / 2 + 1);
    this._slots = arrays?.slots ?? new Int32Array(INITIAL_SLOTS);
    this._count = arrays?.count ?? 0;
    if ((this._slots.length & (this._slots.length - 1)) !== 0 || this._slots.length <= this._count) {
      throw new Error('Passage: BM25 term table has a malformed hash table');
    }
  }

  /** Number of distinct terms ever added. */
  get count(): number {
    return this._count;
  }

  /** Id of `term`, or −1 when it was never added. */
  lookup(term: string): number {
    const mask = this._slots.length - 1;
    for (let slot = hashString(term) & mask; ; slot = (slot + 1) & mask) {
      const entry = this._slots[slot]!;
      if (entry === 0) return -1;
      if (this._equals(entry - 1, term)) return entry - 1;
    }
  }

  /** Id of `term`, adding it when new. */
  intern(term: string): number {
    const mask = this._slots.length - 1;
    let slot = hashString(term) & mask;
    for (; ; slot = (slot + 1) & mask) {
      const entry = this._slots[slot]!;
      if (entry === 0) break;
      if (this._equals(entry - 1, term)) return entry - 1;
    }
    const id = this._count;
    const start = this._starts[id]!;
    const end = start + term.length;
    if (end > this._chars.length) this._chars = grow<Uint16Array>(this._chars, end);
    for (let i = 0; i < term.length; i++) this._chars[start + i] = term.charCodeAt(i);
    if (id + 2 > this._starts.length) this._starts = grow<Uint32Array>(this._starts, id + 2);
    this._starts[id + 1] = end;
    this._slots[slot] = id + 1;
    this._count++;
    // Keep the table at most half full so probes stay short.
    if (this._count * 2 > this._slots.length) this._rehash(this._slots.length * 2);
    return id;
  }

  /** The arrays trimmed to what is used (views, not copies). */
  arrays(): TermTableArrays {
    return {
      chars: this._chars.subarray(0, this._starts[this._count]),
      starts: this._starts.subarray(0, this._count + 1),
      slots: this._slots,
      count: this._count,
    };
  }

  /** Bytes held by the arrays (their full capacity). */
  get byteLength(): number {
    return this._chars.byteLength + this._starts.byteLength + this._slots.byteLength;
  }

  private _equals(id: number, term: string): boolean {
    const start = this._starts[id]!;
    if (this._starts[id + 1]! - start !== term.length) return false;
    for (let i = 0; i < term.length; i++) if (this._chars[start + i] !== term.charCodeAt(i)) return false;
    return true;
  }

  private _rehash(size: number): void {
    const slots = new Int32Array(size);
    const mask = size - 1;
    for (let id = 0; id < this._count; id++) {
      let hash = 0x811c9dc5;
      for (let i = this._starts[id]!, end = this._starts[id + 1]!; i < end; i++) {
        hash = Math.imul(hash ^ this._chars[i]!, 0x01000193);
      }
      let slot = (hash >>> 0) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this._slots = slots;
  }
}

type GrowableArray = Uint8Array | Uint16Array | Uint32Array | Int32Array;

/** A copy of `array` with room for at least `minLength` elements (grows by 1.5× to amortise appends). */
export function grow<T extends GrowableArray>(array: T, minLength: number): T {
  const length = Math.max(minLength, Math.ceil(array.length * 1.5), 16);
  const Constructor = array.constructor as new (length: number) => T;
  const copy = new Constructor(length);
  copy.set(array);
  return copy;
}
