// A local HTTP server that speaks the Hugging Face hub's URL scheme for the repositories it is given:
//   GET /api/models/{repo}/tree/{revision}?recursive=true  → [{ type, path, size, oid, lfs? }] (LFS: *.onnx, sha-256)
//   GET /{repo}/resolve/{revision}/{file}                   → the file; LFS files through a 302 to /cdn/{sha256}
// with the CORS headers the hub sends, so a page on another origin can fetch from it. `corrupt` makes it send
// altered bytes for one file (a checksum test); `seen` records what was asked. For unit tests and e2e.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalHub {
  url: string;
  seen: string[];
  /** Sends this file of any repository with one byte changed (the listing keeps the true checksum). */
  corrupt: string | null;
  /** Milliseconds between chunks of LFS files (to see progress and cancel in a browser). */
  chunkDelay: number;
  close(): Promise<void>;
}

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'etag, x-linked-etag, x-linked-size, content-length',
  'cross-origin-resource-policy': 'cross-origin',
};

function gitBlobSha1(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

export async function startLocalHub(repos: Record<string, Map<string, Uint8Array>>, revision = 'main', port = 0): Promise<LocalHub> {
  const lfs = new Map<string, Uint8Array>();
  const hub: LocalHub = { url: '', seen: [], corrupt: null, chunkDelay: 0, close: () => Promise.resolve() };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    hub.seen.push(url.pathname);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'access-control-allow-headers': '*' });
      res.end();
      return;
    }
    const send = (status: number, body: Uint8Array | string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { ...CORS, 'content-length': String(Buffer.byteLength(body)), ...headers });
      res.end(body);
    };
    for (const [repo, files] of Object.entries(repos)) {
      if (url.pathname === `/api/models/${repo}/tree/${revision}`) {
        const listing = [...files].map(([path, bytes]) => ({
          type: 'file',
          path,
          size: bytes.byteLength,
          oid: gitBlobSha1(bytes),
          ...(path.endsWith('.onnx') ? { lfs: { oid: createHash('sha256').update(bytes).digest('hex'), size: bytes.byteLength, pointerSize: 134 } } : {}),
        }));
        send(200, JSON.stringify(listing), { 'content-type': 'application/json' });
        return;
      }
      const prefix = `/${repo}/resolve/${revision}/`;
      if (!url.pathname.startsWith(prefix)) continue;
      const file = decodeURIComponent(url.pathname.slice(prefix.length));
      let bytes = files.get(file);
      if (!bytes) break;
      if (hub.corrupt === file) {
        bytes = Uint8Array.from(bytes);
        const middle = bytes.length >> 1;
        bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
      }
      const sha256 = createHash('sha256').update(files.get(file)!).digest('hex');
      if (file.endsWith('.onnx')) {
        lfs.set(sha256, bytes);
        res.writeHead(302, { ...CORS, location: `/cdn/${sha256}`, 'x-linked-etag': `"${sha256}"`, 'x-linked-size': String(bytes.byteLength) });
        res.end();
        return;
      }
      send(200, bytes, { etag: `"${gitBlobSha1(bytes)}"`, 'content-type': 'application/octet-stream' });
      return;
    }
    const blob = url.pathname.startsWith('/cdn/') ? lfs.get(url.pathname.slice(5)) : undefined;
    if (!blob) {
      send(404, 'Entry not found', { 'x-error-code': 'EntryNotFound' });
      return;
    }
    res.writeHead(200, { ...CORS, 'content-length': String(blob.byteLength), 'content-type': 'application/octet-stream' });
    void (async () => {
      const chunk = 64 * 1024;
      for (let at = 0; at < blob.byteLength && !res.destroyed; at += chunk) {
        res.write(blob.subarray(at, at + chunk));
        if (hub.chunkDelay > 0) await new Promise((r) => setTimeout(r, hub.chunkDelay));
      }
      res.end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  hub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  hub.close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return hub;
}
