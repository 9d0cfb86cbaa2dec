import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { base } from './theme.ts';

export interface SearchRequest {
  query: string;
  /** Aborted as soon as a newer search starts (or the box is cleared). */
  signal: AbortSignal;
}

/**
 * The question box. Enter searches at once; typing searches after a short pause. Each search carries an
 * AbortSignal, and starting a new one aborts the previous, so a slow answer never overwrites a newer one.
 *
 * @fires search - detail: SearchRequest. An empty query means "clear the results".
 * @fires query-input - detail: the text typed so far (on every change), so its vector can be embedded ahead.
 */
@customElement('search-box')
export class SearchBoxElement extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      form {
        display: flex;
        gap: 0.5rem;
      }
      input {
        flex: 1;
        min-width: 0;
        font: inherit;
        font-size: 1.05rem;
        padding: 0.7rem 0.9rem;
        border-radius: var(--p-radius);
        border: 1px solid var(--p-border);
        background: var(--p-surface);
        color: var(--p-text);
      }
      input::placeholder {
        color: var(--p-muted);
      }
      input:focus-visible {
        outline: 3px solid var(--p-focus);
        outline-offset: 0;
        border-color: var(--p-focus);
      }
      button {
        min-height: auto;
        padding-inline: 1.1rem;
      }
    `,
  ];

  /** Pause after the last keystroke before searching as you type. */
  @property({ type: Number }) debounce = 300;
  @property({ type: Boolean }) disabled = false;
  @property() placeholder = 'Ask a question about your documents…';
  /** Shown instead of `placeholder` when that one does not fit the box (a 360 px phone cuts it off). */
  @property() shortPlaceholder = 'Ask a question…';
  @state() private _placeholderFits = true;
  private readonly _fit = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => this._fitPlaceholder());

  @query('input') private _input!: HTMLInputElement;

  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _controller: AbortController | null = null;
  private _lastQuery = '';

  /** Puts keyboard focus in the question box. */
  focusInput() {
    this._input.focus();
  }

  /** Fills the box and searches at once (used by example questions). */
  ask(text: string) {
    this._input.value = text;
    this._search(true);
    this._input.focus();
  }

  /** Searches again for what the box holds, leaving focus where it is (e.g. after the document filter changed). */
  searchAgain() {
    if (this._input.value.trim()) this._search(true);
  }

  override connectedCallback() {
    super.connectedCallback();
    if (this.hasUpdated) this._fit?.observe(this._input);
  }

  protected override firstUpdated() {
    this._fit?.observe(this._input);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this._fit?.disconnect();
    clearTimeout(this._timer);
    this._controller?.abort();
  }

  override render() {
    return html`
      <form role="search" @submit=${this._onSubmit}>
        <label class="visually-hidden" for="q">Question</label>
        <input
          id="q"
          type="search"
          name="q"
          autocomplete="off"
          enterkeyhint="search"
          spellcheck="false"
          placeholder=${this._placeholderFits ? this.placeholder : this.shortPlaceholder}
          ?disabled=${this.disabled}
          @input=${this._onInput}
        />
        <button class="primary" type="submit" ?disabled=${this.disabled}>Search</button>
      </form>
    `;
  }

  /** Measures the long placeholder in the input's own font against the room the input has for text. */
  private _fitPlaceholder() {
    const input = this._input;
    const style = getComputedStyle(input);
    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const fits = room <= 0 || textWidth(this.placeholder, style.font) <= room;
    if (fits !== this._placeholderFits) this._placeholderFits = fits;
  }

  private _onInput() {
    this.dispatchEvent(new CustomEvent<string>('query-input', { detail: this._input.value, bubbles: true, composed: true }));
    clearTimeout(this._timer);
    this._timer = setTimeout(() => this._search(false), this.debounce);
  }

  private _onSubmit(event: Event) {
    event.preventDefault();
    this._search(true);
  }

  private _search(force: boolean) {
    clearTimeout(this._timer);
    const text = this._input.value.trim();
    // Typing a space or re-typing the same words shouldn't restart a search; Enter always does.
    if (!force && text === this._lastQuery) return;
    this._lastQuery = text;
    this._controller?.abort();
    this._controller = new AbortController();
    const detail: SearchRequest = { query: text, signal: this._controller.signal };
    this.dispatchEvent(new CustomEvent<SearchRequest>('search', { detail, bubbles: true, composed: true }));
  }
}

let measure: CanvasRenderingContext2D | null = null;

/** Width in CSS pixels of `text` drawn in `font` (a computed CSS font shorthand). */
function textWidth(text: string, font: string): number {
  measure ??= document.createElement('canvas').getContext('2d');
  if (!measure) return 0;
  measure.font = font;
  return measure.measureText(text).width;
}

declare global {
  interface HTMLElementTagNameMap {
    'search-box': SearchBoxElement;
  }
}
