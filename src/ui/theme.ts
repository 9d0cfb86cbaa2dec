/**
 * Shared component styles. Colours, radii and spacing are CSS custom properties set once on <passage-shell>
 * (light and dark by prefers-color-scheme); custom properties inherit through shadow roots, so every component
 * follows them, with fallbacks for use on its own.
 */
import { css } from 'lit';

export const tokens = css`
  :host {
    --p-bg: #f6f7f9;
    --p-surface: #ffffff;
    --p-surface-2: #eef1f5;
    --p-text: #1b1f24;
    --p-muted: #5b6573;
    --p-border: #d5dbe3;
    --p-accent: #1d4ed8;
    --p-accent-hover: #1e40af;
    --p-accent-text: #ffffff;
    --p-accent-soft: #e3ebff;
    --p-mark: #fde68a;
    --p-mark-text: #1b1f24;
    --p-danger: #b42318;
    --p-danger-soft: #fdecea;
    --p-ok: #067647;
    --p-focus: #2563eb;
    --p-radius: 10px;
    --p-shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 1px 3px rgb(16 24 40 / 8%);
    --p-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
    --p-mono: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    color-scheme: light;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --p-bg: #101418;
      --p-surface: #171c22;
      --p-surface-2: #1f262e;
      --p-text: #e6e9ee;
      --p-muted: #9aa5b4;
      --p-border: #2e3742;
      --p-accent: #7aa2ff;
      --p-accent-hover: #9db9ff;
      --p-accent-text: #0b1020;
      --p-accent-soft: #1d2a4a;
      --p-mark: #6b5310;
      --p-mark-text: #fff7dc;
      --p-danger: #ff8a80;
      --p-danger-soft: #3a1d1b;
      --p-ok: #6ee7b7;
      --p-focus: #9db9ff;
      --p-shadow: none;
      color-scheme: dark;
    }
  }
`;

/** Buttons, focus rings, cards, visually-hidden text: used by every component. */
export const base = css`
  :host {
    font-family: var(--p-font, system-ui, sans-serif);
    color: var(--p-text, #1b1f24);
    box-sizing: border-box;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  :focus-visible {
    outline: 3px solid var(--p-focus, #2563eb);
    outline-offset: 2px;
  }
  button,
  .button {
    font: inherit;
    font-size: 0.9rem;
    line-height: 1.2;
    min-height: 2.25rem;
    padding: 0.45rem 0.85rem;
    border-radius: 8px;
    border: 1px solid var(--p-border, #d5dbe3);
    background: var(--p-surface, #fff);
    color: var(--p-text, #1b1f24);
    cursor: pointer;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4rem;
    white-space: nowrap;
  }
  button:hover:not(:disabled) {
    background: var(--p-surface-2, #eef1f5);
  }
  button.primary {
    background: var(--p-accent, #1d4ed8);
    border-color: var(--p-accent, #1d4ed8);
    color: var(--p-accent-text, #fff);
    font-weight: 600;
  }
  button.primary:hover:not(:disabled) {
    background: var(--p-accent-hover, #1e40af);
  }
  button.danger {
    color: var(--p-danger, #b42318);
  }
  button.danger.solid {
    background: var(--p-danger, #b42318);
    border-color: var(--p-danger, #b42318);
    color: var(--p-surface, #fff);
  }
  button.link {
    border: none;
    background: none;
    padding: 0.25rem 0.35rem;
    min-height: 0;
    color: var(--p-accent, #1d4ed8);
    text-decoration: underline;
    text-underline-offset: 2px;
  }
  button.link:hover:not(:disabled) {
    background: none;
    color: var(--p-accent-hover, #1e40af);
  }
  button:disabled {
    opacity: 0.55;
    cursor: default;
  }
  .card {
    background: var(--p-surface, #fff);
    border: 1px solid var(--p-border, #d5dbe3);
    border-radius: var(--p-radius, 10px);
    box-shadow: var(--p-shadow, none);
  }
  .muted {
    color: var(--p-muted, #5b6573);
  }
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  h2 {
    font-size: 1rem;
    margin: 0 0 0.75rem;
    font-weight: 650;
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
`;

/** A side panel (import, library, settings): a block with the panel padding. */
export const panel = css`
  :host {
    display: block;
  }
  section {
    padding: 1rem;
  }
`;

/** A text field (class `field`): the look the import panel's paste box and the password dialog share. */
export const field = css`
  .field {
    font: inherit;
    width: 100%;
    padding: 0.5rem 0.6rem;
    border: 1px solid var(--p-border);
    border-radius: 8px;
    background: var(--p-surface);
    color: var(--p-text);
  }
`;

/** A list without bullets or indent, its items a column with a small gap (notices, the model list). */
export const bareList = css`
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.4rem;
  }
`;
