/** The messages between the page (docx-reader.ts) and the import worker (src/worker/import-worker.ts). */
export interface DocxRequest {
  id: number;
  name: string;
  bytes: Uint8Array;
}

export type DocxReply =
  | { id: number; text: string }
  /** `refused`: the message is for the user as is (an ImportError); otherwise it is the library's own. */
  | { id: number; error: string; refused: boolean };
