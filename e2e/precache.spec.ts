/**
 * The build ships everything the app needs offline, and the service worker precaches it: the model files,
 * ORT's wasm, pdf.js's worker and the app itself. (Reads dist/; no browser needed.)
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { repoRoot } from './support/app.ts';

const dist = path.join(repoRoot, 'dist');

test('the service worker precaches the model, the ORT wasm, pdf.js and the app shell', () => {
  const sw = readFileSync(path.join(dist, 'sw.js'), 'utf8');
  const precached = [...sw.matchAll(/\{url:"([^"]+)",revision:/g)].map((m) => m[1]);
  for (const url of precached) expect(existsSync(path.join(dist, url)), `${url} exists in dist`).toBe(true);

  const modelFiles = [
    'models/all-MiniLM-L6-v2/config.json',
    'models/all-MiniLM-L6-v2/tokenizer.json',
    'models/all-MiniLM-L6-v2/tokenizer_config.json',
    'models/all-MiniLM-L6-v2/onnx/model_quantized.onnx',
  ];
  for (const file of [...modelFiles, 'index.html', 'manifest.webmanifest']) expect(precached).toContain(file);

  const wasm = precached.filter((url) => /^assets\/ort-wasm.*\.wasm$/.test(url));
  expect(wasm.length, 'ORT wasm files precached').toBeGreaterThan(0);
  // Every wasm file in the build is precached (none is left to be fetched from the network later).
  const built = readdirSync(path.join(dist, 'assets')).filter((f) => f.endsWith('.wasm'));
  expect(built.map((f) => `assets/${f}`).sort()).toEqual(wasm.sort());

  expect(precached.some((url) => /^assets\/pdf\.worker\.min-.*\.mjs$/.test(url))).toBe(true);
  // The fp32 model (~90 MB) is for Node tests only and must not ship.
  expect(existsSync(path.join(dist, 'models/all-MiniLM-L6-v2/onnx/model.onnx'))).toBe(false);
  expect(statSync(path.join(dist, 'models/all-MiniLM-L6-v2/onnx/model_quantized.onnx')).size).toBeGreaterThan(1_000_000);
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
