import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ContextPassage, ImportedText, PassageApi } from '../app/api.ts';
import { plainTextHere, type PlainText } from '../import/plain-text.ts';
import type { OsDelivery } from '../pwa/os-documents.ts';
import type { Pwa } from '../pwa/register.ts';
import { searchAdvice } from './answer-state.ts';
import './document-filter.ts';
import './empty-state.ts';
import { messageOf } from './error-message.ts';
import './example-questions.ts';
import { focusWasLost } from './focus.ts';
import type { ImportDetail, NoticeDetail } from './import-panel.ts';
import './import-panel.ts';
import type { FilterToggle } from './library-panel.ts';
import './library-panel.ts';
import { LibraryStateController } from './library-state.ts';
import './notice-list.ts';
import { NoticesController } from './notices.ts';
import { shellStyles } from './passage-shell-styles.ts';
import './progress-bar.ts';
import './schema-banner.ts';
import type { SearchBoxElement, SearchRequest } from './search-box.ts';
import './search-box.ts';
import './search-results.ts';
import { SearchController } from './search-state.ts';
import './settings-panel.ts';
import { StatusController } from './status-state.ts';
import { base, tokens } from './theme.ts';
import type { UpdateState } from './update-prompt.ts';
import './update-prompt.ts';

const notReady = () => Promise.reject(new Error('Passage is not ready yet.'));

/**
 * The app shell: lays out the components and turns their events into calls on `PassageApi` — the only thing it
 * talks to. What it shows is kept by controllers: the status strip's (status-state.ts), the library's
 * (library-state.ts), the search's (search-state.ts) and the notices (notices.ts).
 *
 * For tests and tools it reflects the model's state on the host element as `data-model` ("loading" | "ready" |
 * "error"); the progress bar reflects the indexing progress it shows.
 */
@customElement('passage-shell')
export class PassageShellElement extends LitElement {
  static override styles = [tokens, base, shellStyles];

  @property({ attribute: false }) api: PassageApi | null = null;
  @property({ attribute: false }) pwa: Pwa | null = null;

  @state() private _update: UpdateState = 'none';
  /** Ids of the documents the search is limited to ("Search in" in the library); empty = the whole library. */
  @state() private _within: string[] = [];

  @query('search-box') private _searchBox!: SearchBoxElement;

  private readonly _notices = new NoticesController(this);
  private readonly _notify = this._notices.notify;
  private readonly _status = new StatusController(this, this._notify);
  private readonly _search = new SearchController(this);
  private readonly _library = new LibraryStateController(this, {
    notify: this._notify,
    onRemoved: (id) => (id === 'all' ? this._search.clear() : this._search.forget(id)),
    onRead: (documents) => {
      // A document deleted (here or in another tab) leaves the filter and the results shown.
      const ids = new Set(documents.map((d) => d.id));
      if (this._within.some((id) => !ids.has(id))) this._within = this._within.filter((id) => ids.has(id));
      this._search.keepOnly(ids);
    },
  });
  private _unsubscribe: (() => void)[] = [];

  override connectedCallback() {
    super.connectedCallback();
    // A file dropped outside the drop zone must not make the browser navigate away to it.
    window.addEventListener('dragover', this._preventFileDrop);
    window.addEventListener('drop', this._preventFileDrop);
    // A removed model's files and vectors were deleted (model-settings.ts, main.ts): the storage figure is stale.
    this.addEventListener('storage-changed', this._onStorageChanged);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('dragover', this._preventFileDrop);
    window.removeEventListener('drop', this._preventFileDrop);
    this.removeEventListener('storage-changed', this._onStorageChanged);
    this._detach();
  }

  protected override willUpdate(changed: Map<PropertyKey, unknown>) {
    if (changed.has('api')) this._attachApi();
    if (changed.has('pwa')) this._attachPwa();
  }

  protected override updated() {
    this.dataset.model = this._status.model;
  }

