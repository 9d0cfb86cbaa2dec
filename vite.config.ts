import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { modelsPlugin } from './models/vite-plugin.ts';
import { gzipPrecachePlugin } from './scripts/gzip-precache.ts';
import { isGzipPrecached, serveGunzipped } from './src/pwa/gzip-precache-sw.ts';
import { FILE_HANDLERS, SHARE_TARGET } from './src/pwa/os-manifest.ts';
import { isShareTarget, receiveShare } from './src/pwa/share-target-sw.ts';

// Cross-origin isolation lets ONNX Runtime use WASM threads. The headers are kept in precached
// responses, so the installed app stays isolated offline too.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// The Content-Security-Policy lives in index.html's <meta> (so it holds in the precached, offline page) and is also
// sent as a header: the header covers the workers too (a worker takes its policy from its script's response, and
// precached responses keep their headers), and it can carry frame-ancestors, which a <meta> cannot.
const pagePolicy = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(
  readFileSync(new URL('./index.html', import.meta.url), 'utf8'),
)?.[1];
if (!pagePolicy) throw new Error('index.html has no Content-Security-Policy <meta>');
const headers = { ...isolation, 'Content-Security-Policy': `${pagePolicy}; frame-ancestors 'none'` };

export default defineConfig({
  // 'mpa' answers a missing file with 404 instead of index.html, so a missing model file is reported as
  // such rather than as "protobuf parsing failed".
  appType: 'mpa',
  server: { headers },
  preview: { headers },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
  plugins: [
    modelsPlugin('models'),
    // ORT's plain wasm is precached gzipped (3.7 MB, not 14.3) and the service worker serves it decompressed.
    gzipPrecachePlugin(/^assets\/ort-wasm-simd-threaded-[\w-]+\.wasm$/),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      // The icons are matched by globPatterns already; listing them again would only duplicate precache entries.
      includeManifestIcons: false,
      manifest: {
        name: 'Passage — offline semantic search',
        short_name: 'Passage',
        description: 'Search your own documents by meaning, offline, in the browser.',
        display: 'standalone',
        start_url: '.',
        background_color: '#101418',
        theme_color: '#1d4ed8',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
        // "Share → Passage" and "Open with Passage" (src/pwa/os-manifest.ts).
        share_target: SHARE_TARGET,
        file_handlers: FILE_HANDLERS,
      },
      workbox: {
        globPatterns: ['**/*.{html,js,mjs,css,wasm,json,onnx,png,svg,ico,txt,gz}'],
        // The WebGPU-capable ORT build (26.9 MB) is fetched only where WebGPU runs (src/worker/ort-build.ts) and
        // cached then (runtimeCaching below); the plain build is precached, so search works offline — as its
        // gzip (3.7 MB instead of 14.3 MB; src/pwa/gzip-precache-sw.ts serves it), so the precache stays < 40 MB.
        globIgnores: ['**/ort-wasm-simd-threaded.asyncify*', '**/ort-wasm-simd-threaded-*.wasm'],
        // The model (~23 MB) and ORT's plain wasm must be precached for the app to work offline.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        // generateSW (not injectManifest) is kept: the generated worker's precache, update prompt and navigation
        // fallback stay as they are, and the share target needs only one route. Workbox copies the handler's source
        // into sw.js, so it is self-contained (src/pwa/share-target-sw.ts).
        runtimeCaching: [
          { urlPattern: isShareTarget, method: 'POST', handler: receiveShare },
          { urlPattern: isGzipPrecached, handler: serveGunzipped },
          {
            urlPattern: /\/assets\/ort-wasm-simd-threaded\.asyncify-[\w-]+\.wasm$/,
            handler: 'CacheFirst',
            // One version at a time: a new build's file (new hash) replaces the old one.
            options: { cacheName: 'passage-webgpu-runtime', expiration: { maxEntries: 1 }, cacheableResponse: { statuses: [200] } },
          },
        ],
        // On the first visit the new worker takes control at once, so the model is fetched through it;
        // later versions wait for the user's "reload" (registerType 'prompt').
        clientsClaim: true,
        navigateFallback: 'index.html',
        // The share target redirects to ./?share=<id> (src/pwa/share-target-sw.ts): that is the app shell, from the
        // precache even when the redirect is followed by fetch rather than a navigation. (The first two are Workbox's
        // defaults.)
        ignoreURLParametersMatching: [/^utm_/, /^fbclid$/, /^share$/],
      },
    }),
  ],
});
