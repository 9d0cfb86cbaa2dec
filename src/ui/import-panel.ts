import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { AddResult, ImportedText } from '../app/api.ts';
import { importBatch, type BatchOutcome, type BatchProgress } from '../import/batch.ts';
import { ACCEPTED_FILES, ACCEPTED_LABEL, importFile, importPastedText, plainTextHere, type PlainText } from '../import/index.ts';
import { batchSummary } from './import-summary.ts';
import type { PasswordDialogElement } from './password-dialog.ts';
import './password-dialog.ts';
import { base, field, panel } from './theme.ts';

export interface ImportDetail {
  documents: ImportedText[];
}

export interface NoticeDetail {
  kind: 'info' | 'success' | 'error';
  message: string;
}

/**
 * Brings documents in: drag and drop, a file picker, or pasted text. Files go through one batch (import/batch.ts):
 * each is read to plain text (src/import) and handed to `addDocument`, one at a time, with one progress line and
 * a Cancel button, and the batch ends with one summary notice. Pasted text is passed on as a document.
 *
 * @fires import-documents - detail: ImportDetail, pasted text to add to the library.
 * @fires files-imported - detail: BatchOutcome, after a batch of files (some may have been added).
 * @fires notice - detail: NoticeDetail, a message for the user (the batch's summary).
 */
@customElement('import-panel')
export class ImportPanelElement extends LitElement {
  static override styles = [
    base,
    panel,
    field,
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
      .field {
        font-size: 0.9rem;
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
        display: flex;
        align-items: center;
        gap: 0.5rem;
      }
      .busy .reading {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .busy button {
        font-size: 0.8rem;
        min-height: 1.6rem;
        padding: 0.1rem 0.6rem;
      }
    `,
  ];

  /** Disables the inputs while the shell is storing what was imported. */
  @property({ type: Boolean }) busy = false;
  /** Where big texts are decoded and cleaned (the app's library worker); this thread when not set. */
  @property({ attribute: false }) plainText: PlainText = plainTextHere;
  /** Stores one read document (the app's `addDocument`); without it files are read but not added. */
  @property({ attribute: false }) addDocument: ((doc: ImportedText) => Promise<AddResult>) | null = null;
  /** Holds background indexing for the length of a batch (the app's `holdIndexing`); returns the release. */
  @property({ attribute: false }) holdIndexing: (() => () => void) | null = null;

  @state() private _over = false;
  @state() private _batch: BatchProgress | null = null;
  private _cancel: AbortController | null = null;
  @query('password-dialog') private _password!: PasswordDialogElement;

  @query('input[type=file]') private _fileInput!: HTMLInputElement;
  @query('textarea') private _textarea!: HTMLTextAreaElement;
  @query('#paste-title') private _pasteTitle!: HTMLInputElement;

  override render() {
    const disabled = this.busy || Boolean(this._batch);
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
        <div class="busy muted">
          <span class="reading" aria-live="polite">${this._batchLine()}</span>
          ${this._batch
            ? html`<button class="cancel-import" @click=${this._onCancel} ?disabled=${this._cancel?.signal.aborted}>Cancel</button>`
            : ''}
        </div>
        <details>
          <summary>Paste text</summary>
          <form class="paste" @submit=${this._onPaste}>
            <label class="visually-hidden" for="paste-title">Title (optional)</label>
            <input id="paste-title" class="field" type="text" placeholder="Title (optional)" autocomplete="off" />
            <label class="visually-hidden" for="paste-text">Text</label>
            <textarea id="paste-text" class="field" placeholder="Paste or type text here"></textarea>
            <button type="submit" ?disabled=${disabled}>Add text</button>
          </form>
        </details>
      </section>
      <password-dialog></password-dialog>
    `;
  }

  private _onCancel() {
    this._cancel?.abort();
    this._password.dismiss();
    this.requestUpdate();
  }

  private _batchLine(): string {
    const batch = this._batch;
    if (!batch) return '';
    if (this._cancel?.signal.aborted) return 'Cancelling…';
    if (batch.total === 1) return batch.current ? `Adding ${batch.current}…` : '';
    return `Adding ${(batch.done + 1).toLocaleString()} of ${batch.total.toLocaleString()}${batch.current ? ` — ${batch.current}` : ''}…`;
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
    if (files.length) void this.importFiles(files);
  }

  private _onPick() {
    const files = Array.from(this._fileInput.files ?? []);
    // Reset so that choosing the same file again fires `change` again.
    this._fileInput.value = '';
    if (files.length) void this.importFiles(files);
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

  /**
   * Reads and adds files as one batch (also the way in for files the OS hands to Passage); resolves with what
   * happened to each. A batch already running is not interrupted: these files wait for it.
   */
  async importFiles(files: readonly File[]): Promise<BatchOutcome> {
    while (this._running) await this._running.catch(() => undefined);
    const run = this._runBatch(files);
    this._running = run;
    try {
      return await run;
    } finally {
      if (this._running === run) this._running = null;
    }
  }

  private _running: Promise<BatchOutcome> | null = null;

  private async _runBatch(files: readonly File[]): Promise<BatchOutcome> {
    const cancel = new AbortController();
    this._cancel = cancel;
    this._batch = { done: 0, total: files.length, current: '' };
    const add = this.addDocument;
    let lastShown = 0;
    // One file needs no hold; many are added faster when splitting does not wait behind embedding.
    const release = files.length > 1 ? this.holdIndexing?.() : undefined;
    try {
      const outcome = await importBatch(files, {
        signal: cancel.signal,
        read: (file, signal) =>
          importFile(file, { plainText: this.plainText, signal, askPassword: (name, wrong) => this._password.ask(name, wrong) }),
        add: async (doc) => {
          if (!add) throw new Error('Passage is not ready to add documents yet.');
          return add(doc);
        },
        onProgress: (progress) => {
          // At most ~8 renders a second, however many small files there are.
          const now = performance.now();
          if (progress.done === 0 || progress.current === '' || now - lastShown > 120) {
            lastShown = now;
            this._batch = progress;
          }
        },
      });
      const summary = batchSummary(outcome);
      this._notice(summary.kind, summary.message);
      this.dispatchEvent(new CustomEvent<BatchOutcome>('files-imported', { detail: outcome, bubbles: true, composed: true }));
      return outcome;
    } finally {
      release?.();
      this._batch = null;
      this._cancel = null;
    }
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
