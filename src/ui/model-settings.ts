import { LitElement, html, nothing } from 'lit';
import { isAbortError } from '../shared/abort.ts';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ModelChoices } from '../core/model-catalogue.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import { ModelManager, type ModelList } from '../app/model-manager.ts';
import { formatBytes } from './format.ts';
import { modelSettingsStyles } from './model-settings-styles.ts';
import { bareList, base, field } from './theme.ts';

type Busy =
  | { kind: 'hub'; loaded: number; total: number; controller: AbortController }
  | { kind: 'files' }
  | { kind: 'switching' }
  | { kind: 'removing'; name: string }
  | null;

/**
 * Settings → Models: the models the app knows (built-in and added), which one is in use, switching, removing an
 * added one, and adding a Transformers.js feature-extraction model from the Hugging Face hub (download with
 * progress and cancel), a folder or a zip. The work is in app/model-manager.ts; switching restarts the app with
 * the chosen model, whose missing vectors are then embedded in the background (the usual progress line).
 * Removing asks once more (the model's vectors go too), and then tells the page that storage was freed.
 *
 * @fires storage-changed - A removed model's files and vectors were deleted (the storage figure is stale).
 */
@customElement('model-settings')
export class ModelSettingsElement extends LitElement {
  static override styles = [base, field, bareList, modelSettingsStyles];

  /** Tests may pass their own; the page's shared one otherwise. */
  @property({ attribute: false }) manager: ModelManager | null = null;

  @state() private _list: ModelList | null = null;
  @state() private _busy: Busy = null;
  @state() private _error = '';
  @state() private _done = '';
  /** What the last removal did (outside the add form, which may be closed). */
  @state() private _removal = '';
  /** The model whose Remove was pressed once and now asks for confirmation. */
  @state() private _confirming: string | null = null;

  @query('form') private _form!: HTMLFormElement;

  override connectedCallback() {
    super.connectedCallback();
    this.manager ??= ModelManager.shared();
    void this._refresh();
  }

  protected override updated(changed: Map<PropertyKey, unknown>) {
    if (changed.has('manager')) void this._refresh();
  }

  /**
   * A file chooser from an input that is never in the document: the settings panel's own file input (the library
   * file) stays the only one inside it, which tests and benches look up as `settings-panel input[type=file]`.
   */
  private _pick(kind: 'folder' | 'zip') {
    const input = document.createElement('input');
    input.type = 'file';
    if (kind === 'folder') {
      input.webkitdirectory = true;
      input.multiple = true;
    } else {
      input.accept = '.zip,application/zip';
    }
    input.addEventListener('change', () => (kind === 'folder' ? this._onFolder([...(input.files ?? [])]) : this._onZip(input.files?.[0])), { once: true });
    input.click();
  }

  private async _refresh() {
    if (!this.manager) return;
    this._list = await this.manager.list();
  }

  override render() {
    const list = this._list;
    if (!list) return nothing;
    const busy = this._busy;
    return html`
      <ul aria-label="Models">
        ${list.models.map((model) => this._renderModel(model, model.id === list.active.id))}
      </ul>
      ${busy?.kind === 'removing' ? html`<p class="small muted removing" role="status">Removing ${busy.name} and its vectors…</p>` : nothing}
      ${this._removal ? html`<p class="done removal" role="status">${this._removal}</p>` : nothing}
      <details>
        <summary>Add a model…</summary>
        <form @submit=${(e: Event) => e.preventDefault()}>
          <p class="small muted">A Transformers.js feature-extraction model (config.json, tokenizer.json, tokenizer_config.json, onnx/). Switching model embeds your library again in the background; the vectors of every model stay, so switching back is instant.</p>
          <label>Name <input class="field" name="name" placeholder="e.g. bge-small" autocomplete="off" /></label>
          <div class="row">
            <label>Pooling
              <select class="field" name="pooling">
                <option value="mean">mean</option>
                <option value="cls">cls</option>
              </select>
            </label>
            <label>Dimensions <input class="field" name="dimensions" type="number" min="1" placeholder="from config.json" /></label>
            <label class="check"><input type="checkbox" name="normalize" checked /> Normalise</label>
          </div>
          <label>Question prefix <input class="field" name="queryPrefix" placeholder="e.g. query: " autocomplete="off" /></label>
          <label>Passage prefix <input class="field" name="passagePrefix" placeholder="e.g. passage: " autocomplete="off" /></label>
          <fieldset aria-label="From the Hugging Face hub">
            <legend>From the Hugging Face hub (online)</legend>
            <label>Hub model <input class="field" name="repo" placeholder="Xenova/bge-small-en-v1.5" autocomplete="off" /></label>
            <label>Revision <input class="field" name="revision" value="main" autocomplete="off" /></label>
            <button type="button" data-hub ?disabled=${busy !== null} @click=${this._onHub}>Download from the hub</button>
          </fieldset>
          <fieldset aria-label="From this device">
            <legend>From this device (works offline)</legend>
            <button type="button" data-folder ?disabled=${busy !== null} @click=${() => this._pick('folder')}>Add from a folder…</button>
            <button type="button" data-zip ?disabled=${busy !== null} @click=${() => this._pick('zip')}>Add from a zip…</button>
          </fieldset>
          ${busy?.kind === 'hub'
            ? html`<div class="row hub-progress">
                <progress max=${busy.total || 1} .value=${busy.loaded} aria-label="Model download"></progress>
                <span class="small muted">${formatBytes(busy.loaded)} of ${formatBytes(busy.total)}</span>
                <button type="button" @click=${() => busy.controller.abort()}>Cancel download</button>
              </div>`
            : busy?.kind === 'files'
              ? html`<p class="small muted" role="status">Checking the model…</p>`
              : nothing}
          ${this._error ? html`<p class="error" role="alert">${this._error}</p>` : nothing}
          ${this._done ? html`<p class="done" role="status">${this._done}</p>` : nothing}
        </form>
      </details>
    `;
  }

