import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { DocumentSummary } from '../app/api.ts';
import { formatBytes, formatDate, plural } from './format.ts';
import { nextFocusAfterRemoval } from './focus-after-removal.ts';
import { focusWasLost } from './focus.ts';
import { libraryPanelStyles } from './library-panel-styles.ts';
import { isLibrarySort, SORT_LABELS, viewDocuments, windowRange, type LibrarySort } from './library-view.ts';
import { base, panel } from './theme.ts';

const SORT_KEY = 'passage.librarySort';
/** From this many documents on, the list offers a title search and a sort order. */
const TOOLS_FROM = 6;
/** Rows rendered above and below the visible ones (see windowRange). */
const OVERSCAN = 6;
/** A row's height before one is measured; CSS fixes every row to `--row-height`. */
const ROW_HEIGHT_GUESS = 92;

/** The page's localStorage; undefined where there is none (Node). */
function pageStorage(): Storage | undefined {
  return typeof localStorage === 'undefined' ? undefined : localStorage;
}

const TYPE_LABEL: Record<DocumentSummary['type'], string> = {
  txt: 'TXT',
  md: 'MD',
  html: 'HTML',
  pdf: 'PDF',
  docx: 'DOCX',
  paste: 'Pasted',
  sample: 'Sample',
};

/**
 * The documents in the library: passages and how many are indexed, size, date added; "Search in" (limits the
 * search to the ticked documents), delete (asks once more) and re-index. From TOOLS_FROM documents on, a title
 * search and a sort order.
 *
 * The list renders only the rows in its scroller's view (plus a few): every row has the same height, so the
 * window is arithmetic (library-view.ts). Rendering all 1,250 rows of a 100k-passage library on reload was a
 * main-thread long task; now a list of any length costs ~20 rows.
 *
 * @fires delete-document - detail: the document id.
 * @fires reindex-document - detail: the document id.
 * @fires filter-toggle - detail: { id, selected }: "Search in" was ticked or unticked for a document.
 */
@customElement('library-panel')
export class LibraryPanelElement extends LitElement {
  static override styles = [base, panel, libraryPanelStyles];

  @property({ attribute: false }) documents: DocumentSummary[] = [];
  /** Ids of the documents the search is limited to. */
  @property({ attribute: false }) selected: readonly string[] = [];

  /** The document whose delete button was pressed once and now asks for confirmation. */
  @state() private _confirming: string | null = null;
  @state() private _titleQuery = '';
  @state() private _sort: LibrarySort = (() => {
    const saved = pageStorage()?.getItem(SORT_KEY);
    return isLibrarySort(saved) ? saved : 'newest';
  })();
  @state() private _scrollTop = 0;
  @state() private _viewport = 0;
  @state() private _rowHeight = ROW_HEIGHT_GUESS;

  @query('.scroller') private _scroller!: HTMLElement | null;

  private _view: DocumentSummary[] = [];
  private _viewKey: [DocumentSummary[], string, LibrarySort] | null = null;
  private _scrollFrame = 0;

  /** The documents shown (title search, sort), recomputed only when one of its inputs changed. */
  private _visible(): DocumentSummary[] {
    const key = this._viewKey;
    if (!key || key[0] !== this.documents || key[1] !== this._titleQuery || key[2] !== this._sort) {
      this._view = viewDocuments(this.documents, this._titleQuery, this._sort);
      this._viewKey = [this.documents, this._titleQuery, this._sort];
    }
    return this._view;
  }

