/**
 * What the library's modules share: the shapes it hands out and takes in (passages with their texts, int8 rows,
 * vectors to store, documents from a library file), passage ids, and the state every part of the library reads.
 */
import type { IDBPTransaction } from 'idb';
import type { PassageInput } from '../core/split.ts';
import type { Database, DocumentRecord, PassageDB, PassageRecord } from './schema.ts';

/** A stored passage with its text and context, read from its document's text chunks. */
export interface Passage extends PassageRecord {
  text: string;
  context: string;
}

/**
 * An int8 row of the search index, with the residual code of what rounding lost (core/residual-codes.ts) when it
 * was embedded since those codes exist; rows without one are ranked by their int8 code alone.
 */
export interface Row {
  q: Int8Array;
  scale: number;
  residual?: Uint8Array;
}

export interface LibraryModel {
  id: string;
  dimensions: number;
  /** The model build's hash (core/model-build.ts); absent when unknown, and the stored vectors are kept then. */
  build?: string;
}

export interface AddedDocument {
  documentId: string;
  /** True when the same text was already stored; nothing was written. */
  duplicate: boolean;
  passageCount: number;
  /**
   * The new passages whose text already had a vector for the current model (shared with a stored passage). The
   * indexer never embeds them again, so it never reports them: the caller puts them into the search index itself.
   */
  indexed: IndexedPassage[];
}

/** A passage that still needs a vector for the current model (one per distinct content hash). */
export interface PendingText extends PassageInput {
  contentHash: string;
}

export interface NewVector {
  contentHash: string;
  q: Int8Array;
  scale: number;
  residual?: Uint8Array;
  sentences?: Uint8Array;
}

/** A document as a library file brings it: metadata, text, and passages (offsets) with their vectors when indexed. */
export interface ImportedDocument {
  document: Omit<DocumentRecord, 'passageCount' | 'indexedCount'> & { text: string };
  passages: readonly (Omit<PassageRecord, 'id' | 'docId'> & { vector: Row | null })[];
}

/** A passage together with its vector, ready for the in-memory search index. */
export interface IndexedPassage {
  passage: Passage;
  vector: Row;
}

export interface NeighbourPassage {
  passage: Passage;
  isCentre: boolean;
}

/** What a visitor of forEachPassageChunk says: 'stop' ends the walk (no more reads), anything else goes on. */
export type PassageChunkVisit = undefined | 'stop';

/** The open library as its parts see it (Library holds it). */
export interface LibraryState {
  readonly db: Database;
  readonly model: LibraryModel;
  /** Per document with pending passages: the last ordinal handed out or found embedded (pending-vectors.ts). */
  readonly pendingFrom: Map<string, number>;
}

export type ReadWriteTransaction = IDBPTransaction<PassageDB, ('documents' | 'passages' | 'vectors' | 'vectorBlocks' | 'textChunks' | 'wordIndex')[], 'readwrite'>;

export function passageId(docId: string, ordinal: number): string {
  return `${docId}:${ordinal}`;
}

export function docIdOf(id: string): string {
  return id.slice(0, id.lastIndexOf(':'));
}

export function ordinalOf(id: string): number {
  return Number(id.slice(id.lastIndexOf(':') + 1));
}
