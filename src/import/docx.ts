// The Node tests compile this file without src/import/*.d.ts in scope (tsconfig.node.json takes tests only).
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./mammoth-browser.d.ts" />
/**
 * .docx → plain text with mammoth's browser build, after the zip has been checked (docx-zip.ts). Runs in the
 * import worker (import-worker.ts) in the app, and in Node in tests.
 * mammoth separates paragraphs with blank lines already.
 */
import { DOCX_LIMITS, inspectDocx, type DocxLimits, type DocxProblem } from './docx-zip.ts';
import { ImportError, quoted } from './errors.ts';
import { refuseLongText, sizeLabel } from './limits.ts';

export function docxProblemMessage(name: string, problem: DocxProblem, limits: DocxLimits = DOCX_LIMITS): string {
  const limit = sizeLabel(limits.unpackedBytes);
  switch (problem.kind) {
    case 'too-many-entries':
      return `${quoted(name)} holds ${problem.entries.toLocaleString('en')} files inside; a Word document has far fewer, so it was not read.`;
    case 'too-large-unpacked':
      return `${quoted(name)} would unpack to ${sizeLabel(problem.bytes)}; Passage reads Word documents that unpack to at most ${limit}.`;
    case 'unpacks-beyond-limit':
      return `${quoted(name)} unpacks to more than ${limit} (more than it claims to); Passage reads Word documents that unpack to at most ${limit}.`;
  }
}

export async function docxToText(bytes: Uint8Array, name: string, limits: DocxLimits = DOCX_LIMITS): Promise<string> {
  const problem = await inspectDocx(bytes, limits);
  if (problem) throw new ImportError(docxProblemMessage(name, problem, limits));
  const { default: mammoth } = await import('mammoth/mammoth.browser.min.js');
  const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const result = await mammoth.extractRawText({ arrayBuffer });
  refuseLongText(name, result.value.length);
  return result.value;
}