  override render() {
    const passages = this.documents.reduce((sum, d) => sum + d.passageCount, 0);
    const indexed = this.documents.reduce((sum, d) => sum + Math.min(d.indexedCount, d.passageCount), 0);
    const total = this.documents.length;
    const view = this._visible();
    const viewport = this._viewport || 8 * this._rowHeight;
    const { start, end } = windowRange({ count: view.length, rowHeight: this._rowHeight, scrollTop: this._scrollTop, viewport, overscan: OVERSCAN });
    const selected = new Set(this.selected);
    const narrowed = this._titleQuery.trim() !== '';
    return html`
      <section class="card" aria-labelledby="library-heading">
        <div class="head">
          <h2 id="library-heading" tabindex="-1">Library</h2>
          ${total
            ? html`<span class="count muted" data-documents=${total} data-passages=${passages} data-indexed=${indexed}
                >${plural(total, 'document')} · ${plural(passages, 'passage')}</span
              >`
            : nothing}
        </div>
        ${total >= TOOLS_FROM ? this._tools() : nothing}
        ${narrowed
          ? html`<p class="shown muted" role="status" data-shown=${view.length}>
              ${view.length ? `${plural(view.length, 'document')} match “${this._titleQuery.trim()}”` : `No document title matches “${this._titleQuery.trim()}”.`}
            </p>`
          : nothing}
        ${total
          ? html`<div class="scroller" @scroll=${this._onScroll}>
              <ul aria-label="Documents" data-total=${view.length}>
                ${repeat(view.slice(start, end), (d) => d.id, (d, i) => this._row(d, start + i, view.length, selected.has(d.id)))}
              </ul>
            </div>`
          : html`<p class="empty muted">No documents yet.</p>`}
      </section>
    `;
  }

  private _tools() {
    return html`<div class="tools">
      <label class="visually-hidden" for="find-document">Find a document by title</label>
      <input
        id="find-document"
        type="search"
        placeholder="Find by title…"
        autocomplete="off"
        spellcheck="false"
        .value=${this._titleQuery}
        @input=${(e: Event) => this._setTitleQuery((e.target as HTMLInputElement).value)}
      />
      <label class="visually-hidden" for="sort-documents">Sort documents</label>
      <select id="sort-documents" @change=${(e: Event) => this._setSort((e.target as HTMLSelectElement).value)}>
        ${(Object.keys(SORT_LABELS) as LibrarySort[]).map((key) => html`<option value=${key} ?selected=${key === this._sort}>${SORT_LABELS[key]}</option>`)}
      </select>
    </div>`;
  }

  private _row(doc: DocumentSummary, position: number, count: number, selected: boolean) {
    const complete = doc.indexedCount >= doc.passageCount;
    const confirming = this._confirming === doc.id;
    return html`
      <li
        class="document ${selected ? 'selected' : ''}"
        data-document-id=${doc.id}
        aria-posinset=${position + 1}
        aria-setsize=${count}
      >
        <p class="title" title=${doc.title}>${doc.title}</p>
        <div class="facts">
          <span class="badge">${TYPE_LABEL[doc.type]}</span>
          <span class="passages">${plural(doc.passageCount, 'passage')}</span>
          <span
            class="indexed ${complete ? '' : 'partial'}"
            data-indexed=${doc.indexedCount}
            data-passages=${doc.passageCount}
            >${complete ? 'all indexed' : `${doc.indexedCount} of ${doc.passageCount} indexed`}</span
          >
          <span>${formatBytes(doc.size)}</span>
          <span>${formatDate(doc.added)}</span>
        </div>
        <div class="row-actions">
          <label class="pick">
            <input
              type="checkbox"
              .checked=${selected}
              aria-label=${`Search in ${doc.title}`}
              @change=${(e: Event) => this._toggle(doc.id, (e.target as HTMLInputElement).checked)}
            />
            Search in
          </label>
          <button class="link" @click=${() => this._fire('reindex-document', doc.id)} aria-label=${`Re-index ${doc.title}`}>
            Re-index
          </button>
          ${confirming
            ? html`
                <button
                  class="link danger"
                  data-confirm
                  @click=${() => this._delete(doc.id)}
                  aria-label=${`Confirm: delete ${doc.title}`}
                >
                  Confirm delete
                </button>
                <button class="link" @click=${() => (this._confirming = null)}>Keep</button>
              `
            : html`<button
                class="link danger"
                data-delete=${doc.id}
                @click=${() => (this._confirming = doc.id)}
                aria-label=${`Delete ${doc.title}`}
              >
                Delete
              </button>`}
        </div>
      </li>
    `;
  }

