/**
 * What the results area says about a question, decided from plain facts (no DOM, unit-tested): the calibrated
 * match shown on each hit, and what to tell a person whose question cannot be answered yet — an empty library,
 * a model still loading, documents not indexed yet.
 */

/** A calibrated relevance in [0, 1] (src/core/relevance.ts) as the text on a result: "match 62%". */
export function formatMatch(relevance: number): string {
  const percent = Math.round(Math.min(1, Math.max(0, Number.isFinite(relevance) ? relevance : 0)) * 100);
  return `match ${percent}%`;
}

export interface LibraryFacts {
  /** The library has been read at least once (before that nothing is known). */
  loaded: boolean;
  documents: number;
  /** Passages with a vector, over all documents. */
  indexed: number;
  /** Passages still waiting for a vector. */
  pending: number;
  model: 'loading' | 'ready' | 'error';
}

export type SearchAdvice =
  /** Nothing to search: say so and point to the import. */
  | { kind: 'empty-library'; message: string }
  /** The question waits for the model; it is answered as soon as the model is ready. */
  | { kind: 'model-loading'; message: string }
  /** Documents exist but none is indexed yet: results come as indexing proceeds. */
  | { kind: 'not-indexed'; message: string };

/**
 * What to tell a person who asked `query` now, instead of showing nothing; null when the search can simply run
 * and its results speak for themselves.
 */
export function searchAdvice(query: string, facts: LibraryFacts): SearchAdvice | null {
  if (query.trim() === '') return null;
  if (facts.loaded && facts.documents === 0) {
    return {
      kind: 'empty-library',
      message:
        'Your library is empty, so there is nothing to search yet. Add documents (Choose files…, drop them here or ' +
        'paste text) or try the sample documents, then ask again.',
    };
  }
  if (facts.model === 'loading') {
    return {
      kind: 'model-loading',
      message: 'The language model is still loading (the first start takes a few seconds); your question is answered as soon as it is ready.',
    };
  }
  if (facts.loaded && facts.indexed === 0 && facts.pending > 0) {
    return {
      kind: 'not-indexed',
      message: 'Your documents are still being indexed; results appear as passages are indexed. Ask again in a moment.',
    };
  }
  return null;
}
