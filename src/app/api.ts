/**
 * What the UI can ask of Passage. The UI components talk only to this interface; `PassageApp`
 * (src/app/passage-app.ts) implements it over the worker client, the IndexedDB library and the core index.
 */
import type { ModelSpec } from '../core/model-spec.ts';
import type {
  AddResult,
  ContextPassage,
  DocumentSummary,
  ImportedText,
  LibraryImportOutcome,
  PlainTextInput,
  Progress,
  SchemaState,
  SearchOutcome,
  StorageInfo,
  UpgradeProgress,
} from '../core/types.ts';
import type { ModelCheck } from './model-files.ts';

export type { ModelCheck };
// The UI reads the domain types through the facade's module.
export type * from '../core/types.ts';

export interface SearchOptions {
  k?: number;
  hybrid?: boolean;
  signal?: AbortSignal;
  /** Rank only passages of these documents; absent or empty searches the whole library. */
  documentIds?: readonly string[];
}

export interface PassageApi {
  readonly model: ModelSpec;
  /** Loads the model (after the service worker controls the page) and resumes unfinished indexing. */
  start(): Promise<void>;
  onProgress(listener: (progress: Progress) => void): () => void;
  /** Fired after any change to the set of documents or their indexing state, in this tab or another. */
  onLibraryChange(listener: () => void): () => void;
  /** Fired when the schema state changes (another tab upgraded Passage, or this tab waits for an older one). */
  onSchemaState(listener: (state: SchemaState) => void): () => void;
  /** Fired while a schema upgrade of the stored library runs (here or in another tab), then with null when it ends. */
  onUpgradeProgress(listener: (progress: UpgradeProgress | null) => void): () => void;

  listDocuments(): Promise<DocumentSummary[]>;
  /** Decodes and cleans a .txt/.md file's bytes, or cleans extracted text, off the main thread. */
  plainText(input: PlainTextInput): Promise<string>;
  /** Splits and stores the text, then indexes it in the background; rejects with a readable Error on bad input. */
  addDocument(doc: ImportedText): Promise<AddResult>;
  /** `title` names the document in progress messages. */
  deleteDocument(id: string, title?: string): Promise<void>;
  reindexDocument(id: string): Promise<void>;
  clearLibrary(): Promise<void>;
  /** Cancels the indexing in flight; what was embedded stays stored, the rest stays pending. */
  cancelIndexing(): void;
  /** Starts (or resumes) indexing of everything pending. */
  resumeIndexing(): Promise<void>;
  /**
   * Stops background indexing until the returned function is called (then it resumes): a batch of files adds
   * each file ~2.4× faster when splitting does not wait behind embedding (median 279 vs 671 ms a small file).
   */
  holdIndexing(): () => void;

  /** `documentIds`: rank only passages of these documents (absent or empty: the whole library). */
  search(query: string, options?: SearchOptions): Promise<SearchOutcome>;
  /**
   * The question as typed so far: its vector is embedded ahead, so the search that follows (Enter, or the pause
   * in typing) does not wait for the model. Does nothing before the model is loaded.
   */
  prepareQuery(query: string): void;
  context(passageId: string, radius?: number): Promise<ContextPassage[]>;

  exportLibrary(): Promise<Blob>;
  /** Rejects with a readable Error (and changes nothing) when the file's model, dims or schema don't match. */
  importLibrary(file: Blob): Promise<LibraryImportOutcome>;

  /** Compares the stored model files with the build's checksums (after a failed model load, say). */
  checkModel(): Promise<ModelCheck>;
  /**
   * Fetches damaged or missing model files again from the origin, verifies and stores them, then loads the model
   * and resumes indexing; rejects with a readable Error (offline, download failed). Resolves with the files repaired.
   */
  repairModel(): Promise<string[]>;

  storage(): Promise<StorageInfo>;
  persistStorage(): Promise<boolean>;
  /** Deletes the stored vectors of a model removed in Settings (refused for the model in use). */
  deleteModelVectors(modelId: string): Promise<void>;
}
