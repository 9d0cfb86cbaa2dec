import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { DocumentSummary } from '../app/api.ts';
import { plural } from './format.ts';
import { base } from './theme.ts';

/** Titles named one by one; beyond this the bar says "and N more". */
const NAMED = 4;

/**
 * Says, above the results, that the search is limited to some documents (ticked "Search in" in the library),
 * names them, and lets a person drop one or all of them. Shown only while the filter is on.
 *
 * @fires filter-remove - detail: the id of the document to stop searching in.
 * @fires filter-clear - search the whole library again.
 */
@customElement('document-filter')
export class DocumentFilterElement extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.35rem 0.5rem;
        margin-top: 0.6rem;
        padding: 0.45rem 0.6rem;
        border-radius: var(--p-radius);
        background: var(--p-accent-soft);
        font-size: 0.875rem;
      }
      ul {
        display: contents;
        list-style: none;
      }
      li {
        display: inline-flex;
        align-items: center;
        gap: 0.1rem;
        max-width: 100%;
        padding: 0.1rem 0.15rem 0.1rem 0.55rem;
        border-radius: 999px;
        background: var(--p-surface);
        border: 1px solid var(--p-border);
      }
      .name {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        max-width: 16rem;
      }
      button.remove {
        min-height: 0;
        padding: 0 0.4rem;
        border: none;
        background: none;
        font-size: 1rem;
        line-height: 1.4;
        color: var(--p-muted);
      }
      button.remove:hover {
        color: var(--p-text);
      }
    `,
  ];

  /** The documents the search is limited to (empty: the bar is hidden). */
  @property({ attribute: false }) documents: DocumentSummary[] = [];

  override render() {
    const docs = this.documents;
    if (docs.length === 0) return nothing;
    const named = docs.slice(0, NAMED);
    return html`
      <div class="bar" role="group" aria-label="Search filter" data-count=${docs.length}>
        <span>Searching only in ${docs.length === 1 ? '' : plural(docs.length, 'document')}</span>
        <ul>
          ${named.map(
            (d) => html`<li data-document-id=${d.id}>
              <span class="name" title=${d.title}>${d.title}</span>
              <button class="remove" aria-label=${`Stop searching in ${d.title}`} @click=${() => this._fire('filter-remove', d.id)}>×</button>
            </li>`,
          )}
        </ul>
        ${docs.length > NAMED ? html`<span>and ${docs.length - NAMED} more</span>` : nothing}
        <button class="link" data-clear @click=${() => this._fire('filter-clear', '')}>Search all documents</button>
      </div>
    `;
  }

  /** A chip's × was pressed: its button is gone after the update, so focus moves to "Search all documents". */
  private _refocus = false;

  protected override updated() {
    if (!this._refocus) return;
    this._refocus = false;
    this.renderRoot.querySelector<HTMLButtonElement>('[data-clear]')?.focus();
  }

  private _fire(name: 'filter-remove' | 'filter-clear', id: string) {
    this._refocus = name === 'filter-remove' && this.documents.length > 1;
    this.dispatchEvent(new CustomEvent<string>(name, { detail: id, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'document-filter': DocumentFilterElement;
  }
}
