/**
 * An HTTP proxy to a local preview server that drops COOP/COEP from every answer, so pages served through it are
 * not cross-origin isolated (no SharedArrayBuffer: ORT runs 1 thread) — how the app runs on a host without them.
 */
import http from 'node:http';

export function startPlainProxy(listen: number, upstream: number): Promise<http.Server> {
  const proxy = http.createServer((req, res) => {
    const forward = http.request(
      { host: 'localhost', port: upstream, path: req.url, method: req.method, headers: { ...req.headers, host: `localhost:${upstream}`, connection: 'close' } },
      (answer) => {
        const headers = { ...answer.headers };
        delete headers['cross-origin-opener-policy'];
        delete headers['cross-origin-embedder-policy'];
        res.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(res);
      },
    );
    forward.on('error', (error) => res.destroy(error));
    req.pipe(forward);
  });
  return new Promise((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(listen, 'localhost', () => resolve(proxy));
  });
}
