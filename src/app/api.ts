/**
 * What the UI can ask of Passage. The UI components talk only to this interface; `PassageApp`
 * (src/app/passage-app.ts) implements it over the worker client, the IndexedDB library and the core index.
 */
import type { ModelSpec } from '../core/model-spec.ts';
import type { ModelCheck } from './model-files.ts';

export type { ModelCheck };

export type DocumentType = 'txt' | 'md' | 'html' | 'pdf' | 'docx' | 'paste' | 'sample';

/** A document turned into plain text by src/import/ (never HTML). */
export interface ImportedText {
  title: string;
  type: DocumentType;
  /** Plain text; the only thing that is split and embedded. */
  text: string;
  /** Size of the original file in bytes. */
  size: number;
}

export interface DocumentSummary {
  id: string;
  title: string;
  type: DocumentType;
  size: number;
  sha256: string;
  added: number;
  passageCount: number;
  /** Passages that have a vector for the current model. */
  indexedCount: number;
}

export interface SearchHit {
  passageId: string;
  documentId: string;
  documentTitle: string;
  ordinal: number;
  text: string;
  /** The ranking score (fused and normalised within this query: it orders hits, it does not say how close). */
  score: number;
  /** How close the passage is, in [0, 1], on the same scale for every query (calibrated: src/core/relevance.ts). */
  relevance: number;
  dense: number;
  lexical: number;
  /** The sentence that best answers the query, as offsets into `text`. */
  highlight: { start: number; end: number } | null;
}

export interface SearchOutcome {
  hits: SearchHit[];
  /** The word index is still loading after a reload: these hits were ranked by meaning alone. */
  byMeaningOnly: boolean;
  /** Some hit is a close match (relevance ≥ CLOSE_MATCH_THRESHOLD); false for an off-topic question or gibberish. */
  closeMatch: boolean;
  /**
   * Set when the query could not be embedded (the model did not load, or its worker kept dying): the hits were
   * matched by words alone, and this says so and why, for people.
   */
  wordsOnly?: string;
}

export interface SearchOptions {
  k?: number;
  hybrid?: boolean;
  signal?: AbortSignal;
  /** Rank only passages of these documents; absent or empty searches the whole library. */
  documentIds?: readonly string[];
}

export interface ContextPassage {
  passageId: string;
  ordinal: number;
  text: string;
  isHit: boolean;
}

export type Progress =
  | { stage: 'model-download'; file: string; loaded: number; total: number }
  | { stage: 'model-compile' }
  | { stage: 'model-ready'; device: string }
  | { stage: 'indexing'; done: number; total: number; perSecond: number; etaSeconds: number | null }
  /** Another tab is indexing this library; this one waits and takes over if that tab stops or closes. */
  | { stage: 'indexing-elsewhere' }
  /** Background indexing stopped on an error; what was stored stays, the rest stays pending. */
  | { stage: 'error'; message: string }
  /** A document is being split into passages, stored, or deleted (big documents take seconds). */
  | {
      stage: 'working';
      task: 'splitting' | 'saving' | 'deleting' | 'importing';
      title: string;
      /** When known (importing a library file): how far along, in arbitrary units of `total`. */
      done?: number;
      total?: number;
    }
  | { stage: 'idle' };

/**
 * This tab and the stored library's schema: 'current'; 'waiting' while this tab's upgrade waits for an older tab
 * to close the database; 'outdated' once another tab upgraded it (or it is newer than this code) — reload.
 */
export type SchemaState = 'current' | 'waiting' | 'outdated';

/**
 * A schema upgrade of the stored library runs (this Passage version stores it differently): how many of its
 * passages are done. `elsewhere`: another tab runs it, and this tab waits for it.
 */
export interface UpgradeProgress {
  done: number;
  total: number;
  elsewhere: boolean;
}

export interface StorageInfo {
  usage: number | null;
  quota: number | null;
  persisted: boolean;
}

export interface AddResult {
  documentId: string;
  /** True when a document with the same content was already in the library (nothing added). */
  duplicate: boolean;
  passageCount: number;
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
  plainText(input: { bytes: Uint8Array; kind: 'txt' | 'md' } | { text: string }): Promise<string>;
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
  importLibrary(file: Blob): Promise<{ documents: number; passages: number }>;

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