  protected override updated(changed: Map<PropertyKey, unknown>) {
    // Keep keyboard focus on the row: the Delete button was just replaced by its confirmation.
    if (changed.has('_confirming') && this._confirming) {
      this.renderRoot.querySelector<HTMLButtonElement>('[data-confirm]')?.focus();
    }
    this._place();
    if (this._removing && (changed.has('documents') || changed.has('_confirming'))) this._refocusAfterDelete();
    // Rows are as tall as CSS says (rem-based, so it follows the person's font size): measure once they exist.
    const row = this.renderRoot.querySelector<HTMLElement>('li.document');
    if (row && row.offsetHeight > 0 && row.offsetHeight !== this._rowHeight) this._rowHeight = row.offsetHeight;
    const viewport = this._scroller?.clientHeight ?? 0;
    if (viewport > 0 && viewport !== this._viewport) this._viewport = viewport;
  }

  /**
   * Sizes the list and moves each rendered row to its place. Through the CSSOM, not a style attribute: the page's
   * Content-Security-Policy (style-src 'self') refuses inline style attributes, which is how Lit's styleMap sets
   * a new element's first styles.
   */
  private _place() {
    const list = this.renderRoot.querySelector<HTMLElement>('ul[data-total]');
    if (!list) return;
    list.style.height = `${Number(list.dataset.total) * this._rowHeight}px`;
    for (const row of list.children) {
      (row as HTMLElement).style.top = `${(Number(row.getAttribute('aria-posinset')) - 1) * this._rowHeight}px`;
    }
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    cancelAnimationFrame(this._scrollFrame);
  }

  /** At most one re-render per frame while scrolling. */
  private _onScroll = () => {
    if (this._scrollFrame) return;
    this._scrollFrame = requestAnimationFrame(() => {
      this._scrollFrame = 0;
      const scroller = this._scroller;
      if (!scroller) return;
      this._scrollTop = scroller.scrollTop;
      this._viewport = scroller.clientHeight;
    });
  };

  private _setTitleQuery(value: string) {
    this._titleQuery = value;
    this._scrollToTop();
  }

  private _setSort(value: string) {
    if (!isLibrarySort(value)) return;
    this._sort = value;
    pageStorage()?.setItem(SORT_KEY, value);
    this._scrollToTop();
  }

  private _scrollToTop() {
    if (this._scroller) this._scroller.scrollTop = 0;
    this._scrollTop = 0;
  }

  private _toggle(id: string, selected: boolean) {
    this.dispatchEvent(new CustomEvent<FilterToggle>('filter-toggle', { detail: { id, selected }, bubbles: true, composed: true }));
  }

  /** The document being deleted and where its row was, so focus can go to its neighbour once the row is gone. */
  private _removing: { id: string; index: number } | null = null;

  private _delete(id: string) {
    // Its place in the list as shown (title search and sort), so focus moves to the row the person sees next.
    this._removing = { id, index: this._visible().findIndex((d) => d.id === id) };
    this._confirming = null;
    this._fire('delete-document', id);
  }

  /**
   * While the row is still there its Delete button holds focus (the confirmation it replaced is gone); once the
   * row is gone, the next row's Delete button (or the previous one's), or the Library heading when none is left.
   * Only if focus is still ours to place — not when the person has moved on meanwhile.
   */
  private _refocusAfterDelete() {
    const removing = this._removing;
    if (!removing) return;
    if (!focusWasLost(this)) {
      this._removing = null;
      return;
    }
    const target = nextFocusAfterRemoval(this._visible().map((d) => d.id), removing);
    if (target.kind !== 'still-there') this._removing = null;
    const selector = target.kind === 'heading' ? '#library-heading' : `[data-delete="${CSS.escape(target.id)}"]`;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  private _fire(name: 'delete-document' | 'reindex-document', id: string) {
    this.dispatchEvent(new CustomEvent<string>(name, { detail: id, bubbles: true, composed: true }));
  }
}

export interface FilterToggle {
  id: string;
  selected: boolean;
}

declare global {
  interface HTMLElementTagNameMap {
    'library-panel': LibraryPanelElement;
  }
}
