import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SchemaState } from '../app/api.ts';
import { base } from './theme.ts';

/**
 * What a tab says when the library's schema moved under it: another tab upgraded Passage (this tab closed its
 * connection so the upgrade could go on, and can do nothing more until it reloads), or this tab's upgrade waits
 * for an older tab to close. Nothing while the schema is current.
 *
 * @fires reload-page - The user asked to reload.
 */
@customElement('schema-banner')
export class SchemaBannerElement extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .bar {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        flex-wrap: wrap;
        margin: 0.5rem 0;
        padding: 0.6rem 0.6rem 0.6rem 1rem;
        font-size: 0.9rem;
        border-left: 4px solid var(--p-accent);
      }
      .bar span {
        flex: 1 1 14rem;
      }
    `,
  ];

  @property() state: SchemaState = 'current';

  override render() {
    if (this.state === 'outdated') {
      return html`<div class="bar card" role="alert">
        <span>Passage was updated in another tab — reload to continue. Your library is safe; this tab can’t read it
          until it reloads.</span>
        <button class="primary" @click=${() => this._reload()}>Reload</button>
      </div>`;
    }
    if (this.state === 'waiting') {
      return html`<div class="bar card" role="status">
        <span>Passage is updating your library and waits for another Passage tab with an older version: close or
          reload that tab to continue.</span>
      </div>`;
    }
    return html``;
  }

  private _reload() {
    this.dispatchEvent(new CustomEvent('reload-page', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'schema-banner': SchemaBannerElement;
  }
}
