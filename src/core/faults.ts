/**
 * Faults as people should hear about them. Errors cross worker boundaries (postMessage, Comlink) as a name and a
 * message, losing their class, so everything here reads `name` and `message` only. Raw library text (ONNX
 * Runtime's "ERROR_CODE: 7 … protobuf parsing failed", Transformers.js's "local_files_only=true", an empty
 * DOMException message) is never shown: each kind has its own sentence and what to do.
 */

/** A worker stopped answering (closed itself, crashed, or fired an `error` event); its pending calls reject with this. */
export class WorkerDiedError extends Error {
  override name = 'WorkerDiedError';
}

/** A worker died again right after it was restarted: the operation was tried twice and gave up. */
export class WorkerFailedError extends Error {
  override name = 'WorkerFailedError';
}

export type FaultKind =
  /** IndexedDB refused a write because the origin's storage quota (or the disk) is full. */
  | 'storage-full'
  /** A worker died and could not be brought back for this operation. */
  | 'worker'
  /** A model file is there but its bytes are not a model (damaged, truncated, replaced). */
  | 'model-damaged'
  /** A model file could not be fetched at all (not cached, and the network is off or refused). */
  | 'model-missing'
  /** A file the person chose can no longer be read: moved, deleted or changed on disk after it was picked. */
  | 'file-gone'
  | 'other';

export interface ErrorLike {
  name?: unknown;
  message?: unknown;
}

function parts(error: unknown): { name: string; message: string } {
  if (error && typeof error === 'object') {
    const { name, message } = error as ErrorLike;
    return { name: typeof name === 'string' ? name : '', message: typeof message === 'string' ? message : '' };
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- false positive: objects took the branch above, so no '[object Object]'.
  return { name: '', message: String(error ?? '') };
}

export function classifyError(error: unknown): FaultKind {
  const { name, message } = parts(error);
  if (name === 'QuotaExceededError' || /quota|disk (?:is )?full|full disk|no space left/i.test(message)) return 'storage-full';
  if (name === 'WorkerDiedError' || name === 'WorkerFailedError') return 'worker';
  // File reads reject with these DOMExceptions (their messages speak of "a requested file or directory").
  if (name === 'NotReadableError' || (name === 'NotFoundError' && /file or directory/i.test(message))) return 'file-gone';
  if (/protobuf parsing failed|can't create a session|invalid (?:model|protobuf)|unexpected token .* json|is not valid json|failed to load model/i.test(message)) {
    return 'model-damaged';
  }
  if (/local_files_only|could not locate file|file was not found locally|failed to fetch|network ?error|err_internet_disconnected/i.test(message)) {
    return 'model-missing';
  }
  return 'other';
}

export interface StorageFigures {
  usage: number | null;
  quota: number | null;
}

/** "120 MB" style: one decimal under 10 of a unit. */
export function formatSize(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const shown = unit === 0 || value >= 10 ? Math.round(value).toString() : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}

/** What to say when storage is full: how much is used of how much, and what to do. */
export function storageFullMessage(storage: StorageFigures | null): string {
  const used =
    storage?.usage != null && storage.quota
      ? ` Passage uses ${formatSize(storage.usage)} of the ${formatSize(storage.quota)} this browser allows it.`
      : storage?.usage != null
        ? ` Passage uses ${formatSize(storage.usage)}.`
        : '';
  return `storage is full — this device has no room left for Passage’s data.${used} Delete documents you no longer need, or free disk space, then press “Try again”. Everything stored before is kept.`;
}

export interface ReasonContext {
  storage?: StorageFigures | null;
  /** `navigator.onLine`; a missing model file while offline gets its own advice. */
  online?: boolean;
}

export interface DescribeContext extends ReasonContext {
  /** What failed, as a sentence start: "Indexing stopped", "The search failed", "“notes.txt” was not added". */
  action: string;
}

/**
 * Why something failed and what to do, for people, starting lower-case (it follows "<action>: "). Unknown errors
 * keep their own message only when it reads like a sentence written for people (our own errors do; raw library
 * text doesn't).
 */
export function reasonFor(error: unknown, context: ReasonContext = {}): string {
  switch (classifyError(error)) {
    case 'storage-full':
      return storageFullMessage(context.storage ?? null);
    case 'worker':
      return 'part of Passage stopped working and could not be restarted. Press “Try again”; if it keeps happening, reload the page.';
    case 'model-damaged':
      return 'the language model’s files on this device are damaged. Press “Repair” to fetch them again.';
    case 'model-missing':
      return context.online === false
        ? 'the language model is not on this device and you are offline. Connect to the internet, then press “Repair”.'
        : 'the language model could not be fetched. Press “Repair” to fetch it again.';
    case 'file-gone':
      return 'the file could not be read — it was moved, deleted or changed after it was chosen. Choose it again.';
    case 'other':
      return readableReason(error) || 'something unexpected went wrong. Press “Try again”.';
  }
}

/** "<action>: <reason>" — one message for a person. */
export function describeError(error: unknown, context: DescribeContext): string {
  return `${context.action}: ${reasonFor(error, context)}`;
}

/** Our own error messages ("Passage: …" stripped); nothing empty, nothing with library codes or stack-like text. */
export function readableReason(error: unknown): string {
  const message = parts(error).message.replace(/^Passage:\s*/, '').trim();
  if (!message) return '';
  if (/ERROR_CODE|\bat [\w.<>]+ \(|https?:\/\/|\w+Error:|[{}[\]]{2}|_[a-z]+_|=true|=false/.test(message)) return '';
  return message;
}

/** What the model check found (app/model-files.ts). */
export interface ModelFileFaults {
  damaged: readonly string[];
  missing: readonly string[];
}

/**
 * The message shown when the model did not load: what the check of its files found comes first (it is certain),
 * then what the error says. Always ends by saying what search does meanwhile.
 */
export function modelFaultMessage(error: unknown, check: ModelFileFaults | null, online?: boolean): string {
  const meanwhile = ' Until then, search matches words only.';
  const missing = check?.missing ?? [];
  const damaged = check?.damaged ?? [];
  if (missing.length > 0 && online === false) {
    return `The language model is not on this device and you are offline. Connect to the internet, then press “Repair”.${meanwhile}`;
  }
  if (damaged.length + missing.length > 0) {
    const files = [...damaged, ...missing].join(', ');
    return `The language model’s files on this device are damaged or incomplete (${files}). Press “Repair” to fetch them again.${meanwhile}`;
  }
  return `${describeError(error, { action: 'The language model could not be loaded', ...(online === undefined ? {} : { online }) })}${meanwhile}`;
}
