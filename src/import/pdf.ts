/**
 * PDF → plain text with pdf.js, loaded on first use so it stays out of the main chunk. Its worker is a bundled
 * asset of this origin (precached by the service worker), and nothing else is fetched: no fonts, no cMaps — text
 * extraction doesn't need them.
 */
import type { TextItem } from 'pdfjs-dist/types/src/display/api';
import { pageText } from './pdf-text.ts';

export async function pdfToText(bytes: Uint8Array): Promise<{ title: string; text: string }> {
  const [pdfjs, worker] = await Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]);
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
  const task = pdfjs.getDocument({
    data: bytes,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    useWasm: false,
  });
  try {
    const pdf = await task.promise;
    const pages: string[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent();
      const runs = content.items.filter((item): item is TextItem => 'str' in item);
      pages.push(pageText(runs));
      page.cleanup();
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
    await task.destroy();
  }
}
