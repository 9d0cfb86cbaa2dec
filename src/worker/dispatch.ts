/**
 * Routes requests to the handlers and turns their outcomes into replies. It owns cancellation: each running
 * request has an AbortController, and a `cancel` request aborts the target's. Routing is generic over the
 * protocol map (a request goes to the handler of its type), so a new request type needs nothing here.
 * Transport-free (the caller supplies `post`), so Node tests drive it directly or through a fake worker.
 */
import type { HandledType, HandlerMap, Handlers } from './handlers.ts';
import {
  serializeError,
  type RequestId,
  type ResultOf,
  type ResultReply,
  type WorkerReply,
  type WorkerRequest,
} from '../shared/embed-protocol.ts';

export type PostReply = (reply: WorkerReply, transfer: Transferable[]) => void;

export function createDispatcher(handlers: Handlers, post: PostReply): (request: WorkerRequest) => Promise<void> {
  const running = new Map<RequestId, AbortController>();

  function cancel(request: WorkerRequest<'cancel'>): ResultOf<'cancel'> {
    const target = running.get(request.target);
    target?.abort();
    return { cancelled: target !== undefined };
  }

  // The type comes separately from the request so that TypeScript pairs handler and request through the map.
  function handle<T extends HandledType>(type: T, request: WorkerRequest<T>, abort: AbortSignal): Promise<ResultOf<T>> {
    const { id } = request;
    const handler: HandlerMap[T] = handlers[type];
    return handler(request, { emit: (progress) => post({ id, type: 'progress', progress }, []), signal: abort });
  }

  return async function dispatch(request) {
    const { id } = request;
    const controller = new AbortController();
    running.set(id, controller);
    try {
      const result =
        request.type === 'cancel' ? cancel(request) : await handle(request.type, request, controller.signal);
      // The cast pairs the result with its request's type, which `handle` guaranteed but TypeScript cannot follow.
      // Transfer, don't copy: a big indexing batch would otherwise be cloned once more.
      post({ id, type: 'result', request: request.type, result } as ResultReply, transferablesOf(result));
    } catch (error) {
      post({ id, type: 'error', error: serializeError(error) }, []);
    } finally {
      running.delete(id);
    }
  };
}

/** The buffers of a result's typed arrays, at its top level or in a top-level array (each buffer once). */
export function transferablesOf(result: object): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (value: unknown) => {
    if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) buffers.add(value.buffer);
  };
  for (const value of Object.values(result)) {
    if (Array.isArray(value)) value.forEach(add);
    else add(value);
  }
  return [...buffers];
}
