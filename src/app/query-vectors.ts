/**
 * Query vectors embedded while the question is typed, so Enter finds its vector ready (or in flight) instead of
 * starting the model call then. At most one look-ahead embedding runs at a time: text typed meanwhile waits, and
 * only the newest waiting text is embedded next, so fast typing costs at most one model call per finished call
 * (one query is ~10–30 ms of model time). A search for text already embedded, or being embedded, shares that
 * call; anything else is embedded at once. The few most recent vectors are kept: Enter after the search that
 * typing started, or asking the same question again, costs no model call.
 */
export type EmbedQuery = (text: string) => Promise<Float32Array>;

/** Recent query vectors kept (each 1.5 KB at 384 dims). */
const DEFAULT_CAPACITY = 16;

export class QueryVectors {
  private readonly _embed: EmbedQuery;
  private readonly _capacity: number;
  /** Text → its vector (settled or in flight), oldest first. */
  private readonly _vectors = new Map<string, Promise<Float32Array>>();
  private _ahead: Promise<unknown> | null = null;
  private _waiting: string | null = null;

  constructor(embed: EmbedQuery, capacity = DEFAULT_CAPACITY) {
    this._embed = embed;
    this._capacity = Math.max(1, capacity);
  }

  /** Starts embedding `text` ahead of its search (typing); a no-op for blank or known text. */
  prefetch(text: string): void {
    const key = text.trim();
    if (key === '' || this._vectors.has(key)) return;
    if (this._ahead) {
      this._waiting = key;
      return;
    }
    const vector = this._start(key);
    this._ahead = vector.catch(() => undefined).then(() => {
      this._ahead = null;
      const next = this._waiting;
      this._waiting = null;
      if (next !== null) this.prefetch(next);
    });
  }

  /** The vector of `text`: the one embedded (or being embedded) ahead when there is one, else embedded now. */
  get(text: string): Promise<Float32Array> {
    const key = text.trim();
    if (this._waiting === key) this._waiting = null;
    const known = this._vectors.get(key);
    if (known) {
      // Most recently used last, so it is the last to be dropped.
      this._vectors.delete(key);
      this._vectors.set(key, known);
      return known;
    }
    return this._start(key);
  }

  /** Forgets every vector (the model changed, or its worker was replaced). */
  clear(): void {
    this._vectors.clear();
    this._waiting = null;
  }

  private _start(key: string): Promise<Float32Array> {
    const vector = this._embed(key);
    this._vectors.set(key, vector);
    // A failed call is not remembered: the next search for this text tries again (and reports its own error).
    vector.catch(() => {
      if (this._vectors.get(key) === vector) this._vectors.delete(key);
    });
    // Oldest first (a Map keeps insertion order); deleting the key being visited is safe in a Map's iteration.
    for (const oldest of this._vectors.keys()) {
      if (this._vectors.size <= this._capacity) break;
      this._vectors.delete(oldest);
    }
    return vector;
  }
}
