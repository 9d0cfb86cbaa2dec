import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { DocumentSummary } from '../app/api.ts';
import { formatBytes, formatDate, plural } from './format.ts';
import { nextFocusAfterRemoval } from './focus-after-removal.ts';
import { focusWasLost } from './focus.ts';
import { base, panel } from './theme.ts';

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
 * The documents in the library: passages and how many are indexed, size, date added; delete (asks once more)
 * and re-index.
 *
 * @fires delete-document - detail: the document id.
 * @fires reindex-document - detail: the document id.
 */
@customElement('library-panel')
export class LibraryPanelElement extends LitElement {
  static override styles = [
    base,
    panel,
    css`
      .head {
        display: flex;
        align-items: baseline;
        justify-content: space-between;
        gap: 0.5rem;
      }
      .count {
        font-size: 0.8rem;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        padding: 0.65rem 0;
        border-top: 1px solid var(--p-border);
        display: grid;
        gap: 0.3rem;
      }
      li:first-child {
        border-top: none;
        padding-top: 0;
      }
      .title {
        font-weight: 600;
        font-size: 0.9rem;
        overflow-wrap: anywhere;
        margin: 0;
      }
      .facts {
        font-size: 0.8rem;
        color: var(--p-muted);
        display: flex;
        flex-wrap: wrap;
        gap: 0.15rem 0.6rem;
        font-variant-numeric: tabular-nums;
      }
      .badge {
        font-size: 0.7rem;
        font-weight: 600;
        letter-spacing: 0.02em;
        padding: 0.05rem 0.35rem;
        border-radius: 4px;
        background: var(--p-surface-2);
        color: var(--p-muted);
      }
      .indexed.partial {
        color: var(--p-accent);
      }
      .row-actions {
        display: flex;
        gap: 0.25rem;
        flex-wrap: wrap;
        margin-left: -0.35rem;
      }
      .empty {
        font-size: 0.875rem;
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) documents: DocumentSummary[] = [];

  /** The document whose delete button was pressed once and now asks for confirmation. */
  @state() private _confirming: string | null = null;

  override render() {
    const passages = this.documents.reduce((sum, d) => sum + d.passageCount, 0);
    return html`
      <section class="card" aria-labelledby="library-heading">
        <div class="head">
          <h2 id="library-heading" tabindex="-1">Library</h2>
          ${this.documents.length
            ? html`<span class="count muted">${plural(this.documents.length, 'document')} · ${plural(passages, 'passage')}</span>`
            : nothing}
        </div>
        ${this.documents.length
          ? html`<ul aria-label="Documents">${repeat(this.documents, (d) => d.id, (d) => this._row(d))}</ul>`
          : html`<p class="empty muted">No documents yet.</p>`}
      </section>
    `;
  }

  private _row(doc: DocumentSummary) {
    const complete = doc.indexedCount >= doc.passageCount;
    const confirming = this._confirming === doc.id;
    return html`
      <li class="document" data-document-id=${doc.id}>
        <p class="title">${doc.title}</p>
        <div class="facts">
          <span class="badge">${TYPE_LABEL[doc.type] ?? doc.type}</span>
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
    if (this._removing && (changed.has('documents') || changed.has('_confirming'))) this._refocusAfterDelete();
  }

  /** The document being deleted and where its row was, so focus can go to its neighbour once the row is gone. */
  private _removing: { id: string; index: number } | null = null;

  private _delete(id: string) {
    this._removing = { id, index: this.documents.findIndex((d) => d.id === id) };
    this._confirming = null;
    this._fire('delete-document', id);
  }

  /**
   * While the row is still there its Delete button holds focus (the confirmation it replaced is gone); once the
   * row is gone, the next row's Delete button (or the previous one's), or the Library heading when none is left.
   * Only if focus is still ours to place — not when the person has moved on meanwhile.
   */
  private _refocusAfterDelete() {
    const removing = this._removing!;
    if (!focusWasLost(this)) {
      this._removing = null;
      return;
    }
    const target = nextFocusAfterRemoval(this.documents.map((d) => d.id), removing);
    if (target.kind !== 'still-there') this._removing = null;
    const selector = target.kind === 'heading' ? '#library-heading' : `[data-delete="${CSS.escape(target.id)}"]`;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  private _fire(name: 'delete-document' | 'reindex-document', id: string) {
    this.dispatchEvent(new CustomEvent<string>(name, { detail: id, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'library-panel': LibraryPanelElement;
  }
}
