/**
 * Files and pasted text → `ImportedText`. Everything the user brings in passes through here and leaves as plain
 * text only; a failure is an `ImportError` whose message can be shown to the user as is.
 */
import type { ImportedText } from '../app/api.ts';
import { ACCEPTED_LABEL, detectKind, titleFromFileName, titleFromText } from './detect.ts';
import { ImportError, quoted } from './errors.ts';
import { decodeText, hasReadableText, normalizeText } from './normalize.ts';
import { plainTextHere, type PlainText } from './plain-text.ts';

export { ImportError } from './errors.ts';
export { plainTextHere, type PlainText } from './plain-text.ts';
export { ACCEPTED_FILES, ACCEPTED_LABEL } from './detect.ts';

/** Larger files are refused before they are read: the text of a 50 MB file would not fit the index sensibly. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

export async function importFile(file: File, plainText: PlainText = plainTextHere): Promise<ImportedText> {
  const name = file.name || 'file';
  const kind = detectKind(name, file.type);
  if (!kind) {
    throw new ImportError(`${quoted(name)} is not a file type Passage can read. Try ${ACCEPTED_LABEL} files.`);
  }
  if (file.size === 0) throw new ImportError(`${quoted(name)} is empty.`);
  if (file.size > MAX_FILE_BYTES) {
    throw new ImportError(`${quoted(name)} is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB; split it into smaller files.`);
  }

  const bytes = new Uint8Array(await file.arrayBuffer());
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
        ({ title, text } = await pdfToText(bytes));
        break;
      }
      case 'docx': {
        const { docxToText } = await import('./docx.ts');
        text = await docxToText(bytes.buffer);
        break;
      }
    }
  } catch (error) {
    if (error instanceof ImportError) throw error;
    console.warn(`Passage: could not read ${name}`, error);
    const what = kind === 'pdf' ? 'PDF' : kind === 'docx' ? 'Word document' : 'file';
    throw new ImportError(`${quoted(name)} could not be read as a ${what}; it may be damaged or not really a .${kind} file.`);
  }

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
