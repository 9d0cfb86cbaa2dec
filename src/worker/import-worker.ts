/**
 * The import worker: unpacks and reads .docx files off the page's main thread (checking the zip first), so even
 * a hostile file never freezes the page, and a cancelled import can end it at once (the page terminates it).
 * pdf.js already parses PDFs in its own worker; .txt/.md are decoded in the library worker.
 */
import { docxToText } from '../import/docx.ts';
import { ImportError } from '../import/errors.ts';
import type { DocxReply, DocxRequest } from '../import/docx-protocol.ts';

// Typed by hand: the worker tsconfig checks it with the WebWorker lib, and it needs only these two members.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<DocxRequest>) => void) | null;
  postMessage(message: DocxReply): void;
};

scope.onmessage = (event) => {
  const { id, name, bytes } = event.data;
  docxToText(bytes, name).then(
    (text) => scope.postMessage({ id, text }),
    (error: unknown) =>
      scope.postMessage({
        id,
        error: error instanceof Error ? error.message : String(error),
        refused: error instanceof ImportError,
      }),
  );
};
