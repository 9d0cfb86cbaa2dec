/**
 * Starting and stopping `vite preview` from a script (the screenshot tool, the browser benchmark). The server gets
 * its own process group, so stopping it also stops the vite process that npx starts — killing npx alone leaves
 * vite holding the port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { repoRoot } from './app.ts';

export async function reachable(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** Starts `vite preview` of the build in `root` (default: this checkout; it must be built) on `port`, once it answers. */
export async function startPreview(port: number, root: string = repoRoot): Promise<ChildProcess> {
  const url = `http://localhost:${port}/`;
  if (await reachable(url)) throw new Error(`something already answers on :${port}; stop it first`);
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], {
    cwd: root,
    stdio: 'ignore',
    detached: true,
  });
  for (let i = 0; i < 120; i++) {
    if (await reachable(url)) return server;
    if (server.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  stopPreview(server);
  throw new Error(`vite preview did not start on :${port} (run \`npx vite build\` first)`);
}

export function stopPreview(server: ChildProcess): void {
  if (server.pid === undefined || server.exitCode !== null) return;
  try {
    process.kill(-server.pid, 'SIGTERM');
  } catch {
    server.kill('SIGTERM');
  }
}
