/**
 * Writes a gzipped copy (level 9) of every built asset whose name matches, for the service worker to precache
 * instead of the file itself (src/pwa/gzip-precache-sw.ts answers the file's URL from it). The file stays in the
 * build too: a page the service worker does not control (a hard reload, no service worker) fetches it as it is.
 */
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

export function gzipPrecachePlugin(match: RegExp): Plugin {
  return {
    name: 'passage-gzip-precache',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const asset of Object.values(bundle)) {
        if (asset.type !== 'asset' || !match.test(asset.fileName)) continue;
        const source = typeof asset.source === 'string' ? Buffer.from(asset.source) : asset.source;
        this.emitFile({ type: 'asset', fileName: `${asset.fileName}.gz`, source: gzipSync(source, { level: 9 }) });
      }
    },
  };
}
