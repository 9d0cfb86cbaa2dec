/**
 * A stand-in object whose every method call runs through a Supervisor: `proxy.search(args)` becomes
 * `supervisor.run(async (service) => (await service).search(args))`, so a call that dies with its worker is
 * retried once on a fresh worker and otherwise rejects (a Comlink call to a dead worker never settles on its own).
 * The supervised value may be a promise of the service (a Comlink remote that is still being created).
 */
import type { Supervisor } from './supervisor.ts';

type Methods = Partial<Record<string | symbol, (...args: unknown[]) => Promise<unknown>>>;

export function supervisedProxy<T extends object>(supervisor: Supervisor<T | Promise<T>>): T {
  return new Proxy({} as T, {
    get: (_target, name) =>
      // Not a thenable: `await proxy` must not look for a remote `then`.
      name === 'then'
        ? undefined
        : (...args: unknown[]) =>
            supervisor.run(async (service) => {
              const remote = (await service) as Methods;
              const method = remote[name];
              if (typeof method !== 'function') throw new TypeError(`Passage: ${String(name)} is not a method of the service`);
              // Reflect.apply, not method.apply: on a Comlink remote `.apply` would be a remote property.
              return Reflect.apply(method, remote, args);
            }),
  });
}
