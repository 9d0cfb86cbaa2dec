/**
 * The library panel's styles: the header with its counts, the title search and sort, and the fixed-height rows
 * (`--row-height`) the windowed list needs — every row the same height, so its place is arithmetic.
 */
import { css } from 'lit';

export const libraryPanelStyles = css`
  :host {
    --row-height: 5.75rem;
  }
  .head {
    display: flex;
    align-items: baseline;
    justify-content: space-between;
    gap: 0.5rem;
  }
  .count {
    font-size: 0.8rem;
  }
  .tools {
    display: flex;
    gap: 0.4rem;
    margin: 0.5rem 0 0.4rem;
  }
  .tools input,
  .tools select {
    font: inherit;
    font-size: 0.85rem;
    padding: 0.35rem 0.5rem;
    border-radius: 6px;
    border: 1px solid var(--p-border);
    background: var(--p-surface);
    color: var(--p-text);
    min-width: 0;
  }
  .tools input {
    flex: 1;
  }
  .tools input:focus-visible,
  .tools select:focus-visible {
    outline: 3px solid var(--p-focus);
    outline-offset: 0;
  }
  .shown {
    font-size: 0.8rem;
    margin: 0 0 0.3rem;
  }
  .scroller {
    max-height: min(32rem, 65vh);
    overflow-y: auto;
    overscroll-behavior: contain;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    position: relative;
  }
  li {
    position: absolute;
    left: 0;
    right: 0;
    height: var(--row-height);
    box-sizing: border-box;
    padding: 0.45rem 0.2rem 0.3rem 0.45rem;
    border-top: 1px solid var(--p-border);
    border-left: 3px solid transparent;
    display: grid;
    grid-template-rows: auto auto 1fr;
    gap: 0.2rem;
    overflow: hidden;
  }
  li.selected {
    border-left-color: var(--p-accent);
    background: var(--p-accent-soft);
  }
  .title {
    font-weight: 600;
    font-size: 0.9rem;
    margin: 0;
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  /* One line each: what does not fit wraps onto a hidden second line (the date first, on a phone). */
  .facts {
    font-size: 0.8rem;
    line-height: 1.35rem;
    height: 1.35rem;
    color: var(--p-muted);
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0 0.6rem;
    white-space: nowrap;
    overflow: hidden;
    font-variant-numeric: tabular-nums;
  }
  .badge {
    font-size: 0.7rem;
    font-weight: 600;
    letter-spacing: 0.02em;
    padding: 0.05rem 0.35rem;
    border-radius: 4px;
    background: var(--p-surface-2);
    color: var(--p-muted);
  }
  .indexed.partial {
    color: var(--p-accent);
  }
  .row-actions {
    display: flex;
    align-items: center;
    gap: 0 0.25rem;
    flex-wrap: wrap;
    height: 2rem;
    overflow: hidden;
  }
  .pick {
    display: inline-flex;
    align-items: center;
    gap: 0.3rem;
    font-size: 0.85rem;
    margin-right: 0.3rem;
    cursor: pointer;
    white-space: nowrap;
  }
  .pick input {
    width: 1.05rem;
    height: 1.05rem;
    margin: 0;
    accent-color: var(--p-accent);
  }
  .empty {
    font-size: 0.875rem;
    margin: 0;
  }
`;
