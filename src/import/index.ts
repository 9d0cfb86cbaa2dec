/**
 * Files and pasted text → `ImportedText`. Everything the user brings in passes through here and leaves as plain
 * text only; a failure is an `ImportError` whose message can be shown to the user as is.
 */
import type { ImportedText } from '../core/types.ts';
import { isAbortError } from '../shared/abort.ts';
import { looksBinary } from './binary.ts';
import { ACCEPTED_LABEL, detectKind, extensionOf, titleFromFileName, titleFromText } from './detect.ts';
import { readDocx, type DocxReader } from './docx-reader.ts';
import { ImportError, quoted } from './errors.ts';
import { MAX_FILE_BYTES, refuseLongText, sizeLabel } from './limits.ts';
import { decodeText, hasReadableText, normalizeText } from './normalize.ts';
import type { PasswordPrompt } from './password.ts';
import { plainTextHere, type PlainText } from './plain-text.ts';

export { ImportError } from './errors.ts';
export { plainTextHere, type PlainText } from './plain-text.ts';
export { ACCEPTED_FILES, ACCEPTED_LABEL } from './detect.ts';
export { MAX_FILE_BYTES } from './limits.ts';
export type { PasswordPrompt } from './password.ts';

export interface ImportOptions {
  /** Where .txt/.md bytes are decoded and cleaned (the app passes its library worker's); this thread by default. */
  plainText?: PlainText;
  /** Where .docx files are read: the import worker by default. */
  readDocx?: DocxReader;
  /** Asks for a PDF's password; without it a protected PDF is refused by name. */
  askPassword?: PasswordPrompt;
  /** Stops reading (the import worker and pdf.js are stopped too); rejects with an AbortError. */
  signal?: AbortSignal;
}

export async function importFile(file: File, options: ImportOptions | PlainText = {}): Promise<ImportedText> {
  const { plainText = plainTextHere, readDocx: docxReader = readDocx, askPassword, signal } =
    typeof options === 'function' ? { plainText: options } : options;
  const name = file.name || 'file';
  const kind = detectKind(name, file.type);
  if (!kind) {
    throw new ImportError(`${quoted(name)} is not a file type Passage can read. Try ${ACCEPTED_LABEL} files.`);
  }
  if (file.size === 0) throw new ImportError(`${quoted(name)} is empty.`);
  if (file.size > MAX_FILE_BYTES) {
    throw new ImportError(`${quoted(name)} is ${sizeLabel(file.size)}; Passage imports files up to ${sizeLabel(MAX_FILE_BYTES)}.`);
  }

  const bytes = new Uint8Array(await file.arrayBuffer());
  signal?.throwIfAborted();
  if ((kind === 'txt' || kind === 'md' || kind === 'html') && looksBinary(bytes)) {
    const ext = extensionOf(name) || kind;
    throw new ImportError(`${quoted(name)} holds binary data, not text, so it was not added (is it really a .${ext} file?).`);
  }
  let title = '';
  let text: string;
  try {
    switch (kind) {
      case 'txt':
      case 'md':
        text = await plainText({ bytes, kind });
        break;
      case 'html': {
        const { htmlToText } = await import('./html.ts');
        ({ title, text } = htmlToText(decodeText(bytes)));
        break;
      }
      case 'pdf': {
        const { pdfToText } = await import('./pdf.ts');
        ({ title, text } = await pdfToText(bytes, { name, ...(askPassword ? { askPassword } : {}), ...(signal ? { signal } : {}) }));
        break;
      }
      case 'docx':
        text = await docxReader(bytes, name, signal);
        break;
    }
  } catch (error) {
    if (error instanceof ImportError || isAbortError(error)) throw error;
    console.warn(`Passage: could not read ${name}`, error);
    const what = kind === 'pdf' ? 'PDF' : kind === 'docx' ? 'Word document' : 'file';
    throw new ImportError(`${quoted(name)} could not be read as a ${what}; it may be damaged or not really a .${kind} file.`);
  }

  refuseLongText(name, text.length);
  if (kind !== 'txt' && kind !== 'md') text = await plainText({ text });
  if (!hasReadableText(text)) {
    const hint = kind === 'pdf' ? ' (a scanned PDF without a text layer has no text to search)' : '';
    throw new ImportError(`No text was found in ${quoted(name)}${hint}.`);
  }
  return { title: title || titleFromFileName(name), type: kind, text, size: file.size };
}

export function importPastedText(raw: string, title?: string): ImportedText {
  const text = normalizeText(raw);
  if (!hasReadableText(text)) throw new ImportError('There is no text to add: paste or type some first.');
  return {
    title: title?.trim() || titleFromText(text),
    type: 'paste',
    text,
    size: new TextEncoder().encode(raw).length,
  };
}
