/**
 * Routes requests to the handlers and turns their outcomes into replies. It owns cancellation: each running
 * request has an AbortController, and a `cancel` request aborts the target's. Transport-free (the caller
 * supplies `post`), so Node tests drive it directly or through a fake worker.
 */
import type { Handlers } from './handlers.ts';
import { serializeError, type RequestId, type WorkerReply, type WorkerRequest } from '../shared/embed-protocol.ts';

export type PostReply = (reply: WorkerReply, transfer: Transferable[]) => void;

export function createDispatcher(handlers: Handlers, post: PostReply): (request: WorkerRequest) => Promise<void> {
  const running = new Map<RequestId, AbortController>();

  return async function dispatch(request) {
    const { id } = request;
    const emit = (progress: Extract<WorkerReply, { type: 'progress' }>['progress']) =>
      post({ id, type: 'progress', progress }, []);
    const controller = new AbortController();
    running.set(id, controller);
    try {
      switch (request.type) {
        case 'load':
          post({ id, type: 'result', request: 'load', result: await handlers.load(request, emit) }, []);
          break;
        case 'split': {
          const result = await handlers.split(request);
          post({ id, type: 'result', request: 'split', result }, [result.starts.buffer, result.ends.buffer, result.contextStarts.buffer]);
          break;
        }
        case 'embed': {
          const result = await handlers.embed(request, emit, controller.signal);
          // Transfer, don't copy: a big indexing batch would otherwise be cloned once more.
          const codes = result.sentenceCodes?.map((c) => c.buffer) ?? [];
          post({ id, type: 'result', request: 'embed', result }, [result.vectors.buffer, ...codes]);
          break;
        }
        case 'cancel': {
          const target = running.get(request.target);
          target?.abort();
          post({ id, type: 'result', request: 'cancel', result: { cancelled: target !== undefined } }, []);
          break;
        }
        case 'status':
          post({ id, type: 'result', request: 'status', result: await handlers.status() }, []);
          break;
      }
    } catch (error) {
      post({ id, type: 'error', error: serializeError(error) }, []);
    } finally {
      running.delete(id);
    }
  };
}
