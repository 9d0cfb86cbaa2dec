import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { bareList, base } from './theme.ts';

export interface Notice {
  id: number;
  kind: 'info' | 'success' | 'error';
  message: string;
}

/**
 * Messages about what just happened (added, duplicate, could not read…). Errors are announced assertively,
 * the rest politely; each can be dismissed.
 *
 * @fires dismiss - detail: the notice id.
 */
@customElement('notice-list')
export class NoticeListElement extends LitElement {
  static override styles = [
    base,
    bareList,
    css`
      :host {
        display: block;
      }
      /* Empty lists take no space, so the panel above keeps its usual distance to the next one. */
      ul:not(:empty) {
        margin-top: 0.6rem;
      }
      li {
        display: flex;
        align-items: flex-start;
        gap: 0.5rem;
        padding: 0.5rem 0.4rem 0.5rem 0.75rem;
        border-radius: 8px;
        font-size: 0.875rem;
        line-height: 1.4;
        border: 1px solid var(--p-border);
        background: var(--p-surface);
      }
      li.error {
        border-color: var(--p-danger);
        background: var(--p-danger-soft);
      }
      li.success .message::before {
        content: '✓ ';
        color: var(--p-ok);
      }
      .message {
        flex: 1;
        min-width: 0;
        overflow-wrap: anywhere;
        padding-top: 0.1rem;
        /* A batch summary lists its files one a line. */
        white-space: pre-line;
      }
      button {
        min-height: 1.75rem;
        padding: 0.1rem 0.45rem;
        border: none;
        background: none;
        color: var(--p-muted);
      }
    `,
  ];

  @property({ attribute: false }) notices: Notice[] = [];

  override render() {
    const errors = this.notices.filter((n) => n.kind === 'error');
    const others = this.notices.filter((n) => n.kind !== 'error');
    return html`
      <ul role="alert" aria-label="Problems">${repeat(errors, (n) => n.id, (n) => this._item(n))}</ul>
      <ul role="status" aria-label="Messages">${repeat(others, (n) => n.id, (n) => this._item(n))}</ul>
    `;
  }

  private _item(notice: Notice) {
    return html`<li class="notice ${notice.kind}">
      <span class="message">${notice.message}</span>
      <button aria-label="Dismiss" title="Dismiss" @click=${() => this._dismiss(notice.id)}>✕</button>
    </li>`;
  }

  private _dismiss(id: number) {
    this.dispatchEvent(new CustomEvent<number>('dismiss', { detail: id, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'notice-list': NoticeListElement;
  }
}
