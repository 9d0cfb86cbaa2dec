import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ImportedText } from '../app/api.ts';
import { ACCEPTED_FILES, ACCEPTED_LABEL, ImportError, importFile, importPastedText, plainTextHere, type PlainText } from '../import/index.ts';
import { base, panel } from './theme.ts';

export interface ImportDetail {
  documents: ImportedText[];
}

export interface NoticeDetail {
  kind: 'info' | 'success' | 'error';
  message: string;
}

/**
 * Brings documents in: drag and drop, a file picker, or pasted text. Files are read to plain text here
 * (src/import); what can't be read becomes an error notice and is not passed on.
 *
 * @fires import-documents - detail: ImportDetail, the texts to add to the library.
 * @fires notice - detail: NoticeDetail, a message for the user (e.g. a file that could not be read).
 */
@customElement('import-panel')
export class ImportPanelElement extends LitElement {
  static override styles = [
    base,
    panel,
    css`
      .drop {
        border: 2px dashed var(--p-border);
        border-radius: var(--p-radius);
        padding: 1.1rem 0.9rem;
        text-align: center;
        display: grid;
        gap: 0.55rem;
        justify-items: center;
        transition: border-color 120ms ease, background 120ms ease;
      }
      .drop.over {
        border-color: var(--p-accent);
        background: var(--p-accent-soft);
      }
      .drop p {
        margin: 0;
        font-size: 0.9rem;
      }
      .hint {
        font-size: 0.8rem;
      }
      details {
        margin-top: 0.85rem;
      }
      summary {
        cursor: pointer;
        font-size: 0.9rem;
        padding: 0.25rem 0;
        border-radius: 4px;
      }
      .paste {
        display: grid;
        gap: 0.5rem;
        margin-top: 0.5rem;
      }
      textarea,
      input[type='text'] {
        font: inherit;
        font-size: 0.9rem;
        width: 100%;
        padding: 0.5rem 0.6rem;
        border: 1px solid var(--p-border);
        border-radius: 8px;
        background: var(--p-surface);
        color: var(--p-text);
      }
      textarea {
        min-height: 7rem;
        resize: vertical;
      }
      .paste button {
        justify-self: start;
      }
      .busy {
        min-height: 1.2rem;
        font-size: 0.8rem;
        margin: 0;
      }
    `,
  ];

  /** Disables the inputs while the shell is storing what was imported. */
  @property({ type: Boolean }) busy = false;
  /** Where big texts are decoded and cleaned (the app's library worker); this thread when not set. */
  @property({ attribute: false }) plainText: PlainText = plainTextHere;

  @state() private _over = false;
  @state() private _reading = '';

  @query('input[type=file]') private _fileInput!: HTMLInputElement;
  @query('textarea') private _textarea!: HTMLTextAreaElement;
  @query('#paste-title') private _pasteTitle!: HTMLInputElement;

  override render() {
    const disabled = this.busy || Boolean(this._reading);
    return html`
      <section class="card" aria-labelledby="import-heading">
        <h2 id="import-heading">Add documents</h2>
        <div
          class="drop ${this._over ? 'over' : ''}"
          @dragenter=${this._onDragOver}
          @dragover=${this._onDragOver}
          @dragleave=${() => (this._over = false)}
          @drop=${this._onDrop}
        >
          <p>Drop files here, or</p>
          <button class="primary" ?disabled=${disabled} @click=${() => this._fileInput.click()}>Choose files…</button>
          <p class="hint muted">${ACCEPTED_LABEL} · read on this device only</p>
          <input
            class="visually-hidden"
            type="file"
            multiple
            accept=${ACCEPTED_FILES}
            aria-label="Choose files to add"
            tabindex="-1"
            @change=${this._onPick}
          />
        </div>
        <p class="busy muted" aria-live="polite">${this._reading ? `Reading ${this._reading}…` : ''}</p>
        <details>
          <summary>Paste text</summary>
          <form class="paste" @submit=${this._onPaste}>
            <label class="visually-hidden" for="paste-title">Title (optional)</label>
            <input id="paste-title" type="text" placeholder="Title (optional)" autocomplete="off" />
            <label class="visually-hidden" for="paste-text">Text</label>
            <textarea id="paste-text" placeholder="Paste or type text here"></textarea>
            <button type="submit" ?disabled=${disabled}>Add text</button>
          </form>
        </details>
      </section>
    `;
  }

  /** Reads files handed over by the app (sent by the operating system) exactly as picked or dropped ones. */
  importFiles(files: File[]): Promise<void> {
    return this._readFiles(files);
  }

  private _onDragOver(event: DragEvent) {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this._over = true;
  }

  private _onDrop(event: DragEvent) {
    event.preventDefault();
    this._over = false;
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length) void this._readFiles(files);
  }

  private _onPick() {
    const files = Array.from(this._fileInput.files ?? []);
    // Reset so that choosing the same file again fires `change` again.
    this._fileInput.value = '';
    if (files.length) void this._readFiles(files);
  }

  private _onPaste(event: Event) {
    event.preventDefault();
    try {
      const doc = importPastedText(this._textarea.value, this._pasteTitle.value);
      this._emitDocuments([doc]);
      this._textarea.value = '';
      this._pasteTitle.value = '';
    } catch (error) {
      this._notice('error', error instanceof Error ? error.message : String(error));
    }
  }

  private async _readFiles(files: File[]) {
    const documents: ImportedText[] = [];
    for (const file of files) {
      this._reading = file.name;
      try {
        documents.push(await importFile(file, this.plainText));
      } catch (error) {
        const message = error instanceof ImportError ? error.message : `“${file.name}” could not be read.`;
        if (!(error instanceof ImportError)) console.error(error);
        this._notice('error', message);
      }
    }
    this._reading = '';
    if (documents.length) this._emitDocuments(documents);
  }

  private _emitDocuments(documents: ImportedText[]) {
    this.dispatchEvent(
      new CustomEvent<ImportDetail>('import-documents', { detail: { documents }, bubbles: true, composed: true }),
    );
  }

  private _notice(kind: NoticeDetail['kind'], message: string) {
    this.dispatchEvent(new CustomEvent<NoticeDetail>('notice', { detail: { kind, message }, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'import-panel': ImportPanelElement;
  }
}
