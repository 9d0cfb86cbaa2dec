/**
 * Plain-text clean-up of .txt/.md files and extracted text. Pure and small, so the library worker can run it:
 * decoding and normalising a 20 MB text takes over a second, which must not block the page (import/index.ts
 * takes the worker's version as a parameter).
 */
import type { PlainTextInput } from '../core/types.ts';
import { markdownToText } from './markdown.ts';
import { decodeText, normalizeText } from './normalize.ts';

export type PlainText = (input: PlainTextInput) => Promise<string>;

/** Decoded (and, for Markdown, stripped of its syntax) and normalised text of a .txt or .md file. */
export function plainTextOf(bytes: Uint8Array, kind: 'txt' | 'md'): string {
  const decoded = decodeText(bytes);
  return normalizeText(kind === 'md' ? markdownToText(decoded) : decoded);
}

/** The clean-up in this thread (the library worker, Node tests). */
// eslint-disable-next-line @typescript-eslint/require-await -- async so that a throw is a rejection, as from a worker
export const plainTextHere: PlainText = async (input) =>
  'text' in input ? normalizeText(input.text) : plainTextOf(input.bytes, input.kind);