  private _renderModel(model: ModelSpec, active: boolean) {
    const added = model.id.startsWith('user/');
    const idle = this._busy === null;
    const fallback = this._list?.models[0]?.name ?? 'the default model';
    return html`<li data-model=${model.id}>
      <span>
        <span class="model-name">${model.name}</span>
        <span class="facts">${model.dimensions} dimensions · ${model.pooling} · ${model.dtype}${added ? ` · added (${model.source.kind})` : ''}</span>
      </span>
      ${this._confirming === model.id
        ? html`<span class="row confirm-remove">
            <span class="small">${active ? `Remove ${model.name} and its vectors, and go back to ${fallback}?` : `Remove ${model.name} and its vectors?`}</span>
            <button type="button" data-confirm-remove class="danger" ?disabled=${!idle} @click=${() => void this._remove(model)}>Remove</button>
            <button type="button" @click=${() => (this._confirming = null)}>Keep</button>
          </span>`
        : html`<span class="row">
            ${active ? html`<span class="in-use">In use</span>` : html`<button type="button" data-use ?disabled=${!idle} @click=${() => void this._use(model)}>Use</button>`}
            ${added ? html`<button type="button" data-remove class="danger" ?disabled=${!idle} @click=${() => (this._confirming = model.id)}>Remove</button>` : nothing}
          </span>`}
    </li>`;
  }

  private _choices(fallbackName: string): ModelChoices {
    const data = new FormData(this._form);
    const text = (name: string) => formText(data, name);
    const dimensions = Number(text('dimensions'));
    return {
      name: text('name').trim() || fallbackName,
      pooling: text('pooling') === 'cls' ? 'cls' : 'mean',
      normalize: data.get('normalize') !== null,
      queryPrefix: text('queryPrefix'),
      passagePrefix: text('passagePrefix'),
      ...(dimensions > 0 ? { dimensions } : {}),
    };
  }

  private async _run(busy: NonNullable<Busy>, add: (manager: ModelManager) => Promise<ModelSpec>) {
    const manager = this.manager;
    if (!manager) return;
    this._busy = busy;
    this._error = '';
    this._done = '';
    try {
      const spec = await add(manager);
      this._done = `${spec.name} was added (${spec.dimensions} dimensions). Press “Use” to search with it.`;
      await this._refresh();
    } catch (error) {
      this._error = isAbortError(error) ? 'Download cancelled; nothing was kept.' : messageOf(error);
    } finally {
      this._busy = null;
    }
  }

  private _onHub() {
    const data = new FormData(this._form);
    const repo = formText(data, 'repo').trim();
    const revision = formText(data, 'revision').trim() || 'main';
    if (!repo) {
      this._error = 'Enter a hub model id, such as Xenova/bge-small-en-v1.5.';
      return;
    }
    const controller = new AbortController();
    const busy = { kind: 'hub' as const, loaded: 0, total: 0, controller };
    void this._run(busy, (manager) =>
      manager.addFromHub({ repo, revision }, this._choices(repo.split('/').pop() ?? repo), {
        signal: controller.signal,
        onProgress: (p) => {
          if (this._busy?.kind === 'hub') this._busy = { ...this._busy, loaded: p.loaded, total: p.total };
        },
      }),
    );
  }

  private _onFolder(files: File[]) {
    const [first] = files;
    if (!first) return;
    const folder = (first.webkitRelativePath || first.name).split('/')[0] ?? 'model';
    void this._run({ kind: 'files' }, (manager) => manager.addFromFiles(files, this._choices(folder)));
  }

  private _onZip(zip: File | undefined) {
    if (!zip) return;
    void this._run({ kind: 'files' }, (manager) => manager.addFromZip(zip, this._choices(zip.name.replace(/\.zip$/i, ''))));
  }

  private async _use(model: ModelSpec) {
    if (!this.manager) return;
    this._busy = { kind: 'switching' };
    try {
      await this.manager.use(model.id); // the app restarts with it
    } catch (error) {
      this._error = messageOf(error);
      this._busy = null;
    }
  }

  private async _remove(model: ModelSpec) {
    if (!this.manager) return;
    this._confirming = null;
    this._removal = '';
    this._busy = { kind: 'removing', name: model.name };
    try {
      const { restarting, vectorsDeleted } = await this.manager.remove(model.id);
      if (restarting) return; // the app restarts with the default model, which deletes the vectors
      this._removal = vectorsDeleted
        ? `${model.name} was removed from this device, with its vectors.`
        : `${model.name} was removed; some of its vectors are still stored, and Passage deletes them at its next start.`;
    } catch (error) {
      this._removal = `${model.name} could not be removed: ${messageOf(error)}`;
    } finally {
      this._busy = null;
    }
    this.dispatchEvent(new CustomEvent('storage-changed', { bubbles: true, composed: true }));
    await this._refresh();
  }
}

/** A text field's value; '' when absent (a form's text fields never hold a File). */
function formText(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.replace(/^Passage: /, '') : String(error);
}

declare global {
  interface HTMLElementTagNameMap {
    'model-settings': ModelSettingsElement;
  }
}
