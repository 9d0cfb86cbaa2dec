/**
 * Cancellation helpers shared by the page and the workers: recognising the AbortError a cancelled operation rejects
 * with, making one, and letting one caller stop waiting for a promise others still share. Not in src/core because
 * DOMException and AbortSignal are platform types (the core compiles without DOM, WebWorker or Node types).
 */

/** True for the DOMException `AbortError` that `AbortSignal.throwIfAborted` and a cancelled fetch reject with. */
export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** The error a cancelled operation rejects with when there is no signal reason to pass on. */
export function abortError(message = 'The operation was aborted.'): DOMException {
  return new DOMException(message, 'AbortError');
}

/**
 * `promise`, unless `signal` aborts first (then the signal's reason): lets a caller stop waiting for a shared
 * promise (the model load, a query vector) without cancelling it for the others.
 */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      const reason: unknown = signal.reason;
      reject(reason instanceof Error ? reason : abortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
