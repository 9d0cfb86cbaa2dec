/**
 * A lean install: the service worker precaches ONNX Runtime's plain wasm build (14.3 MB) and not the WebGPU-capable
 * asyncify build (26.9 MB), which is fetched only where WebGPU runs and then cached (src/worker/ort-build.ts). And a
 * first visit says "Starting…" from its first paint. (Headless Chromium here has no WebGPU adapter: the app takes
 * the plain path, as on most phones; the WebGPU path's choice is unit-tested in ort-build.test.ts.)
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, holdEntryScript, openApp, repoRoot, test, waitForModel } from './support/app.ts';

const webGpuBuild = readdirSync(path.join(repoRoot, 'dist/assets')).find((f) => /^ort-wasm-simd-threaded\.asyncify-[\w-]+\.wasm$/.test(f))!;

test('without WebGPU the app runs ORT’s plain wasm build from this origin and never downloads the WebGPU build', async ({ page, requests }) => {
  await openApp(page);
  const paths = requests.requests.map((r) => new URL(r.url).pathname);
  expect(paths.some((p) => /^\/assets\/ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(p)), 'the plain .wasm').toBe(true);
  expect(paths.some((p) => /^\/assets\/ort-wasm-simd-threaded-[\w-]+\.mjs$/.test(p)), 'its JS glue').toBe(true);
  expect(paths.filter((p) => p.includes('asyncify'))).toEqual([]);
});

test('offline, the service worker answers the plain wasm’s URL from its precached gzip, byte for byte the built file', async ({ page, context, requests }) => {
  await openApp(page);
  const plain = readdirSync(path.join(repoRoot, 'dist/assets')).find((f) => /^ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(f))!;
  const built = readFileSync(path.join(repoRoot, 'dist/assets', plain));
  await context.setOffline(true);
  requests.offline = true;
  const served = await page.evaluate(async (u) => {
    const response = await fetch(u);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return { type: response.headers.get('content-type'), size: bytes.byteLength, sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join('') };
  }, `/assets/${plain}`);
  expect(served).toEqual({ type: 'application/wasm', size: built.byteLength, sha256: createHash('sha256').update(built).digest('hex') });
  await expect.poll(() => requests.networkWhileOffline(), { message: 'requests that reached the network while offline' }).toEqual([]);
});

test('the WebGPU build is cached by the service worker on first use and then served from that cache offline', async ({ page, context, requests }) => {
  test.setTimeout(180_000);
  await openApp(page);
  const url = `/assets/${webGpuBuild}`;
  const read = (u: string) => page.evaluate(async (u) => (await (await fetch(u)).arrayBuffer()).byteLength, u);
  const size = await read(url);
  expect(size).toBeGreaterThan(20_000_000);
  // Workbox stores the response after answering with it (in the fetch event's waitUntil): wait for that put.
  const cached = () => page.evaluate(async () => (await (await caches.open('passage-webgpu-runtime')).keys()).map((r) => new URL(r.url).pathname));
  await expect.poll(cached, { timeout: 30_000 }).toEqual([url]);

  await context.setOffline(true);
  requests.offline = true;
  expect(await read(url)).toBe(size);
  // (Whether the service worker answered is recorded when the request finishes: poll.)
  await expect.poll(() => requests.networkWhileOffline(), { message: 'requests that reached the network while offline' }).toEqual([]);
});

test('a first visit says “Starting…” from its first paint, before any of the app’s script has run', async ({ page }) => {
  test.setTimeout(180_000);
  // Hold the app's entry script, as a slow first download would.
  const release = await holdEntryScript(page);
  await page.goto('/', { waitUntil: 'commit' });
  const starting = page.getByRole('status').filter({ hasText: 'Starting…' });
  await expect(starting).toBeVisible();
  expect(await page.evaluate(() => customElements.get('passage-shell'))).toBeUndefined();

  release();
  // The shell takes over (its own status strip) and the model loads as usual.
  await expect(page.locator('passage-shell progress-bar')).toBeAttached();
  await waitForModel(page);
  await expect(page.locator('passage-shell .boot')).toBeHidden();
});
