/**
 * Shared fixtures for the store tests: fresh databases, a paragraph splitter, and an embedder that counts
 * what it is asked to embed and can be told to fail.
 */
import type { ImportedText } from '../core/types.ts';
import type { PassageSpan } from '../core/split.ts';
import type { Embedder } from '../app/indexer.ts';
import { Library, type LibraryModel } from './library.ts';

export const MODEL: LibraryModel = { id: 'test-model', dimensions: 4 };

let counter = 0;
export function freshDbName(): string {
  return `store-test-${crypto.randomUUID()}-${++counter}`;
}

export function openFresh(model: LibraryModel = MODEL): Promise<Library> {
  return Library.open(model, { name: freshDbName() });
}

/**
 * Paragraphs (blank-line separated) as passages, offsets into `text`; with `withContext`, each passage after the
 * first has the whole previous paragraph (and the blank line) as its context.
 */
export function paragraphs(text: string, { withContext = false } = {}): PassageSpan[] {
  const spans: PassageSpan[] = [];
  const re = /[^\n]+(?:\n[^\n]+)*/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const previous = spans.at(-1);
    const context = withContext && previous ? text.slice(previous.start, m.index) : '';
    spans.push({ ordinal: spans.length, start: m.index, end: m.index + m[0].length, text: m[0], context });
  }
  return spans;
}

export function doc(title: string, text: string): ImportedText {
  return { title, type: 'txt', text, size: text.length };
}

export async function addText(library: Library, title: string, text: string, options: { withContext?: boolean } = {}) {
  return library.addDocument(doc(title, text), paragraphs(text, options));
}

export interface CountingEmbedder extends Embedder {
  /** Every input ever embedded (context + text), in order. */
  embedded: string[];
  calls: number;
  /** Throw on the call with this (1-based) number, simulating a crash mid-indexing. */
  failOnCall: number | null;
}

export function countingEmbedder(dims = MODEL.dimensions): CountingEmbedder {
  const embedder: CountingEmbedder = {
    embedded: [],
    calls: 0,
    failOnCall: null,
    async embed(passages, signal) {
      signal.throwIfAborted();
      embedder.calls++;
      if (embedder.calls === embedder.failOnCall) throw new Error('worker crashed mid-batch');
      // What the model reads: the passage after its context.
      const texts = passages.map((p) => p.context + p.text);
      embedder.embedded.push(...texts);
      const out = new Float32Array(texts.length * dims);
      texts.forEach((text, i) => {
        for (let d = 0; d < dims; d++) out[i * dims + d] = ((text.charCodeAt(d % text.length) + d) % 13) / 13 - 0.5;
      });
      return out;
    },
  };
  return embedder;
}
