/**
 * The page's way to the import worker (src/worker/import-worker.ts): one worker, created on first use, ended when idle for
 * a while or when a read is cancelled (which also stops a read in progress). mammoth and JSZip are bundled into
 * the worker only, not the page (Node tests call docx.ts directly).
 */
import { ImportError } from './errors.ts';
import type { DocxReply, DocxRequest } from './docx-protocol.ts';

export type DocxReader = (bytes: Uint8Array, name: string, signal?: AbortSignal) => Promise<string>;

/** Ends the worker after this long without work (it holds mammoth and JSZip, a few MB). */
const IDLE_MS = 30_000;

let worker: Worker | null = null;
let nextId = 0;
let idleTimer: ReturnType<typeof setTimeout> | undefined;
const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();

/** Ends the worker; every read still waiting fails with `reason` (null: when idle, so none is waiting). */
function endWorker(reason: Error | null): void {
  worker?.terminate();
  worker = null;
  for (const { reject } of pending.values()) reject(reason ?? new Error('the import worker was stopped'));
  pending.clear();
}

function importWorker(): Worker {
  if (worker) return worker;
  const created = new Worker(new URL('../worker/import-worker.ts', import.meta.url), { type: 'module', name: 'passage-import' });
  created.onmessage = (event: MessageEvent<DocxReply>) => {
    const reply = event.data;
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (!waiting) return;
    if ('text' in reply) waiting.resolve(reply.text);
    else waiting.reject(reply.refused ? new ImportError(reply.error) : new Error(reply.error));
    scheduleIdleEnd();
  };
  // A worker that dies (out of memory, a crash) fails what it was doing; the next read starts a new one.
  created.onerror = (event) => {
    event.preventDefault();
    if (worker === created) endWorker(new Error(event.message || 'the import worker stopped'));
  };
  worker = created;
  return created;
}

function scheduleIdleEnd(): void {
  clearTimeout(idleTimer);
  if (pending.size > 0) return;
  idleTimer = setTimeout(() => {
    if (pending.size === 0) endWorker(null);
  }, IDLE_MS);
}

/** A .docx's text, read in the import worker; rejects with an ImportError for a refused file, AbortError on cancel. */
export const readDocx: DocxReader = (bytes, name, signal) => {
  if (typeof Worker === 'undefined') return Promise.reject(new Error('Word documents are read in a Web Worker, and there is none here.'));
  signal?.throwIfAborted();
  return new Promise<string>((resolve, reject) => {
    clearTimeout(idleTimer);
    const id = ++nextId;
    const onAbort = () => {
      endWorker(signal?.reason instanceof Error ? signal.reason : new DOMException('Cancelled', 'AbortError'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    pending.set(id, {
      resolve: (text) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(text);
      },
      reject: (error) => {
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      },
    });
    const request: DocxRequest = { id, name, bytes };
    importWorker().postMessage(request);
  });
};