  /** Documents the operating system sent (src/pwa/os-documents.ts): the same import path as files picked here. */
  async receiveDocuments(delivery: OsDelivery) {
    await this.updateComplete;
    for (const problem of delivery.problems) this._notify('error', problem);
    if (delivery.texts.length) await this._library.add(() => delivery.texts);
    if (delivery.files.length) await this.renderRoot.querySelector('import-panel')?.importFiles(delivery.files);
  }

  private _onStorageChanged = () => this._library.refreshStorage();

  private _preventFileDrop = (event: DragEvent) => {
    if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
  };

  private _detach() {
    for (const off of this._unsubscribe.splice(0)) off();
  }

  private _attachApi() {
    this._detach();
    const api = this.api;
    if (!api) return;
    this._unsubscribe.push(...this._library.attach(api), ...this._status.attach(api));
  }

  private _attachPwa() {
    const pwa = this.pwa;
    if (!pwa) return;
    this._unsubscribe.push(
      pwa.on('offline-ready', () => {
        if (this._update !== 'none') return;
        this._update = 'offline-ready';
        setTimeout(() => {
          if (this._update === 'offline-ready') this._update = 'none';
        }, 8000);
      }),
      pwa.on('update-available', () => (this._update = 'update-available')),
    );
  }

  // --- what the components call -----------------------------------------------------------------------

  /** Big files are decoded and cleaned in the library worker, not on this thread. */
  private _plainText: PlainText = (input) => (this.api ? this.api.plainText(input) : plainTextHere(input));

  private _addDocument = (doc: ImportedText) => (this.api ? this.api.addDocument(doc) : notReady());

  private _holdIndexing = () => this.api?.holdIndexing() ?? (() => undefined);

  private _loadContext = (passageId: string): Promise<ContextPassage[]> => (this.api ? this.api.context(passageId, 1) : notReady());

  private async _loadSamples() {
    await this._library.add(async () => (await import('../import/samples.ts')).sampleDocuments(), 'The samples could not be loaded');
    await this.updateComplete;
    // The sample button is gone with the empty state: the question box is where to go next.
    if (focusWasLost()) this._searchBox.focusInput();
  }

  /** Changes which documents the search is limited to, and asks the current question again within them. */
  private _setWithin(ids: string[], { focusSearch = false } = {}) {
    this._within = ids;
    if (focusSearch) this._searchBox.focusInput();
    this._searchBox.searchAgain();
  }

  private _onFilterToggle(event: CustomEvent<FilterToggle>) {
    const { id, selected } = event.detail;
    const rest = this._within.filter((d) => d !== id);
    this._setWithin(selected ? [...rest, id] : rest);
  }

  private _onHybrid(event: CustomEvent<boolean>) {
    this._search.setHybrid(event.detail);
    if (this._search.query) this._searchBox.ask(this._search.query);
  }

  // --- render ---------------------------------------------------------------------------------------------

