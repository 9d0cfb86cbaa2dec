import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { ContextPassage, DocumentSummary, ImportedText, PassageApi, Progress, SchemaState, SearchHit, StorageInfo, UpgradeProgress } from '../app/api.ts';
import type { OsDelivery } from '../pwa/os-documents.ts';
import type { Pwa } from '../pwa/register.ts';
import './empty-state.ts';
import type { ImportDetail, NoticeDetail } from './import-panel.ts';
import { plainTextHere, type PlainText } from '../import/plain-text.ts';
import './import-panel.ts';
import './document-filter.ts';
import type { FilterToggle } from './library-panel.ts';
import type { FileOutcome } from '../import/batch.ts';
import { batchSummary } from './import-summary.ts';
import { plural } from './format.ts';
import './library-panel.ts';
import type { Notice } from './notice-list.ts';
import './notice-list.ts';
import './progress-bar.ts';
import './schema-banner.ts';
import type { SearchBoxElement, SearchRequest } from './search-box.ts';
import './search-box.ts';
import './search-results.ts';
import { searchAdvice } from './answer-state.ts';
import { focusWasLost } from './focus.ts';
import './settings-panel.ts';
import { base, tokens } from './theme.ts';
import { classifyError, describeError, modelFaultMessage, readableReason, reasonFor } from '../core/faults.ts';
import type { UpdateState } from './update-prompt.ts';
import './update-prompt.ts';

const HYBRID_KEY = 'passage.hybrid';
const RESULT_COUNT = 8;
const NOTICE_LIMIT = 6;

