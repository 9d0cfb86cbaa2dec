/**
 * The build ships everything the app needs offline, and the service worker precaches it: the model files,
 * ORT's plain wasm (gzipped), pdf.js's worker and the app itself; the WebGPU-capable ORT build is cached only where it is used. (Reads dist/; no browser needed.)
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { repoRoot } from './support/app.ts';

const dist = path.join(repoRoot, 'dist');

function precachedUrls(): string[] {
  const sw = readFileSync(path.join(dist, 'sw.js'), 'utf8');
  return [...sw.matchAll(/\{url:"([^"]+)",revision:/g)].map((m) => m[1]!);
}

test('the service worker precaches the model, the plain ORT wasm, pdf.js and the app shell', () => {
  const precached = precachedUrls();
  for (const url of precached) expect(existsSync(path.join(dist, url)), `${url} exists in dist`).toBe(true);

  const modelFiles = [
    'models/all-MiniLM-L6-v2/config.json',
    'models/all-MiniLM-L6-v2/tokenizer.json',
    'models/all-MiniLM-L6-v2/tokenizer_config.json',
    'models/all-MiniLM-L6-v2/onnx/model_quantized.onnx',
  ];
  for (const file of [...modelFiles, 'index.html', 'manifest.webmanifest']) expect(precached).toContain(file);

  // The plain CPU build (.wasm, as its gzip, and its JS glue) is precached: search works offline without WebGPU.
  const wasm = precached.filter((url) => /^assets\/ort-wasm.*\.wasm(\.gz)?$/.test(url));
  expect(wasm).toHaveLength(1);
  expect(wasm[0]).toMatch(/^assets\/ort-wasm-simd-threaded-[\w-]+\.wasm\.gz$/);
  const plain = wasm[0]!.slice(0, -'.gz'.length);
  expect(gunzipSync(readFileSync(path.join(dist, wasm[0]!))).equals(readFileSync(path.join(dist, plain))), 'the gzip holds the built wasm').toBe(true);
  expect(precached.some((url) => /^assets\/ort-wasm-simd-threaded-[\w-]+\.mjs$/.test(url))).toBe(true);

  expect(precached.some((url) => /^assets\/pdf\.worker\.min-.*\.mjs$/.test(url))).toBe(true);
  // The fp32 model (~90 MB) is for Node tests only and must not ship.
  expect(existsSync(path.join(dist, 'models/all-MiniLM-L6-v2/onnx/model.onnx'))).toBe(false);
  expect(statSync(path.join(dist, 'models/all-MiniLM-L6-v2/onnx/model_quantized.onnx')).size).toBeGreaterThan(1_000_000);
});

test('a lean install: the WebGPU-capable ORT build is not precached but cached on first use, the plain one is precached gzipped, and the precache stays within 40 MB', () => {
  const precached = precachedUrls();
  const built = readdirSync(path.join(dist, 'assets'));
  const webGpu = built.filter((f) => /^ort-wasm-simd-threaded\.asyncify-[\w-]+\.wasm$/.test(f));
  expect(webGpu, 'the WebGPU build is still shipped, for devices that use it').toHaveLength(1);
  expect(precached).not.toContain(`assets/${webGpu[0]}`);
  // Every other wasm file in the build is precached, gzipped (nothing else is left to be fetched later), and the
  // service worker answers its URL from the gzip (src/pwa/gzip-precache-sw.ts).
  const otherWasm = built.filter((f) => f.endsWith('.wasm') && !webGpu.includes(f)).map((f) => `assets/${f}.gz`);
  expect(otherWasm.length).toBeGreaterThan(0);
  expect(precached.filter((url) => /\.wasm(\.gz)?$/.test(url)).sort()).toEqual(otherWasm.sort());
  // The service worker caches it at run time, on first use (CacheFirst), in a cache of its own.
  const sw = readFileSync(path.join(dist, 'sw.js'), 'utf8');
  const route = /registerRoute\((\/[^,]+\/),new \w+\.CacheFirst\(\{cacheName:"passage-webgpu-runtime"/.exec(sw);
  expect(route, 'a CacheFirst route for the WebGPU build').toBeTruthy();
  const pattern = new RegExp(route![1]!.slice(1, -1)); // the route's own regular expression, from sw.js
  expect(pattern.test(`http://localhost/assets/${webGpu[0]}`)).toBe(true);

  // Issue 12: "the precache is ≤ 40 MB" — decimal megabytes (it was 41.15 MB = 39.24 MiB with the wasm as it is).
  const bytes = precached.reduce((sum, url) => sum + statSync(path.join(dist, url)).size, 0);
  expect(bytes, `precache of ${(bytes / 1e6).toFixed(2)} MB`).toBeLessThanOrEqual(40 * 1e6);
});

test('the main chunk stays small: pdf.js, mammoth and the samples load on demand', () => {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const entry = /src="\/(assets\/index-[^"]+\.js)"/.exec(html)?.[1];
  expect(entry).toBeTruthy();
  const main = readFileSync(path.join(dist, entry!), 'utf8');
  expect(main.length).toBeLessThan(200_000);
  expect(main).not.toContain('GlobalWorkerOptions');
  expect(main).not.toContain('extractRawText');
  expect(main).not.toContain('Fellow-Citizens of the Senate');
});
