/**
 * The import worker: unpacks and reads .docx files off the page's main thread (checking the zip first), so even
 * a hostile file never freezes the page, and a cancelled import can end it at once (the page terminates it).
 * pdf.js already parses PDFs in its own worker; .txt/.md are decoded in the library worker.
 */
import { docxToText } from './docx.ts';
import { ImportError } from './errors.ts';

export interface DocxRequest {
  id: number;
  name: string;
  bytes: Uint8Array;
}

export type DocxReply =
  | { id: number; text: string }
  /** `refused`: the message is for the user as is (an ImportError); otherwise it is the library's own. */
  | { id: number; error: string; refused: boolean };

// Typed without the WebWorker lib so that the app's tsconfig (DOM) checks this file too.
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
