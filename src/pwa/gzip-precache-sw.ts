/**
 * ONNX Runtime's plain wasm build is precached gzipped (3.7 MB instead of 14.3 MB, level 9), which keeps the whole
 * precache under 40 MB (issue 12: a lean install) and makes a first visit download 10.6 MB less. The build writes
 * `<file>.wasm.gz` beside the wasm (scripts/gzip-precache.ts) and the service worker precaches only the .gz; this
 * route answers the wasm's own URL from it, decompressed as it streams (DecompressionStream), so ORT fetches and
 * compiles the wasm exactly as before, online or offline.
 *
 * Both functions are SELF-CONTAINED on purpose: vite.config.ts hands them to Workbox as a `runtimeCaching` route,
 * and workbox-build copies their source text into sw.js (like share-target-sw.ts). They may use only their
 * arguments and service-worker globals — no imports, no module-level names.
 */

/** The route's match: ORT's plain wasm (not the WebGPU build, `…threaded.asyncify-<hash>.wasm`). */
export function isGzipPrecached({ url }: { url: URL }): boolean {
  return /\/assets\/ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(url.pathname);
}

/**
 * The route's handler: the wasm from its precached .gz, else (not precached yet, or deleted) from the network as
 * it is. A server that sent the .gz with `Content-Encoding: gzip` had the browser decode it already: the stored
 * bytes are then the wasm itself (no gzip magic 1f 8b) and are answered as they are.
 */
export async function serveGunzipped({ request }: { request: Request }): Promise<Response> {
  const packed = await caches.match(`${request.url.split('?')[0]}.gz`, { ignoreSearch: true });
  if (!packed) return fetch(request);
  const bytes = new Uint8Array(await packed.arrayBuffer());
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const body = gzipped ? new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')) : bytes;
  return new Response(body, { headers: { 'Content-Type': 'application/wasm', 'Cross-Origin-Resource-Policy': 'same-origin' } });
}
