import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { StorageInfo } from '../app/api.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { formatBytes, plural } from './format.ts';
import './model-settings.ts';
import { base, panel } from './theme.ts';

/**
 * Settings and the library's housekeeping: the model in use, hybrid search, storage used and "keep data",
 * export / import of the library file, and clearing the library (asks first).
 *
 * @fires hybrid-change - detail: boolean.
 * @fires persist-storage - The user asked the browser to keep Passage's data.
 * @fires export-library
 * @fires import-library - detail: File, a library file chosen by the user.
 * @fires clear-library - Confirmed by the user.
 */
@customElement('settings-panel')
export class SettingsPanelElement extends LitElement {
  static override styles = [
    base,
    panel,
    css`
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.3rem 0.9rem;
        margin: 0 0 0.9rem;
        font-size: 0.85rem;
      }
      dt {
        color: var(--p-muted);
      }
      dd {
        margin: 0;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .group {
        border-top: 1px solid var(--p-border);
        padding-top: 0.85rem;
        margin-top: 0.85rem;
        display: grid;
        gap: 0.55rem;
      }
      h3 {
        font-size: 0.85rem;
        margin: 0;
        font-weight: 650;
      }
      label.check {
        display: flex;
        gap: 0.55rem;
        align-items: flex-start;
        font-size: 0.875rem;
        line-height: 1.35;
        cursor: pointer;
      }
      label.check input {
        margin-top: 0.15rem;
        width: 1rem;
        height: 1rem;
        accent-color: var(--p-accent);
      }
      .small {
        font-size: 0.8rem;
        margin: 0;
      }
      meter {
        width: 100%;
        height: 0.5rem;
      }
      .buttons {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
      }
      .confirm {
        border: 1px solid var(--p-danger);
        background: var(--p-danger-soft);
        border-radius: 8px;
        padding: 0.7rem;
        display: grid;
        gap: 0.55rem;
        font-size: 0.875rem;
      }
      .confirm p {
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) model: ModelSpec | null = null;
  /** The device the model runs on, once known ('wasm', 'webgpu'). */
  @property() device = '';
  @property({ type: Boolean }) hybrid = true;
  @property({ attribute: false }) storage: StorageInfo | null = null;
  @property({ type: Number }) documentCount = 0;
  /** Export, import or clear is in progress. */
  @property({ type: Boolean }) busy = false;

  @state() private _confirmClear = false;

  @query('input[type=file]') private _fileInput!: HTMLInputElement;

  override render() {
    const model = this.model;
    const storage = this.storage;
    return html`
      <section class="card" aria-labelledby="settings-heading">
        <h2 id="settings-heading">Settings</h2>
        ${model
          ? html`<dl>
              <dt>Model</dt>
              <dd class="model-name">${model.name}</dd>
              <dt>Vectors</dt>
              <dd>${model.dimensions} dimensions · ${model.dtype}${this.device ? ` · ${this.device}` : ''}</dd>
            </dl>`
          : nothing}
        <label class="check">
          <input type="checkbox" .checked=${this.hybrid} @change=${this._onHybrid} />
          <span>Hybrid search<br /><span class="muted small">Also match exact words, not only meaning.</span></span>
        </label>

        <div class="group models">
          <h3>Models</h3>
          <model-settings></model-settings>
        </div>
        <div class="group">
          <h3>Storage on this device</h3>
          ${storage?.usage != null && storage.quota
            ? html`<meter min="0" max=${storage.quota} .value=${storage.usage} aria-label="Storage used"></meter>
                <p class="small muted storage-used">${formatBytes(storage.usage)} used of ${formatBytes(storage.quota)} available</p>`
            : html`<p class="small muted">Storage use is not reported by this browser.</p>`}
          ${storage?.persisted
            ? html`<p class="small persisted">✓ The browser will keep Passage's data.</p>`
            : html`<p class="small muted">The browser may clear Passage's data when space runs low.</p>
                <div class="buttons">
                  <button @click=${() => this._fire('persist-storage')}>Keep data on this device</button>
                </div>`}
        </div>

        <div class="group">
          <h3>Library file</h3>
          <p class="small muted">Move your library to another browser, or keep a backup. The file holds the text and its index.</p>
          <div class="buttons">
            <button ?disabled=${this.busy || this.documentCount === 0} @click=${() => this._fire('export-library')}>
              Export library
            </button>
            <button ?disabled=${this.busy} @click=${() => this._fileInput.click()}>Import library…</button>
            <input
              class="visually-hidden"
              type="file"
              accept=".passage,.gz,.json,application/json,application/gzip"
              aria-label="Library file to import"
              tabindex="-1"
              @change=${this._onImportFile}
            />
          </div>
        </div>

        <div class="group">
          <h3>Clear library</h3>
          ${this._confirmClear
            ? html`<div class="confirm" role="group" aria-label="Confirm clearing the library">
                <p>Delete ${plural(this.documentCount, 'document')} and their index from this device? This cannot be undone.</p>
                <div class="buttons">
                  <button class="danger solid" data-confirm-clear @click=${this._onClear}>Delete everything</button>
                  <button @click=${() => (this._confirmClear = false)}>Cancel</button>
                </div>
              </div>`
            : html`<div class="buttons">
                <button class="danger" ?disabled=${this.busy || this.documentCount === 0} @click=${() => (this._confirmClear = true)}>
                  Clear library…
                </button>
              </div>`}
        </div>
      </section>
    `;
  }

  protected override updated(changed: Map<PropertyKey, unknown>) {
    if (changed.has('_confirmClear') && this._confirmClear) {
      this.renderRoot.querySelector<HTMLButtonElement>('[data-confirm-clear]')?.focus();
    }
  }

  private _onHybrid(event: Event) {
    const checked = (event.target as HTMLInputElement).checked;
    this.dispatchEvent(new CustomEvent<boolean>('hybrid-change', { detail: checked, bubbles: true, composed: true }));
  }

  private _onImportFile() {
    const file = this._fileInput.files?.[0];
    this._fileInput.value = '';
    if (file) this.dispatchEvent(new CustomEvent<File>('import-library', { detail: file, bubbles: true, composed: true }));
  }

  private _onClear() {
    this._confirmClear = false;
    this._fire('clear-library');
  }

  private _fire(name: 'persist-storage' | 'export-library' | 'clear-library') {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'settings-panel': SettingsPanelElement;
  }
}
