import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ContextPassage, SearchHit } from '../app/api.ts';
import { formatMatch } from './answer-state.ts';
import { highlightParts } from './format.ts';
import { base } from './theme.ts';

type ContextState = ContextPassage[] | 'loading' | { error: string };

/**
 * The answers to a question: document title, the passage with its best sentence in <mark>, the calibrated match
 * (the same scale for every question), and "Show in context" to read the neighbouring passages. When no passage
 * is a close match it says so and keeps the nearest passages one click away ("Show nearest passages anyway").
 * All user text goes through Lit text bindings, never through HTML parsing. While a new search runs the old
 * results stay (dimmed) so the page doesn't jump.
 *
 * @fires retry-search - The user asked to run the failed search again.
 */
@customElement('search-results')
export class SearchResultsElement extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .summary {
        min-height: 1.5rem;
        margin: 0.9rem 0 0.5rem;
        font-size: 0.875rem;
        color: var(--p-muted);
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.75rem;
        transition: opacity 120ms ease;
      }
      ol.stale {
        opacity: 0.55;
      }
      li {
        padding: 0.9rem 1rem;
        min-width: 0;
      }
      .head {
        display: flex;
        align-items: baseline;
        gap: 0.6rem;
        flex-wrap: wrap;
        margin-bottom: 0.4rem;
      }
      .title {
        font-weight: 650;
        font-size: 0.95rem;
        margin: 0;
        flex: 1 1 12rem;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .meta {
        font-size: 0.8rem;
        color: var(--p-muted);
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
      .text {
        margin: 0;
        line-height: 1.55;
        white-space: pre-line;
        overflow-wrap: anywhere;
      }
      mark {
        background: var(--p-mark);
        color: var(--p-mark-text);
        border-radius: 3px;
        padding: 0.05em 0.15em;
        box-decoration-break: clone;
        -webkit-box-decoration-break: clone;
      }
      .actions {
        margin-top: 0.35rem;
      }
      .actions button {
        margin-left: -0.35rem;
      }
      .context {
        margin-top: 0.5rem;
        border-left: 3px solid var(--p-border);
        padding-left: 0.85rem;
        display: grid;
        gap: 0.6rem;
      }
      .context p {
        margin: 0;
        line-height: 1.55;
        white-space: pre-line;
        overflow-wrap: anywhere;
        color: var(--p-muted);
        font-size: 0.925rem;
      }
      .context p.hit {
        color: var(--p-text);
      }
      .error {
        color: var(--p-danger);
      }
      .words-only {
        margin: 0 0 0.75rem;
        font-size: 0.875rem;
        color: var(--p-danger);
      }
      .retry {
        margin: 0 0 0.75rem;
      }
      .none {
        padding: 1rem;
        color: var(--p-muted);
      }
      .no-match {
        padding: 1rem;
        display: grid;
        gap: 0.5rem;
        justify-items: start;
        margin-bottom: 0.75rem;
      }
      .no-match h2 {
        font-size: 1rem;
        margin: 0;
      }
      .no-match p {
        margin: 0;
        line-height: 1.5;
        color: var(--p-muted);
      }
      .no-match button {
        margin-left: -0.35rem;
      }
      .advice {
        padding: 0.8rem 1rem;
        margin: 0 0 0.75rem;
        line-height: 1.5;
      }
    `,
  ];

  @property({ attribute: false }) hits: SearchHit[] = [];
  @property() query = '';
  /** The query these hits answer; reflected as data-query on the list (tests wait on it). */
  @property() answered = '';
  /** A search for `query` is running; the hits shown belong to an earlier query. */
  @property({ type: Boolean }) searching = false;
  /** The hits were ranked by meaning alone: the word index is still loading after a reload. */
  @property({ type: Boolean }) byMeaningOnly = false;
  @property() error = '';
  /** Some hit is a close match; when false the hits are only the nearest passages, shown on request. */
  @property({ type: Boolean }) closeMatch = true;
  /** What to do instead, when the question cannot be answered yet (empty library, model loading, not indexed). */
  @property() advice = '';
  /** Set when the hits were matched by words alone because the model could not run: why, for people. */
  @property() wordsOnly = '';
  /** Fetches the passages around a hit; set by the shell. */
  @property({ attribute: false }) loadContext: ((passageId: string) => Promise<ContextPassage[]>) | null = null;

  @state() private _open = new Map<string, ContextState>();
  /** The person asked to see the nearest passages of a question without a close match. */
  @state() private _showNearest = false;

  protected override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (changed.has('hits')) {
      this._open = new Map();
      this._showNearest = false;
    }
  }

  override render() {
    return html`
      <p class="summary" role="status" aria-live="polite">${this._summary()}</p>
      ${this.advice && this.query ? html`<p class="advice card" role="status">${this.advice}</p>` : nothing}
      ${this.wordsOnly && !this.error && this.answered ? html`<p class="words-only" role="note">${this.wordsOnly}</p>` : nothing}
      ${this.error || (this.wordsOnly && this.answered)
        ? html`<button class="retry" @click=${() => this.dispatchEvent(new CustomEvent('retry-search', { bubbles: true, composed: true }))}>Try again</button>`
        : nothing}
      ${this.query && !this.searching && !this.error && !this.advice && this.hits.length === 0
        ? html`<p class="none card">Nothing in your library matches this question yet.</p>`
        : nothing}
      ${this._noCloseMatch() ? this._noMatchCard() : nothing}
      <ol
        class=${this.searching ? 'stale' : ''}
        aria-label=${this._noCloseMatch() ? 'Nearest passages' : 'Results'}
        aria-busy=${this.searching ? 'true' : 'false'}
        data-query=${this.answered}
        data-close-match=${this.closeMatch ? 'true' : 'false'}
      >
        ${this._noCloseMatch() && !this._showNearest
          ? nothing
          : repeat(this.hits, (hit) => hit.passageId, (hit, index) => this._hit(hit, index))}
      </ol>
    `;
  }

  /** Results are in, and none is close: the no-close-match card stands in for them. */
  private _noCloseMatch(): boolean {
    return !this.closeMatch && this.hits.length > 0 && !this.error;
  }

  private _noMatchCard() {
    return html`<section class="no-match card" aria-labelledby="no-match-heading">
      <h2 id="no-match-heading">No close match</h2>
      <p>
        Nothing in your library is close to this question. Try other words, or add a document that covers it.
      </p>
      <button
        class="link"
        aria-expanded=${this._showNearest ? 'true' : 'false'}
        @click=${() => (this._showNearest = !this._showNearest)}
      >
        ${this._showNearest ? 'Hide the nearest passages' : 'Show nearest passages anyway'}
      </button>
    </section>`;
  }

  private _summary() {
    if (this.error) return html`<span class="error">${this.error}</span>`;
    if (!this.query) return '';
    if (this.searching) return 'Searching…';
    if (this.hits.length === 0) return this.advice ? '' : 'No results.';
    if (!this.closeMatch) return 'No close match.';
    const count = `${this.hits.length === 1 ? '1 passage' : `${this.hits.length} passages`}, best match first`;
    return this.byMeaningOnly ? `${count} · ranked by meaning only while word matching loads` : count;
  }

  private _hit(hit: SearchHit, index: number) {
    const { before, marked, after } = highlightParts(hit.text, hit.highlight);
    const passage = html`<p class="text hit">${before}${marked ? html`<mark>${marked}</mark>` : nothing}${after}</p>`;
    const context = this._open.get(hit.passageId);
    const expanded = Array.isArray(context) ? context : null;
    const contextId = `context-${index}`;
    return html`
      <li class="card result" data-passage-id=${hit.passageId}>
        <div class="head">
          <h3 class="title">${hit.documentTitle}</h3>
          <span
            class="meta"
            title=${`calibrated ${hit.relevance.toFixed(3)} · meaning (cosine) ${hit.dense.toFixed(3)} · words (BM25) ${hit.lexical.toFixed(3)} · rank score ${hit.score.toFixed(3)}`}
            data-relevance=${hit.relevance.toFixed(4)}
            >passage ${hit.ordinal + 1} · ${formatMatch(hit.relevance)}</span
          >
        </div>
        ${expanded
          ? html`<div class="context" id=${contextId}>
              ${expanded.map((p) => (p.isHit ? passage : html`<p>${p.text}</p>`))}
            </div>`
          : passage}
        ${context && typeof context === 'object' && 'error' in context
          ? html`<p class="error">${context.error}</p>`
          : nothing}
        <div class="actions">
          <button
            class="link"
            aria-expanded=${expanded ? 'true' : 'false'}
            aria-controls=${expanded ? contextId : nothing}
            ?disabled=${!this.loadContext}
            aria-disabled=${context === 'loading' ? 'true' : 'false'}
            @click=${() => this._toggleContext(hit.passageId)}
          >
            ${context === 'loading' ? 'Loading…' : expanded ? 'Hide context' : 'Show in context'}
          </button>
        </div>
      </li>
    `;
  }

  private async _toggleContext(passageId: string) {
    // Not `disabled` while loading: disabling the focused button would drop keyboard focus onto <body>.
    if (this._open.get(passageId) === 'loading') return;
    if (Array.isArray(this._open.get(passageId))) {
      this._open = new Map(this._open);
      this._open.delete(passageId);
      return;
    }
    if (!this.loadContext) return;
    this._open = new Map(this._open).set(passageId, 'loading');
    const hits = this.hits;
    let next: ContextState;
    try {
      next = await this.loadContext(passageId);
    } catch (error) {
      next = { error: error instanceof Error ? error.message : String(error) };
    }
    if (this.hits !== hits) return; // a newer search replaced these results
    this._open = new Map(this._open).set(passageId, next);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'search-results': SearchResultsElement;
  }
}
