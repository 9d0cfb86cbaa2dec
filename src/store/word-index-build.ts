/**
 * The word index (BM25) made complete in the background, without holding up anything else: restored from the
 * saved snapshot when one fits (then only the passages added since are read), else built from every stored
 * passage text a chunk at a time, yielding to searches (query-priority.ts) and saving partial progress. Until it
 * is complete a search answers by meaning alone (`ready` is false).
 */
import type { SearchIndex } from '../core/search-index.ts';
import { startupMark } from '../shared/startup-trace.ts';
import type { Library } from './library.ts';
import type { QueryPriority } from './query-priority.ts';
import { releaseGarbage } from './release-garbage.ts';

/** Below this many passages to read, the word index's text pass starts at once (it takes well under a second). */
export const TEXT_PASS_DEFER_AT = 2000;
/** Partial word-index saves during a long text pass, at most this often. */
const PROGRESS_SAVE_MS = 30_000;
/** Passages read per request when catching the saved word index up (small: see PASSAGES_PER_READ in passage-texts.ts). */
const TEXTS_PER_READ = 250;
/** Passages added to the word index between two chances for a search to run first. */
const TEXTS_PER_TURN = 50;

export interface WordIndexBuildOptions {
  /** Searches run before the build's next slice. */
  queries: QueryPriority;
  /** A text pass over at least this many passages waits for the first answer (LibraryServiceOptions). */
  textPassDeferAt: number;
  /** …or this long after the vectors are in, whichever comes first. */
  textPassDelayMs: number;
  onReady: () => void;
  /** Saves the word index if it changed (LibraryService.saveWordIndex), once a build is complete. */
  saveLatest: () => Promise<void>;
}

/** Opens once; `wait(ms)` resolves when it is open or after `ms`. */
class Gate {
  private _open!: () => void;
  private readonly _opened = new Promise<void>((resolve) => (this._open = resolve));
  open(): void {
    this._open();
  }
  wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    return Promise.race([this._opened, elapsed]).finally(() => clearTimeout(timer));
  }
}

/** Saves a partial word index every PROGRESS_SAVE_MS of a long text pass (and yields to queued searches). */
class WordIndexProgress {
  private _lastSave = performance.now();
  /** Texts added since the last save. */
  count = 0;
  constructor(private readonly _save: () => false | Promise<void>) {}
  async added(count: number): Promise<void> {
    this.count += count;
    if (performance.now() - this._lastSave < PROGRESS_SAVE_MS) return;
    this.count = 0;
    await this._save();
    this._lastSave = performance.now();
  }
}

export class WordIndexBuild {
  /** The word index changed since it was saved. */
  dirty = false;
  /** The word index covers every row (false again while a reload rebuilds it). */
  ready = false;
  /** Bumped by every build, so a build superseded by a later one (after an import) stays silent. */
  private _generation = 0;
  /** Opens once a search has answered: a long text pass waits for it (see `textPassDelayMs`). */
  private readonly _firstAnswer = new Gate();

  constructor(private readonly _options: WordIndexBuildOptions) {}

  /** A search has answered: a text pass waiting for it may start. */
  answered(): void {
    this._firstAnswer.open();
  }

  /** Makes `index`'s word index complete in the background (superseding any build still running). */
  start(library: Library, index: SearchIndex): void {
    const { queries, textPassDeferAt, textPassDelayMs } = this._options;
    const generation = ++this._generation;
    const lexicalFrom = performance.now();
    void (async () => {
      const saved = await library.savedWordIndex();
      startupMark('library:words-read', { bytes: saved?.bytes.byteLength ?? 0 });
      let restored = false;
      const progress = new WordIndexProgress(() => generation === this._generation && this.saveNow(index, library));
      if (saved) {
        try {
          const missing = index.restoreLexical(saved);
          startupMark('library:words-restored', { missing: missing.length });
          if (missing.length >= textPassDeferAt) await this._firstAnswer.wait(textPassDelayMs);
          for (let start = 0; start < missing.length; start += TEXTS_PER_READ) {
            if (generation !== this._generation) return;
            const passages = await library.getPassagesById(missing.slice(start, start + TEXTS_PER_READ));
            await queries.turn();
            for (const passage of passages) if (passage) index.addText(passage.id, passage.text);
            await progress.added(passages.length);
          }
          restored = true;
        } catch (error) {
          console.warn('Passage: the saved word index could not be used; building it again', error);
        }
      }
      if (!restored) {
        if (index.size >= textPassDeferAt) await this._firstAnswer.wait(textPassDelayMs);
        progress.count = index.size; // a fresh build is due for saving even if the library has no text
        await library.forEachPassageChunk(async (passages) => {
          if (generation !== this._generation) return 'stop'; // superseded: no more reads for it
          // A search waits for one slice at most (~50 passages tokenized), not for the whole chunk.
          for (let start = 0; start < passages.length; start += TEXTS_PER_TURN) {
            await queries.turn();
            for (const passage of passages.slice(start, start + TEXTS_PER_TURN)) index.addText(passage.id, passage.text);
          }
          await progress.added(passages.length);
        });
      }
      performance.measure('passage:lexical:build', { start: lexicalFrom, end: performance.now() });
      if (generation !== this._generation) return; // superseded by a later build (after an import)
      // Texts added since the last (partial) save make the final save due.
      if (progress.count > 0) this.dirty = true;
      this.ready = true;
      startupMark('library:words', { restored: String(restored) });
      this._options.onReady();
      await this._options.saveLatest();
      releaseGarbage(); // every text read, tokenized and dropped
    })().catch((error: unknown) => console.error('Passage: the word index could not be built', error));
  }

  /**
   * Also while the word index is still incomplete: a saved partial index is restored at the next start and only
   * the passages it lacks are read (restoreLexical), so a reload during a long build does not start it over.
   */
  async saveNow(index: SearchIndex, library: Library): Promise<void> {
    this.dirty = false;
    const { ids, bytes } = index.lexicalSnapshot();
    await library.saveWordIndex(ids, bytes);
  }
}
