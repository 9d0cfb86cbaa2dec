/**
 * The search as the results show it: the question asked, the hits and which question they answer, whether a
 * search is running, how the hits were ranked (meaning and words, meaning only, words only) and why a search
 * failed; and the "match words too" choice, kept across visits.
 */
import type { ReactiveControllerHost } from 'lit';
import type { PassageApi, SearchHit } from '../app/api.ts';
import { describeError } from '../core/faults.ts';
import { isAbortError } from '../shared/abort.ts';
import type { SearchRequest } from './search-box.ts';

const HYBRID_KEY = 'passage.hybrid';
const RESULT_COUNT = 8;

export class SearchController {
  query = '';
  hits: SearchHit[] = [];
  /** The query the hits shown answer (the box may already hold a newer one). */
  answered = '';
  searching = false;
  /** The hits shown were ranked by meaning alone (the word index was still loading). */
  byMeaningOnly = false;
  /** Some hit shown is a close match (false: off-topic or gibberish; the UI says "No close match"). */
  closeMatch = true;
  error = '';
  /** The hits shown were matched by words only because the model could not run: why (SearchOutcome.wordsOnly). */
  wordsOnly = '';
  hybrid = localStorage.getItem(HYBRID_KEY) !== 'false';

  private readonly _host: ReactiveControllerHost;

  constructor(host: ReactiveControllerHost) {
    this._host = host;
  }

  /** Asks `api` the request's question within `documentIds` (empty: the whole library); a newer request aborts it. */
  async search({ query, signal }: SearchRequest, api: PassageApi | null, documentIds: string[]) {
    this.query = query;
    this.error = '';
    if (!query || !api) {
      this.hits = [];
      this.answered = '';
      this.searching = false;
      this._host.requestUpdate();
      return;
    }
    this.searching = true;
    this._host.requestUpdate();
    try {
      const outcome = await api.search(query, { k: RESULT_COUNT, hybrid: this.hybrid, signal, documentIds });
      if (signal.aborted) return;
      this.hits = outcome.hits;
      this.byMeaningOnly = outcome.byMeaningOnly;
      this.closeMatch = outcome.closeMatch;
      this.wordsOnly = outcome.wordsOnly ?? '';
      this.answered = query;
    } catch (error) {
      if (isAbortError(error) || signal.aborted) return;
      this.error = describeError(error, { action: 'The search failed', online: navigator.onLine });
    }
    this.searching = false;
    this._host.requestUpdate();
  }

  /** Hits of documents not in `ids` (deleted here or in another tab) leave the results. */
  keepOnly(ids: ReadonlySet<string>) {
    if (this.hits.some((h) => !ids.has(h.documentId))) this._setHits(this.hits.filter((h) => ids.has(h.documentId)));
  }

  forget(documentId: string) {
    this._setHits(this.hits.filter((h) => h.documentId !== documentId));
  }

  clear() {
    this._setHits([]);
  }

  setHybrid(on: boolean) {
    this.hybrid = on;
    localStorage.setItem(HYBRID_KEY, String(on));
    this._host.requestUpdate();
  }

  private _setHits(hits: SearchHit[]) {
    this.hits = hits;
    this._host.requestUpdate();
  }
}