/** An error's message for the user, without the "Passage: " prefix the modules put on their errors. */
function messageOf(error: unknown): string {
  if (classifyError(error) === 'file-gone') return reasonFor(error);
  return (error instanceof Error ? error.message : String(error)).replace(/^Passage:\s*/, '');
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/**
 * The app shell: lays out the components, holds the state they show, and turns their events into calls on
 * `PassageApi` — the only thing it talks to.
 *
 * For tests and tools it reflects two facts on the host element: `data-model` ("loading" | "ready" | "error")
 * and `data-session-embedded`, the number of passages embedded since the page loaded.
 */
@customElement('passage-shell')
export class PassageShellElement extends LitElement {
  static override styles = [
    tokens,
    base,
    css`
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
      .hint {
        margin: 1.5rem 0 0;
        font-size: 0.9rem;
        color: var(--p-muted);
        line-height: 1.6;
      }
      .hint button {
        font-size: 0.9rem;
      }
      @media (max-width: 480px) {
        .tagline {
          display: none;
        }
      }
    `,
  ];

  @property({ attribute: false }) api: PassageApi | null = null;
  @property({ attribute: false }) pwa: Pwa | null = null;

  @state() private _documents: DocumentSummary[] = [];
  @state() private _libraryLoaded = false;
  @state() private _progress: Progress = { stage: 'idle' };
  @state() private _modelState: 'loading' | 'ready' | 'error' = 'loading';
  @state() private _modelError = '';
  @state() private _device = '';
  @state() private _query = '';
  @state() private _hits: SearchHit[] = [];
  /** The query the hits shown answer (the box may already hold a newer one). */
  @state() private _hitsFor = '';
  @state() private _searching = false;
  /** The hits shown were ranked by meaning alone (the word index was still loading). */
  @state() private _byMeaningOnly = false;
  /** Some hit shown is a close match (false: off-topic or gibberish; the UI says "No close match"). */
  @state() private _closeMatch = true;
  @state() private _searchError = '';
  /** The hits shown were matched by words only because the model could not run: why (SearchOutcome.wordsOnly). */
  @state() private _wordsOnly = '';
  @state() private _modelRepairable = false;
  @state() private _repairing = false;
  @state() private _hybrid = localStorage.getItem(HYBRID_KEY) !== 'false';
  @state() private _storage: StorageInfo | null = null;
  @state() private _notices: Notice[] = [];
  @state() private _importing = false;
  @state() private _libraryBusy = false;
  @state() private _update: UpdateState = 'none';
  /** Ids of the documents the search is limited to ("Search in" in the library); empty = the whole library. */
  @state() private _within: string[] = [];
  @state() private _schema: SchemaState = 'current';
  @state() private _upgrade: UpgradeProgress | null = null;

  @query('search-box') private _searchBox!: SearchBoxElement;

  private _unsubscribe: (() => void)[] = [];
  private _noticeId = 0;
  /** Passages embedded in this page session: the sum over indexing runs of each run's highest `done`. */
  private _embeddedBefore = 0;
  private _runDone = 0;

  override connectedCallback() {
    super.connectedCallback();
    // A file dropped outside the drop zone must not make the browser navigate away to it.
    window.addEventListener('dragover', this._preventFileDrop);
    window.addEventListener('drop', this._preventFileDrop);
    // A removed model's files and vectors were deleted (model-settings.ts, main.ts): the storage figure is stale.
    this.addEventListener('storage-changed', this._onStorageChanged);
  }

  private _onStorageChanged = () => void this._refreshStorage();

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
    this.dataset.model = this._modelState;
    this.dataset.sessionEmbedded = String(this._embeddedBefore + this._runDone);
  }

  /** Documents the operating system sent (src/pwa/os-documents.ts): the same import path as files picked here. */
  async receiveDocuments(delivery: OsDelivery) {
    await this.updateComplete;
    for (const problem of delivery.problems) this._notify('error', problem);
    if (delivery.texts.length) await this._add(delivery.texts);
    if (delivery.files.length) await this.renderRoot.querySelector('import-panel')?.importFiles(delivery.files);
  }

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
    this._unsubscribe.push(
      api.onProgress((progress) => this._onProgress(progress)),
      api.onLibraryChange(() => void this._refreshLibrary()),
      api.onSchemaState((state) => (this._schema = state)),
      api.onUpgradeProgress((progress) => (this._upgrade = progress)),
    );
    void this._refreshLibrary();
    void this._refreshStorage();
    this._startModel(api);
  }

  /** Loads the model; on failure checks its files, so the message can say what is wrong and offer "Repair". */
  private _startModel(api: PassageApi) {
    this._modelState = 'loading';
    this._modelError = '';
    this._modelRepairable = false;
    api.start().then(
      () => {
        if (this._modelState === 'loading') this._modelState = 'ready';
      },
      async (error: unknown) => {
        console.error(error);
        const check = await api.checkModel().catch(() => null);
        this._modelRepairable = check !== null && check.damaged.length + check.missing.length > 0;
        this._modelError = modelFaultMessage(error, check, navigator.onLine);
        this._modelState = 'error';
      },
    );
  }

  private async _repairModel() {
    const api = this.api;
    if (!api) return;
    this._repairing = true;
    try {
      const repaired = await api.repairModel();
      this._modelState = 'ready';
      this._modelError = '';
      this._modelRepairable = false;
      this._notify('success', repaired.length ? `Repaired the language model (${repaired.join(', ')}).` : 'The language model works again.');
    } catch (error) {
      this._notify('error', `The language model could not be repaired: ${readableReason(error) || 'an unexpected error. Try again later.'}`);
    } finally {
      this._repairing = false;
    }
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

  private _onProgress(progress: Progress) {
    if (progress.stage === 'indexing') {
      if (progress.done < this._runDone) {
        // A new run started (counts restart): bank what the previous one embedded.
        this._embeddedBefore += this._runDone;
        this._runDone = 0;
      }
      this._runDone = Math.max(this._runDone, progress.done);
    } else if (this._runDone) {
      this._embeddedBefore += this._runDone;
      this._runDone = 0;
    }
    if (progress.stage === 'model-ready') {
      this._modelState = 'ready';
      this._device = progress.device;
    }
    this._progress = progress;
  }

  private _refreshing: Promise<void> | null = null;
  private _refreshAgain = false;

  /**
   * Reads the document list; calls while a read is in flight make one more read after it, not one each (a batch
   * of 10,000 files changes the library 10,000 times).
   */
  private async _refreshLibrary(): Promise<void> {
    if (this._refreshing) {
      this._refreshAgain = true;
      return this._refreshing;
    }
    this._refreshing = (async () => {
      do {
        this._refreshAgain = false;
        await this._readLibrary();
      } while (this._refreshAgain);
    })().finally(() => (this._refreshing = null));
    return this._refreshing;
  }

  private async _readLibrary() {
    if (!this.api) return;
    try {
      this._documents = await this.api.listDocuments();
      this._libraryLoaded = true;
      // A document deleted (here or in another tab) leaves the filter and the results shown.
      const ids = new Set(this._documents.map((d) => d.id));
      if (this._within.some((id) => !ids.has(id))) this._within = this._within.filter((id) => ids.has(id));
      if (this._hits.some((h) => !ids.has(h.documentId))) this._hits = this._hits.filter((h) => ids.has(h.documentId));
    } catch (error) {
      this._notify('error', `The library could not be read: ${messageOf(error)}`);
    }
  }

  private async _refreshStorage() {
    if (!this.api) return;
    try {
      this._storage = await this.api.storage();
    } catch {
      this._storage = null;
    }
  }

  private _notify(kind: Notice['kind'], message: string) {
    const notice: Notice = { id: ++this._noticeId, kind, message };
    this._notices = [notice, ...this._notices].slice(0, NOTICE_LIMIT);
    if (kind !== 'error') {
      setTimeout(() => (this._notices = this._notices.filter((n) => n.id !== notice.id)), 12_000);
    }
  }

  // --- search ---------------------------------------------------------------------------------------------

  private async _onSearch(event: CustomEvent<SearchRequest>) {
    const { query, signal } = event.detail;
    this._query = query;
    this._searchError = '';
    if (!query || !this.api) {
      this._hits = [];
      this._hitsFor = '';
      this._searching = false;
      return;
    }
    this._searching = true;
    try {
      const documentIds = this._within;
      const { hits, byMeaningOnly, closeMatch, wordsOnly } = await this.api.search(query, { k: RESULT_COUNT, hybrid: this._hybrid, signal, documentIds });
      if (signal.aborted) return;
      this._hits = hits;
      this._byMeaningOnly = byMeaningOnly;
      this._closeMatch = closeMatch;
      this._wordsOnly = wordsOnly ?? '';
      this._hitsFor = query;
    } catch (error) {
      if (isAbort(error) || signal.aborted) return;
      this._searchError = describeError(error, { action: 'The search failed', online: navigator.onLine });
    }
    this._searching = false;
  }

  /** Big files are decoded and cleaned in the library worker, not on this thread. */
  private _plainText: PlainText = (input) => (this.api ? this.api.plainText(input) : plainTextHere(input));

  private _addDocument = (doc: ImportedText) => {
    if (!this.api) return Promise.reject(new Error('Passage is not ready yet.'));
    return this.api.addDocument(doc);
  };

  private _holdIndexing = () => this.api?.holdIndexing() ?? (() => undefined);

  private _onFilesImported() {
    void this._refreshLibrary();
    void this._refreshStorage();
  }

  private _loadContext = (passageId: string): Promise<ContextPassage[]> => {
    if (!this.api) return Promise.reject(new Error('Passage is not ready yet.'));
    return this.api.context(passageId, 1);
  };

  // --- library --------------------------------------------------------------------------------------------

  private async _add(documents: ImportedText[]) {
    const api = this.api;
    if (!api) return;
    this._importing = true;
    const outcomes: FileOutcome[] = [];
    for (const doc of documents) {
      const name = doc.title;
      try {
        const result = await api.addDocument(doc);
        outcomes.push(
          result.duplicate
            ? { name, status: 'duplicate', title: doc.title }
            : { name, status: 'added', title: doc.title, passages: result.passageCount },
        );
      } catch (error) {
        outcomes.push({ name, status: 'failed', message: messageOf(error) });
      }
    }
    const summary = batchSummary({ total: documents.length, outcomes, cancelled: false }, 'document');
    this._notify(summary.kind, summary.message);
    this._importing = false;
    await this._refreshLibrary();
    void this._refreshStorage();
  }

  private async _loadSamples() {
    this._importing = true;
    try {
      const { sampleDocuments } = await import('../import/samples.ts');
      await this._add(sampleDocuments());
      await this._refreshLibrary();
      await this.updateComplete;
      // The sample button is gone with the empty state: the question box is where to go next.
      if (focusWasLost()) this._searchBox.focusInput();
    } catch (error) {
      this._notify('error', `The samples could not be loaded: ${messageOf(error)}`);
    } finally {
      this._importing = false;
    }
  }

  private async _run(action: () => Promise<void>, failure: string) {
    this._libraryBusy = true;
    try {
      await action();
    } catch (error) {
      this._notify('error', `${failure}: ${messageOf(error)}`);
    } finally {
      this._libraryBusy = false;
      await this._refreshLibrary();
      void this._refreshStorage();
    }
  }

  private _onDelete(event: CustomEvent<string>) {
    const doc = this._documents.find((d) => d.id === event.detail);
    void this._run(async () => {
      await this.api?.deleteDocument(event.detail, doc?.title);
      this._hits = this._hits.filter((h) => h.documentId !== event.detail);
      if (doc) this._notify('info', `Deleted “${doc.title}”.`);
    }, 'The document could not be deleted');
  }

  private _onReindex(event: CustomEvent<string>) {
    void this._run(async () => {
      await this.api?.reindexDocument(event.detail);
    }, 'The document could not be re-indexed');
  }

  private _onClear() {
    void this._run(async () => {
      await this.api?.clearLibrary();
      this._hits = [];
      this._notify('info', 'The library is empty now.');
    }, 'The library could not be cleared');
  }

  private _onExport() {
    void this._run(async () => {
      if (!this.api) return;
      const blob = await this.api.exportLibrary();
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      // The file names its model (its header says it too): a library file is imported by a library of that model.
      const model = (this.api.model.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model').slice(0, 60);
      a.download = `passage-library-${new Date().toISOString().slice(0, 10)}-${model}.passage`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }, 'The library could not be exported');
  }

  private _onImportLibrary(event: CustomEvent<File>) {
    const file = event.detail;
    this._libraryBusy = true;
    void (async () => {
      try {
        const result = await this.api?.importLibrary(file);
        if (result) {
          this._notify('success', `Imported ${plural(result.documents, 'document')} (${plural(result.passages, 'passage')}) from “${file.name}”.`);
        }
      } catch (error) {
        this._notify('error', `“${file.name}” was not imported: ${messageOf(error)}`);
      } finally {
        this._libraryBusy = false;
        await this._refreshLibrary();
        void this._refreshStorage();
      }
    })();
  }

  private async _onPersist() {
    if (!this.api) return;
    const granted = await this.api.persistStorage().catch(() => false);
    this._notify(
      granted ? 'success' : 'info',
      granted
        ? 'The browser will keep Passage’s data.'
        : 'The browser did not agree to keep the data for now (installing Passage as an app usually helps).',
    );
    await this._refreshStorage();
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
    this._hybrid = event.detail;
    localStorage.setItem(HYBRID_KEY, String(event.detail));
    if (this._query) this._searchBox.ask(this._query);
  }

  // --- render ---------------------------------------------------------------------------------------------

  override render() {
    const pending = this._documents.reduce((sum, d) => sum + Math.max(0, d.passageCount - d.indexedCount), 0);
    const indexed = this._documents.reduce((sum, d) => sum + d.indexedCount, 0);
    const empty = this._libraryLoaded && this._documents.length === 0;
    const advice = searchAdvice(this._query, {
      loaded: this._libraryLoaded,
      documents: this._documents.length,
      indexed,
      pending,
      model: this._modelState,
    });
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
        <schema-banner .state=${this._schema} @reload-page=${() => location.reload()}></schema-banner>
        <progress-bar
          .progress=${this._progress}
          .upgrade=${this._upgrade}
          .pending=${pending}
          .indexed=${indexed}
          .error=${this._modelError}
          .modelLoading=${this._modelState === 'loading'}
          .repairable=${this._modelRepairable}
          .repairing=${this._repairing}
          @retry-model=${() => this.api && this._startModel(this.api)}
          @repair-model=${() => void this._repairModel()}
          @cancel-indexing=${() => this.api?.cancelIndexing()}
          @resume-indexing=${() => void this.api?.resumeIndexing().catch((e: unknown) => this._notify('error', messageOf(e)))}
        ></progress-bar>
        <update-prompt
          .state=${this._update}
          @update-accept=${() => void this.pwa?.applyUpdate()}
          @update-dismiss=${() => (this._update = 'none')}
        ></update-prompt>
        <div class="layout">
          <main>
            <search-box @search=${this._onSearch} @query-input=${(e: CustomEvent<string>) => this.api?.prepareQuery(e.detail)}></search-box>
            <document-filter
              .documents=${this._within.flatMap((id) => this._documents.filter((d) => d.id === id))}
              @filter-remove=${(e: CustomEvent<string>) => this._setWithin(this._within.filter((id) => id !== e.detail), { focusSearch: this._within.length === 1 })}
              @filter-clear=${() => this._setWithin([], { focusSearch: true })}
            ></document-filter>
            ${empty
              ? html`${advice ? html`<p class="advice card" role="status">${advice.message}</p>` : nothing}
                  <empty-state ?busy=${this._importing} @load-samples=${this._loadSamples}></empty-state>`
              : html`<search-results
                  .hits=${this._hits}
                  .query=${this._query}
                  .answered=${this._hitsFor}
                  .searching=${this._searching}
                  .byMeaningOnly=${this._byMeaningOnly}
                  .closeMatch=${this._closeMatch}
                  .advice=${advice?.message ?? ''}
                  .error=${this._searchError}
                  .wordsOnly=${this._wordsOnly}
                  @retry-search=${() => this._query && this._searchBox.ask(this._query)}
                  .loadContext=${this._loadContext}
                ></search-results>
                ${!this._query && this._documents.length ? this._examples() : nothing}`}
          </main>
          <aside>
            <div>
              <import-panel
                .plainText=${this._plainText}
                .addDocument=${this._addDocument}
                .holdIndexing=${this._holdIndexing}
                @files-imported=${this._onFilesImported}
                ?busy=${this._importing}
                @import-documents=${(e: CustomEvent<ImportDetail>) => void this._add(e.detail.documents)}
                @notice=${(e: CustomEvent<NoticeDetail>) => this._notify(e.detail.kind, e.detail.message)}
              ></import-panel>
              <notice-list
                .notices=${this._notices}
                @dismiss=${(e: CustomEvent<number>) => (this._notices = this._notices.filter((n) => n.id !== e.detail))}
              ></notice-list>
            </div>
            <library-panel
              .documents=${this._documents}
              .selected=${this._within}
              @delete-document=${this._onDelete}
              @reindex-document=${this._onReindex}
              @filter-toggle=${this._onFilterToggle}
            ></library-panel>
            <settings-panel
              .model=${this.api?.model ?? null}
              .device=${this._device}
              .hybrid=${this._hybrid}
              .storage=${this._storage}
              .documentCount=${this._documents.length}
              .busy=${this._libraryBusy}
              @hybrid-change=${this._onHybrid}
              @persist-storage=${this._onPersist}
              @export-library=${this._onExport}
              @import-library=${this._onImportLibrary}
              @clear-library=${this._onClear}
            ></settings-panel>
          </aside>
        </div>
      </div>
    `;
  }

  private _examples() {
    const samples = this._documents.some((d) => d.type === 'sample');
    const questions = samples
      ? ['What freedoms should everyone in the world have?', 'How will the country fight poverty?', 'Which region asked to become a state of its own?']
      : [];
    return html`<p class="hint">
      Ask in your own words — Passage finds the passages that mean the same, even when they use different words.
      ${questions.length
        ? html`<br />Try:
            ${questions.map((q) => html`<button class="link" @click=${() => this._searchBox.ask(q)}>${q}</button>`)}`
        : nothing}
    </p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'passage-shell': PassageShellElement;
  }
}
