/**
 * The shell's own styles: the page frame (header, the two-column layout from 900 px, the sticky side column) and
 * the advice line shown over an empty library.
 */
import { css } from 'lit';

export const shellStyles = css`
  :host {
    display: block;
    min-height: 100vh;
    min-height: 100dvh;
    background: var(--p-bg);
    color: var(--p-text);
    font-size: 1rem;
  }
  .wrap {
    max-width: 76rem;
    margin: 0 auto;
    padding: 0 max(1rem, env(safe-area-inset-left)) 5rem max(1rem, env(safe-area-inset-right));
  }
  header {
    display: flex;
    align-items: center;
    gap: 0.65rem;
    padding: 0.9rem 0 0.1rem;
  }
  header svg {
    flex: none;
  }
  h1 {
    font-size: 1.3rem;
    margin: 0;
    letter-spacing: -0.01em;
  }
  .tagline {
    font-size: 0.85rem;
    color: var(--p-muted);
    margin: 0;
    min-width: 0;
  }
  .layout {
    display: grid;
    gap: 1.25rem;
    grid-template-columns: minmax(0, 1fr);
    align-items: start;
  }
  @media (min-width: 900px) {
    .layout {
      grid-template-columns: minmax(0, 1fr) 22rem;
    }
    aside {
      position: sticky;
      top: 1rem;
    }
  }
  main {
    min-width: 0;
  }
  aside {
    display: grid;
    gap: 1rem;
    min-width: 0;
  }
  .advice {
    margin: 0.9rem 0 0;
    padding: 0.8rem 1rem;
    line-height: 1.5;
  }
  @media (max-width: 480px) {
    .tagline {
      display: none;
    }
  }
`;
