/**
 * Chooses the sentence to highlight in each search hit. The best few hits get sentence embeddings (one embed
 * call for all their sentences); the rest are highlighted by query words only, so a search never waits for
 * dozens of sentence vectors. Sentence vectors are cached per passage: the same passages come back as the user
 * refines a query.
 */
import { bestSentence } from '../core/highlight.ts';
import { splitSentences } from '../core/split.ts';

/** Hits whose sentences are embedded; further hits use word overlap. */
export const EMBEDDED_HIGHLIGHTS = 5;
const CACHE_LIMIT = 500;

export type EmbedSentences = (texts: readonly string[], signal?: AbortSignal) => Promise<Float32Array>;

export interface HighlightTarget {
  passageId: string;
  text: string;
}

export interface Span {
  start: number;
  end: number;
}

export class Highlighter {
  private readonly _embed: EmbedSentences;
  private readonly _dims: number;
  /** passage id → row-major sentence vectors; insertion order doubles as LRU order. */
  private readonly _cache = new Map<string, Float32Array>();

  constructor(embed: EmbedSentences, dims: number) {
    this._embed = embed;
    this._dims = dims;
  }

  /** One span per target, in order. Without a query vector (model unavailable) words alone decide. */
  async highlight(
    targets: readonly HighlightTarget[],
    queryVector: Float32Array | null,
    queryText: string,
    signal?: AbortSignal,
  ): Promise<Span[]> {
    const embedded = queryVector ? targets.slice(0, EMBEDDED_HIGHLIGHTS) : [];
    const vectors = await this._sentenceVectors(embedded, signal);
    return targets.map((target, i) =>
      bestSentence(target.text, i < embedded.length ? vectors[i]! : null, queryVector, queryText),
    );
  }

  clear(): void {
    this._cache.clear();
  }

  private async _sentenceVectors(targets: readonly HighlightTarget[], signal?: AbortSignal): Promise<Float32Array[]> {
    const missing = targets.filter((t) => !this._cache.has(t.passageId));
    const sentences = missing.map((t) => splitSentences(t.text).map((s) => t.text.slice(s.start, s.end)));
    const flat = sentences.flat();
    if (flat.length > 0) {
      const rows = await this._embed(flat, signal);
      let offset = 0;
      missing.forEach((target, i) => {
        const size = sentences[i]!.length * this._dims;
        this._remember(target.passageId, rows.slice(offset, offset + size));
        offset += size;
      });
    }
    return targets.map((t) => {
      const vectors = this._cache.get(t.passageId) ?? new Float32Array(0);
      this._remember(t.passageId, vectors); // refresh its place in the LRU order
      return vectors;
    });
  }

  private _remember(passageId: string, vectors: Float32Array): void {
    this._cache.delete(passageId);
    this._cache.set(passageId, vectors);
    if (this._cache.size > CACHE_LIMIT) this._cache.delete(this._cache.keys().next().value!);
  }
}
