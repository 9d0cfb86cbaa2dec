/**
 * The app's export and import entry points; the work is in library-file/ (format 2 JSON lines, streamed; format 1
 * whole-JSON files are still read). Import refuses a file made with another model or dimension count — its
 * vectors would be meaningless here — and is all-or-nothing; a file from another build of the same model brings
 * its texts without its vectors (see library-file/database.ts). Documents already in the library (same sha256)
 * are skipped, so importing twice changes nothing.
 */
import { exportLibraryFile, importLibraryFile, type ImportOptions, type ImportOutcome } from './library-file/database.ts';
import type { Library } from './library.ts';

export type { ImportOutcome } from './library-file/database.ts';

/** The whole library as a format 2 file (`.passage`; gzip it with `exportLibraryFile(library, { gzip: true })`). */
export async function exportLibrary(library: Library): Promise<Blob> {
  return new Response(await exportLibraryFile(library)).blob();
}

/** Rejects with a readable LibraryFileError, changing nothing, when the file does not fit this library. */
export function importLibrary(library: Library, file: Blob, options?: ImportOptions): Promise<ImportOutcome> {
  return importLibraryFile(library, file, options);
}
