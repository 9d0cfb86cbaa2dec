/**
 * The model settings' styles: the list of models with their facts, and the add form (hub id, folder, zip) with
 * its fieldsets, progress and messages.
 */
import { css } from 'lit';

export const modelSettingsStyles = css`
  :host {
    display: grid;
    gap: 0.55rem;
  }
  li {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3rem 0.6rem;
    align-items: center;
    justify-content: space-between;
    font-size: 0.85rem;
  }
  .facts {
    color: var(--p-muted);
    font-size: 0.8rem;
  }
  .in-use {
    font-size: 0.75rem;
    font-weight: 650;
    color: var(--p-accent);
  }
  details {
    font-size: 0.85rem;
  }
  summary {
    cursor: pointer;
    font-weight: 600;
  }
  form {
    display: grid;
    gap: 0.45rem;
    margin-top: 0.5rem;
  }
  label {
    display: grid;
    gap: 0.15rem;
    font-size: 0.8rem;
    min-width: 0;
  }
  .field {
    width: 100%;
    box-sizing: border-box;
    min-width: 0;
  }
  .row > label {
    flex: 1 1 7rem;
  }
  label.check {
    display: flex;
    gap: 0.4rem;
    align-items: center;
    flex: 0 0 auto;
  }
  fieldset {
    border: 0;
    border-top: 1px solid var(--p-border);
    margin: 0.3rem 0 0;
    padding: 0.5rem 0 0;
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
  }
  legend {
    font-size: 0.8rem;
    font-weight: 600;
    padding: 0;
  }
  .small {
    font-size: 0.8rem;
    margin: 0;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  progress {
    width: 100%;
  }
  .error {
    color: var(--p-danger);
    margin: 0;
    font-size: 0.8rem;
  }
  .done {
    margin: 0;
    font-size: 0.8rem;
  }
`;
