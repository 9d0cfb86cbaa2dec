import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Progress, UpgradeProgress } from '../app/api.ts';
import { formatBytes, formatEta, formatRate, plural } from './format.ts';
import { base } from './theme.ts';
import { upgradeStatus } from './upgrade-status.ts';

/**
 * The status strip under the header: a schema upgrade of the stored library, model download (bytes), model preparation, indexing (count, rate, ETA)
 * with a cancel button, indexing done by another tab (its progress, from the library's counts), an indexing failure with "try again", and what is left to index when idle. It always keeps its height, so nothing below it
 * moves when a stage starts or ends. Announced politely to screen readers.
 *
 * @fires cancel-indexing - The user stopped the indexing in flight.
 * @fires resume-indexing - The user asked to index what is pending.
 * @fires retry-model - The user asked to load the model again after it failed.
 * @fires repair-model - The user asked to fetch damaged or missing model files again.
 */
@customElement('progress-bar')
export class ProgressBarElement extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .strip {
        display: flex;
        align-items: center;
        gap: 0.75rem;
        min-height: 2.75rem;
        padding: 0.4rem 0;
        font-size: 0.875rem;
        flex-wrap: wrap;
      }
      .label {
        flex: 1 1 14rem;
        min-width: 0;
        overflow-wrap: anywhere;
      }
      .numbers {
        color: var(--p-muted);
        font-variant-numeric: tabular-nums;
      }
      progress {
        flex: 1 1 8rem;
        max-width: 16rem;
        height: 0.5rem;
        accent-color: var(--p-accent);
      }
      .dot {
        display: inline-block;
        width: 0.55rem;
        height: 0.55rem;
        border-radius: 50%;
        background: var(--p-ok);
        margin-right: 0.45rem;
        vertical-align: 0.05rem;
      }
      .dot.busy {
        background: var(--p-accent);
      }
      .dot.error {
        background: var(--p-danger);
      }
    `,
  ];

  @property({ attribute: false }) progress: Progress = { stage: 'idle' };
  /** Passages stored but not yet embedded for the current model. */
  @property({ type: Number }) pending = 0;
  @property({ type: Number }) indexed = 0;
  /** Set when the model could not be loaded; shown instead of everything else. */
  @property() error = '';
  /** The model failed because of its files: offer "Repair" next to "Try again". */
  @property({ type: Boolean }) repairable = false;
  /** A repair is running. */
  @property({ type: Boolean }) repairing = false;
  /** The stored library is being upgraded (here or in another tab): shown instead of everything but an error. */
  @property({ attribute: false }) upgrade: UpgradeProgress | null = null;
  /** True until the model has been loaded once in this session. */
  @property({ type: Boolean }) modelLoading = true;

  /** Bytes per model file, so the bar shows the whole download rather than one file at a time. */
  @state() private _files = new Map<string, { loaded: number; total: number }>();

  protected override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (changed.has('progress') && this.progress.stage === 'model-download') {
      const { file, loaded, total } = this.progress;
      this._files = new Map(this._files).set(file, { loaded, total });
    }
  }

  /**
   * The stage shown, and while indexing how far it is, as attributes on the element (`data-stage`, `data-done`,
   * `data-total`): what the strip says, readable by tools and tests without parsing its words.
   */
  protected override updated() {
    const p = this.progress;
    this.dataset.stage = p.stage;
    if (p.stage === 'indexing') {
      this.dataset.done = String(p.done);
      this.dataset.total = String(p.total);
    } else {
      delete this.dataset.done;
      delete this.dataset.total;
    }
  }

  override render() {
    return html`<div class="strip" role="status" aria-live="polite">${this._content()}</div>`;
  }

  private _content() {
    if (this.error) {
      return html`<span class="label"><span class="dot error"></span>${this.error}</span>
        ${this.repairable
          ? html`<button ?disabled=${this.repairing} @click=${() => this._fire('repair-model')}>${this.repairing ? 'Repairing…' : 'Repair'}</button>`
          : nothing}
        <button ?disabled=${this.repairing} @click=${() => this._fire('retry-model')}>Try again</button>`;
    }
    if (this.upgrade) {
      const { label, numbers, advice } = upgradeStatus(this.upgrade);
      return html`<span class="label upgrade"><span class="dot busy"></span>${label} <span class="numbers">${numbers}</span>
          ${advice}</span>
        <progress max=${this.upgrade.total || 1} .value=${this.upgrade.done} aria-label="Updating your library"></progress>`;
    }
    const p = this.progress;
    switch (p.stage) {
      case 'model-download': {
        let loaded = 0;
        let total = 0;
        for (const f of this._files.values()) {
          loaded += f.loaded;
          total += f.total;
        }
        return html`
          <span class="label"><span class="dot busy"></span>Loading the language model
            <span class="numbers">${formatBytes(loaded)}${total ? html` of ${formatBytes(total)}` : nothing}</span></span>
          <progress max=${total || 1} .value=${total ? loaded : 0} aria-label="Model download"></progress>
        `;
      }
      case 'model-compile':
        return html`<span class="label"><span class="dot busy"></span>Preparing the language model…</span>
          <progress aria-label="Preparing the model"></progress>`;
      case 'indexing': {
        const details = [formatRate(p.perSecond), formatEta(p.etaSeconds)].filter(Boolean).join(' · ');
        return html`
          <span class="label"><span class="dot busy"></span>Indexing passages
            <span class="numbers">${p.done.toLocaleString()} of ${p.total.toLocaleString()}${details ? ` · ${details}` : ''}</span></span>
          <progress max=${p.total || 1} .value=${p.done} aria-label="Indexing"></progress>
          <button @click=${() => this._fire('cancel-indexing')}>Cancel</button>
        `;
      }
      case 'indexing-elsewhere': {
        // This tab waits for the tab that indexes; the counts come from the library, which follows that tab's work.
        const total = this.indexed + this.pending;
        return html`
          <span class="label"><span class="dot busy"></span>Indexing in another Passage tab
            <span class="numbers">${total ? `${this.indexed.toLocaleString()} of ${total.toLocaleString()}` : ''}</span>
            · this tab takes over if that one closes</span>
          <progress max=${total || 1} .value=${this.indexed} aria-label="Indexing in another tab"></progress>
          <button @click=${() => this._fire('cancel-indexing')}>Cancel</button>
        `;
      }
      case 'working': {
        const what = p.title ? `“${p.title}”` : '';
        const label = {
          splitting: `Splitting ${what || 'the document'} into passages…`,
          saving: `Saving ${what || 'the document'}…`,
          deleting: `Deleting ${what || 'the document'}…`,
          importing: `Importing ${what || 'the library file'}…`,
        }[p.task];
        return html`<span class="label"><span class="dot busy"></span>${label}</span>
          ${p.total ? html`<progress max=${p.total} .value=${p.done ?? 0} aria-label=${label}></progress>` : html`<progress aria-label=${label}></progress>`}`;
      }
      case 'error':
        return html`
          <span class="label"><span class="dot error"></span>${p.message.replace(/Passage:\s*/g, '')}</span>
          <button @click=${() => this._fire('resume-indexing')}>Try again</button>
        `;
      default:
        if (this.modelLoading && p.stage !== 'model-ready') {
          return html`<span class="label"><span class="dot busy"></span>Starting…</span>`;
        }
        if (this.pending > 0) {
          return html`
            <span class="label"><span class="dot busy"></span>${plural(this.pending, 'passage')} not indexed yet</span>
            <button @click=${() => this._fire('resume-indexing')}>Index now</button>
          `;
        }
        return html`<span class="label"><span class="dot"></span>Ready${this.indexed
          ? html` <span class="numbers">· ${plural(this.indexed, 'passage')} indexed</span>`
          : nothing}</span>`;
    }
  }

  private _fire(name: 'cancel-indexing' | 'resume-indexing' | 'retry-model' | 'repair-model') {
    this.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'progress-bar': ProgressBarElement;
  }
}
