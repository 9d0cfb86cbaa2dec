import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { base } from './theme.ts';

export type UpdateState = 'none' | 'offline-ready' | 'update-available';

/**
 * A small bar: "Ready to work offline" after the first install, and "A new version is available — Reload" when
 * an update waits. On a wide window it floats at the bottom, so it never moves the page; on a phone a floating
 * bar would sit on top of the content, so there it takes its own row in the page (the shell places it under the
 * progress line) and covers nothing.
 *
 * @fires update-accept - Activate the new version and reload.
 * @fires update-dismiss
 */
@customElement('update-prompt')
export class UpdatePromptElement extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        position: fixed;
        inset: auto 0 max(1rem, env(safe-area-inset-bottom)) 0;
        display: flex;
        justify-content: center;
        pointer-events: none;
        z-index: 10;
        padding: 0 0.75rem;
      }
      .bar {
        pointer-events: auto;
        display: flex;
        align-items: center;
        gap: 0.75rem;
        flex-wrap: wrap;
        padding: 0.6rem 0.6rem 0.6rem 1rem;
        max-width: 32rem;
        font-size: 0.9rem;
        box-shadow: 0 6px 24px rgb(0 0 0 / 18%);
      }
      .bar span {
        flex: 1 1 auto;
      }
      @media (max-width: 40rem) {
        :host {
          position: static;
          padding: 0;
          justify-content: stretch;
        }
        .bar {
          flex: 1 1 auto;
          max-width: none;
          margin-top: 0.75rem;
          box-shadow: none;
        }
      }
    `,
  ];

  @property() state: UpdateState = 'none';

  override render() {
    if (this.state === 'none') return html`<div role="status"></div>`;
    return html`
      <div class="bar card" role="status">
        ${this.state === 'update-available'
          ? html`<span>A new version of Passage is available.</span>
              <button class="primary" @click=${() => this._fire('update-accept')}>Reload</button>
              <button @click=${() => this._fire('update-dismiss')}>Later</button>`
          : html`<span>Ready to work offline.</span>
              <button @click=${() => this._fire('update-dismiss')} aria-label="Dismiss">OK</button>`}
      </div>
    `;
  }

  private _fire(name: 'update-accept' | 'update-dismiss') {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'update-prompt': UpdatePromptElement;
  }
}
