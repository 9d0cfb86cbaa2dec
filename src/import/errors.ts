/** An import that failed for a reason the user can act on; `message` is shown as is. */
export class ImportError extends Error {
  override name = 'ImportError';
}

/** Quotes a file name for messages. */
export function quoted(name: string): string {
  return `“${name}”`;
}