  override render() {
    const { documents, loaded } = this._library;
    const status = this._status;
    const search = this._search;
    const pending = documents.reduce((sum, d) => sum + Math.max(0, d.passageCount - d.indexedCount), 0);
    const indexed = documents.reduce((sum, d) => sum + d.indexedCount, 0);
    const empty = loaded && documents.length === 0;
    const advice = searchAdvice(search.query, { loaded, documents: documents.length, indexed, pending, model: status.model });
    return html`
      <div class="wrap">
        <header>
          <svg width="30" height="30" viewBox="0 0 512 512" aria-hidden="true">
            <rect width="512" height="512" rx="112" fill="#1d4ed8" />
            <path d="M172 352V128h96a72 72 0 0 1 0 144h-96" fill="none" stroke="#fff" stroke-width="48" stroke-linecap="round" stroke-linejoin="round" />
            <rect x="144" y="388" width="224" height="36" rx="18" fill="#fde68a" />
          </svg>
          <h1>Passage</h1>
          <p class="tagline">Search your documents by meaning — offline, on this device.</p>
        </header>
        <schema-banner .state=${status.schema} @reload-page=${() => location.reload()}></schema-banner>
        <progress-bar
          .progress=${status.progress}
          .upgrade=${status.upgrade}
          .pending=${pending}
          .indexed=${indexed}
          .error=${status.modelError}
          .modelLoading=${status.model === 'loading'}
          .repairable=${status.repairable}
          .repairing=${status.repairing}
          @retry-model=${() => this.api && status.startModel(this.api)}
          @repair-model=${() => this.api && status.repairModel(this.api)}
          @cancel-indexing=${() => this.api?.cancelIndexing()}
          @resume-indexing=${() => void this.api?.resumeIndexing().catch((e: unknown) => this._notify('error', messageOf(e)))}
        ></progress-bar>
        <update-prompt .state=${this._update} @update-accept=${() => void this.pwa?.applyUpdate()} @update-dismiss=${() => (this._update = 'none')}></update-prompt>
        <div class="layout">
          <main>
            <search-box
              @search=${(e: CustomEvent<SearchRequest>) => void search.search(e.detail, this.api, this._within)}
              @query-input=${(e: CustomEvent<string>) => this.api?.prepareQuery(e.detail)}
            ></search-box>
            <document-filter
              .documents=${this._within.flatMap((id) => documents.filter((d) => d.id === id))}
              @filter-remove=${(e: CustomEvent<string>) => this._setWithin(this._within.filter((id) => id !== e.detail), { focusSearch: this._within.length === 1 })}
              @filter-clear=${() => this._setWithin([], { focusSearch: true })}
            ></document-filter>
            ${empty
              ? html`${advice ? html`<p class="advice card" role="status">${advice.message}</p>` : nothing}
                  <empty-state ?busy=${this._library.adding} @load-samples=${this._loadSamples}></empty-state>`
              : html`<search-results
                    .hits=${search.hits}
                    .query=${search.query}
                    .answered=${search.answered}
                    .searching=${search.searching}
                    .byMeaningOnly=${search.byMeaningOnly}
                    .closeMatch=${search.closeMatch}
                    .advice=${advice?.message ?? ''}
                    .error=${search.error}
                    .wordsOnly=${search.wordsOnly}
                    @retry-search=${() => search.query && this._searchBox.ask(search.query)}
                    .loadContext=${this._loadContext}
                  ></search-results>
                  ${!search.query && documents.length
                    ? html`<example-questions
                        ?samples=${documents.some((d) => d.type === 'sample')}
                        @ask-question=${(e: CustomEvent<string>) => this._searchBox.ask(e.detail)}
                      ></example-questions>`
                    : nothing}`}
          </main>
          <aside>
            <div>
              <import-panel
                .plainText=${this._plainText}
                .addDocument=${this._addDocument}
                .holdIndexing=${this._holdIndexing}
                @files-imported=${() => void this._library.reread()}
                ?busy=${this._library.adding}
                @import-documents=${(e: CustomEvent<ImportDetail>) => void this._library.add(() => e.detail.documents)}
                @notice=${(e: CustomEvent<NoticeDetail>) => this._notify(e.detail.kind, e.detail.message)}
              ></import-panel>
              <notice-list .notices=${this._notices.notices} @dismiss=${(e: CustomEvent<number>) => this._notices.dismiss(e.detail)}></notice-list>
            </div>
            <library-panel
              .documents=${documents}
              .selected=${this._within}
              @delete-document=${(e: CustomEvent<string>) => void this._library.delete(e.detail)}
              @reindex-document=${(e: CustomEvent<string>) => void this._library.reindex(e.detail)}
              @filter-toggle=${this._onFilterToggle}
            ></library-panel>
            <settings-panel
              .model=${this.api?.model ?? null}
              .device=${status.device}
              .hybrid=${search.hybrid}
              .storage=${this._library.storage}
              .documentCount=${documents.length}
              .busy=${this._library.busy}
              @hybrid-change=${this._onHybrid}
              @persist-storage=${() => void this._library.persist()}
              @export-library=${() => void this._library.exportFile()}
              @import-library=${(e: CustomEvent<File>) => void this._library.importFile(e.detail)}
              @clear-library=${() => void this._library.clear()}
            ></settings-panel>
          </aside>
        </div>
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'passage-shell': PassageShellElement;
  }
}
