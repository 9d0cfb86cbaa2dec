/**
 * The hint under an empty search box once the library has documents: ask in your own words, and — when the sample
 * documents (src/import/samples.ts) are in the library — questions they answer, one click each. The questions live
 * here, not with the samples' texts, so the page does not load those texts to show them.
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { base } from './theme.ts';

/** Questions the three sample addresses answer (Roosevelt's four freedoms, Johnson's war on poverty, Washington's Vermont). */
export const SAMPLE_QUESTIONS = [
  'What freedoms should everyone in the world have?',
  'How will the country fight poverty?',
  'Which region asked to become a state of its own?',
] as const;

/**
 * @fires ask-question - detail: the question clicked.
 */
@customElement('example-questions')
export class ExampleQuestionsElement extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
      }
      .hint {
        margin: 1.5rem 0 0;
        font-size: 0.9rem;
        color: var(--p-muted);
        line-height: 1.6;
      }
      .hint button {
        font-size: 0.9rem;
      }
    `,
  ];

  /** The sample documents are in the library: offer their questions. */
  @property({ type: Boolean }) samples = false;

  override render() {
    return html`<p class="hint">
      Ask in your own words — Passage finds the passages that mean the same, even when they use different words.
      ${this.samples
        ? html`<br />Try:
            ${SAMPLE_QUESTIONS.map((q) => html`<button class="link" @click=${() => this._ask(q)}>${q}</button>`)}`
        : nothing}
    </p>`;
  }

  private _ask(question: string) {
    this.dispatchEvent(new CustomEvent<string>('ask-question', { detail: question, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'example-questions': ExampleQuestionsElement;
  }
}
