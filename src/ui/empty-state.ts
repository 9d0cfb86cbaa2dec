import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { base } from './theme.ts';

/**
 * First run: what Passage does, and a one-click way to try it with sample documents.
 *
 * @fires load-samples
 */
@customElement('empty-state')
export class EmptyStateElement extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      section {
        padding: 1.5rem 1.25rem;
        text-align: center;
        display: grid;
        gap: 0.8rem;
        justify-items: center;
        margin-top: 1rem;
      }
      h2 {
        font-size: 1.15rem;
        margin: 0;
      }
      p {
        margin: 0;
        max-width: 34rem;
        line-height: 1.55;
      }
      /* A class, not a style attribute: the Content-Security-Policy (style-src 'self') refuses inline styles. */
      .note {
        font-size: 0.85rem;
      }
      ul {
        text-align: left;
        margin: 0;
        padding-left: 1.2rem;
        line-height: 1.6;
        font-size: 0.9rem;
      }
    `,
  ];

  @property({ type: Boolean }) busy = false;

  override render() {
    return html`
      <section class="card" aria-labelledby="empty-heading">
        <h2 id="empty-heading">Search your documents by meaning</h2>
        <p class="muted">
          Add text files, Markdown, web pages, PDFs or Word documents, then ask questions in plain language.
          Everything stays on this device and works offline.
        </p>
        <button class="primary" ?disabled=${this.busy} @click=${this._load}>Try it with sample documents</button>
        <p class="muted note">
          Three State of the Union addresses (1790, 1941, 1964), in the public domain.
        </p>
      </section>
    `;
  }

  private _load() {
    this.dispatchEvent(new CustomEvent('load-samples', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'empty-state': EmptyStateElement;
  }
}
