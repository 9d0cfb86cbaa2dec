/**
 * Document titles as the library service needs them: as a second word field of ranking (core/title-index.ts),
 * kept with the search index, and as a cache of every title for naming hits, read again after a change that may
 * have made it wrong.
 */
import { TitleIndex } from '../core/title-index.ts';
import type { Library } from './library.ts';
import type { LibraryChange } from './library-changes.ts';

export class DocumentTitles {
  /** The titles ranking searches (loaded with the vectors: index-loading.ts). */
  readonly index = new TitleIndex<string>();
  private _cache: Map<string, string> | null = null;

  /** Every document's title by id, read once after each change that dropped the cache. */
  async all(library: Library): Promise<Map<string, string>> {
    if (!this._cache) {
      this._cache = new Map((await library.listDocuments()).map((d) => [d.id, d.title]));
    }
    return this._cache;
  }

  /** Drops the cache (the library may have changed in ways not told here). */
  forget(): void {
    this._cache = null;
  }

  /** This tab stored a document (`isNew`), or found its text stored already. */
  added(id: string, title: string, isNew: boolean): void {
    this._cache?.set(id, title);
    if (isNew) this.index.set(id, title);
  }

  deleted(id: string): void {
    this._cache?.delete(id);
    this.index.delete(id);
  }

  cleared(): void {
    this._cache = new Map();
    this.index.clear();
  }

  /** Another tab's change (not a reload): its documents' titles count in ranking here too. */
  async applyRemote(library: Library, change: Exclude<LibraryChange, { kind: 'reload' }>): Promise<void> {
    if (change.kind === 'documents-added' || change.kind === 'documents-deleted') {
      this._cache = null;
      for (const id of change.documentIds) this.index.delete(id);
      if (change.kind === 'documents-added') {
        for (const id of change.documentIds) {
          const document = await library.getDocument(id);
          if (document) this.index.set(id, document.title);
        }
      }
    } else if (change.kind !== 'rows-added') {
      this._cache = null;
    }
  }
}
