import { LitElement, css, html } from 'lit';
import { customElement } from 'lit/decorators.js';

/** The app shell: header and the main search area. */
@customElement('passage-shell')
export class PassageShellElement extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font-family: system-ui, sans-serif;
    }
  `;

  override render() {
    return html`
      <header><h1>Passage</h1></header>
      <main><p>Offline semantic search for your own documents.</p></main>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'passage-shell': PassageShellElement;
  }
}
