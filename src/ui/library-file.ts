/**
 * The library export as a download: the file's name (date and model, since a library file is imported by a library
 * of the same model) and the click that saves it.
 */

/** `passage-library-<yyyy-mm-dd>-<model>.passage`, the model name reduced to characters safe in a file name. */
export function libraryFileName(modelName: string, date: Date): string {
  const model = (modelName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model').slice(0, 60);
  return `passage-library-${date.toISOString().slice(0, 10)}-${model}.passage`;
}

/** Hands `blob` to the browser as a download named for `modelName`. */
export function saveLibraryFile(blob: Blob, modelName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = libraryFileName(modelName, new Date());
  a.click();
  // The download has started by then; the object URL is only needed until it has.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
