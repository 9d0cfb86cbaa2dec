import assert from 'node:assert/strict';
import { it } from 'node:test';
import { supervisedProxy } from './supervised-proxy.ts';
import { Supervisor } from './supervisor.ts';

/** Like a Comlink remote: any property is another remote path (`.apply` too), and only calling it runs it. */
function remotePath(path: string[], calls: string[]): unknown {
  return new Proxy(() => undefined, {
    // Not a thenable at its root, so it can be awaited (Comlink does the same).
    get: (_target, name) => (name === 'then' && path.length === 0 ? undefined : remotePath([...path, String(name)], calls)),
    apply: (_target, _this, args: unknown[]) => {
      calls.push(`${path.join('.')}(${args.join(',')})`);
      return Promise.resolve(path.join('.'));
    },
  });
}

it('calls the remote method itself, not a remote property of it, and is not a thenable', async () => {
  const calls: string[] = [];
  const remote = remotePath([], calls) as { search(a: number, b: number): Promise<string> };
  const supervisor = new Supervisor(() => ({ value: Promise.resolve(remote), died: new Promise<Error>(() => undefined), stop: () => undefined }), { name: 'the test worker' });
  const proxy = supervisedProxy(supervisor);
  assert.equal(await proxy.search(1, 2), 'search');
  assert.deepEqual(calls, ['search(1,2)']);
  assert.equal((proxy as { then?: unknown }).then, undefined);
});
