import { LitElement, css, html } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { base, field } from './theme.ts';

/**
 * Asks for a PDF's password (pdf.js asks through onPassword, again after a wrong one). `ask` resolves with the
 * password, or null when the person cancels (Escape or "Skip this file").
 */
@customElement('password-dialog')
export class PasswordDialogElement extends LitElement {
  static override styles = [
    base,
    field,
    css`
      dialog {
        border: 1px solid var(--p-border);
        border-radius: var(--p-radius);
        background: var(--p-surface);
        color: var(--p-text);
        max-width: min(26rem, calc(100vw - 2rem));
        padding: 1rem 1.1rem;
      }
      dialog::backdrop {
        background: rgb(0 0 0 / 35%);
      }
      h2 {
        margin: 0 0 0.5rem;
        font-size: 1.05rem;
      }
      p {
        margin: 0 0 0.75rem;
        font-size: 0.9rem;
        overflow-wrap: anywhere;
      }
      p.wrong {
        color: var(--p-danger);
      }
      .actions {
        display: flex;
        justify-content: flex-end;
        gap: 0.5rem;
        margin-top: 0.9rem;
      }
    `,
  ];

  @state() private _file = '';
  @state() private _wrong = false;
  /** Null until the first render. */
  @query('dialog') private _dialog!: HTMLDialogElement | null;
  @query('input') private _input!: HTMLInputElement;
  private _resolve: ((password: string | null) => void) | null = null;

  /** Shows the dialog for `fileName`; `wrong` says the last password did not open it. */
  async ask(fileName: string, wrong: boolean): Promise<string | null> {
    this._finish(null); // a dialog still open for another file is cancelled
    this._file = fileName;
    this._wrong = wrong;
    await this.updateComplete;
    this._input.value = '';
    this._dialog?.showModal(); // rendered by now (updateComplete)
    this._input.focus();
    return new Promise((resolve) => (this._resolve = resolve));
  }

  /** Closes the dialog as if the person had skipped the file (the whole import was cancelled). */
  dismiss(): void {
    this._finish(null);
  }

  override render() {
    const file = `“${this._file}”`;
    return html`<dialog aria-labelledby="password-title" @cancel=${this._onCancel}>
      <form @submit=${this._onSubmit}>
        <h2 id="password-title">Password needed</h2>
        ${this._wrong
          ? html`<p class="wrong" role="alert">That password did not open ${file}. Try again, or skip this file.</p>`
          : html`<p>${file} is protected by a password. Enter it to add the document; it is used only to read the file and is not kept.</p>`}
        <label class="visually-hidden" for="pdf-password">Password for ${file}</label>
        <input id="pdf-password" class="field" type="password" autocomplete="off" required />
        <div class="actions">
          <button type="button" @click=${() => this._finish(null)}>Skip this file</button>
          <button type="submit" class="primary">Open</button>
        </div>
      </form>
    </dialog>`;
  }

  private _onSubmit(event: Event) {
    event.preventDefault();
    this._finish(this._input.value);
  }

  private _onCancel(event: Event) {
    event.preventDefault();
    this._finish(null);
  }

  private _finish(password: string | null) {
    const resolve = this._resolve;
    this._resolve = null;
    if (this._dialog?.open) this._dialog.close();
    resolve?.(password);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'password-dialog': PasswordDialogElement;
  }
}
