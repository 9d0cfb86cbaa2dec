/**
 * The domain's types, defined once at the bottom of the layering: every layer (import, the workers, the store, the
 * facade, the UI) imports them from here. Types only — no code, no runtime globals.
 */

/** The kinds of file Passage reads (src/import/detect.ts tells them apart). */
export type FileKind = 'txt' | 'md' | 'html' | 'pdf' | 'docx';

/** Where a document came from: a file of one of those kinds, pasted text, or a bundled sample. */
export type DocumentType = FileKind | 'paste' | 'sample';

/** Whether a text is a question or a stored passage (models may prefix them differently). */
export type TextKind = 'query' | 'passage';

/** What `plainText` cleans: a .txt/.md file's bytes, or text already extracted. */
export type PlainTextInput = { bytes: Uint8Array; kind: 'txt' | 'md' } | { text: string };

/** A document turned into plain text by src/import/ (never HTML). */
export interface ImportedText {
  title: string;
  type: DocumentType;
  /** Plain text; the only thing that is split and embedded. */
  text: string;
  /** Size of the original file in bytes. */
  size: number;
}

/** A document as the library lists it (src/store/db.ts stores it as a DocumentRecord, which adds its split recipe). */
export interface DocumentSummary {
  id: string;
  title: string;
  type: DocumentType;
  /** Size of the original file in bytes. */
  size: number;
  /** sha256 of the document's text: two documents with the same text are the same document. */
  sha256: string;
  added: number;
  passageCount: number;
  /** Passages that have a vector for the current model (stored in the same transactions as the vectors). */
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

export interface ContextPassage {
  passageId: string;
  ordinal: number;
  text: string;
  isHit: boolean;
}

/** How far a model load is: its files downloading, then the runtime compiling it. */
export type ModelLoadProgress =
  | { stage: 'model-download'; file: string; loaded: number; total: number }
  | { stage: 'model-compile' };

export type Progress =
  | ModelLoadProgress
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

/** What importing a library file added (documents already in the library, same text, are skipped). */
export interface LibraryImportOutcome {
  documents: number;
  passages: number;
  /** Present when the file's vectors were made by another build of the model: they were left out, and are embedded again. */
  reembedding?: true;
}

export interface AddResult {
  documentId: string;
  /** True when a document with the same content was already in the library (nothing added). */
  duplicate: boolean;
  passageCount: number;
}
