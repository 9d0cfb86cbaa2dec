/// <reference types="vite/client" />
/**
 * PDF → plain text with pdf.js, loaded on first use so it stays out of the main chunk. pdf.js parses in its own
 * worker (a bundled asset of this origin, precached by the service worker), so a big PDF does not block the
 * page; only each page's text runs come back here. Nothing else is fetched: no fonts, no cMaps — text
 * extraction doesn't need them.
 *
 * A password-protected PDF asks for its password through `askPassword` (pdf.js's onPassword), again when the
 * password is wrong; without it, or when the person cancels, the PDF is refused by name. A PDF of more than
 * MAX_PDF_PAGES pages or MAX_TEXT_CHARS characters of text is refused (limits.ts).
 */
import type { TextItem } from 'pdfjs-dist/types/src/display/api';
import { ImportError, quoted } from './errors.ts';
import { MAX_PDF_PAGES, refuseLongText } from './limits.ts';
import { pageText } from './pdf-text.ts';

import type { PasswordPrompt } from './password.ts';

export interface PdfOptions {
  name: string;
  askPassword?: PasswordPrompt;
  signal?: AbortSignal;
}

export async function pdfToText(bytes: Uint8Array, options: PdfOptions): Promise<{ title: string; text: string }> {
  const { name, askPassword, signal } = options;
  const [pdfjs, worker] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]);
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
  const task = pdfjs.getDocument({
    data: bytes,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    useWasm: false,
  });
  let declined = false;
  if (askPassword) {
    task.onPassword = (updatePassword: (password: string) => void, reason: number) => {
      askPassword(name, reason === pdfjs.PasswordResponses.INCORRECT_PASSWORD).then(
        (password) => {
          if (password === null) {
            declined = true;
            void task.destroy();
          } else updatePassword(password);
        },
        () => {
          declined = true;
          void task.destroy();
        },
      );
    };
  }
  const stop = () => void task.destroy();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    let pdf;
    try {
      pdf = await task.promise;
    } catch (error) {
      signal?.throwIfAborted();
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- onPassword sets it; TypeScript does not see that (microsoft/TypeScript#9998)
      if (declined) throw new ImportError(`${quoted(name)} is protected by a password and was not added.`);
      if (error instanceof Error && error.name === 'PasswordException') {
        throw new ImportError(`${quoted(name)} is protected by a password; Passage cannot read it without one.`);
      }
      throw error;
    }
    if (pdf.numPages > MAX_PDF_PAGES) {
      throw new ImportError(
        `${quoted(name)} has ${pdf.numPages.toLocaleString('en')} pages; Passage reads PDFs of up to ${MAX_PDF_PAGES.toLocaleString('en')} pages.`,
      );
    }
    const pages: string[] = [];
    let length = 0;
    for (let n = 1; n <= pdf.numPages; n++) {
      signal?.throwIfAborted();
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      const runs = content.items.filter((item): item is TextItem => 'str' in item);
      const text = pageText(runs);
      page.cleanup();
      length += text.length + 2;
      refuseLongText(name, length);
      pages.push(text);
    }
    let title = '';
    try {
      const meta = await pdf.getMetadata();
      const info = meta.info as { Title?: unknown } | undefined;
      if (typeof info?.Title === 'string') title = info.Title.trim();
    } catch {
      // Metadata is optional.
    }
    return { title, text: pages.filter(Boolean).join('\n\n') };
  } finally {
    signal?.removeEventListener('abort', stop);
    await task.destroy();
  }
}
