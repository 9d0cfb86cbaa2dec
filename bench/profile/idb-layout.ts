/**
 * What one passage costs IndexedDB in Chromium, by record layout: the browser process does IndexedDB's work, so
 * its CPU time (from /proc) is measured beside the page's and the wall clock. Each variant writes the same
 * library shape as a 100k scale import (≈49 passages a document, 2,000 passages a transaction, text chunks and
 * vector blocks alike in every variant) into a fresh database on disk; variants interleave, rounds repeat.
 *
 *   npx tsx bench/profile/idb-layout.ts --passages 50000 --rounds 2 --port 4336
 *
 * Variants: today (schema 6: a passage record with by-hash and by-position indexes, and a vector record per
 * text); without the by-position index; without vector records; a per-document passage table (one record of typed
 * arrays per document) with and without per-text vector records.
 */
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../../playwright.config.ts';
import { chromiumProcesses, cpuSeconds } from './processes.ts';

const { values } = parseArgs({
  options: { passages: { type: 'string', default: '50000' }, rounds: { type: 'string', default: '2' }, port: { type: 'string', default: '4336' } },
});
const VARIANTS = ['today', 'no-position-index', 'no-vector-records', 'passage-table', 'passage-table-no-vectors'] as const;

const PAGE = `<!doctype html><script type="module">
const PER_DOC = 49, PER_TX = 2000, DIMS = 384;
const hex = () => Array.from(crypto.getRandomValues(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
window.runVariant = async (variant, passages) => {
  const name = 'layout-' + variant + '-' + Math.random();
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open(name, 1);
    open.onupgradeneeded = () => {
      const d = open.result;
      d.createObjectStore('documents', { keyPath: 'id' }).createIndex('by-sha256', 'sha256', { unique: true });
      d.createObjectStore('textChunks', { keyPath: ['docId', 'chunk'] });
      d.createObjectStore('vectorBlocks', { keyPath: ['modelId', 'docId', 'block'] });
      d.createObjectStore('vectors');
      if (variant.startsWith('passage-table')) d.createObjectStore('passageTables', { keyPath: 'docId' });
      else {
        const p = d.createObjectStore('passages', { keyPath: 'id' });
        p.createIndex('by-hash', 'contentHash');
        if (variant !== 'no-position-index') p.createIndex('by-position', ['docId', 'ordinal']);
      }
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  const started = performance.now();
  for (let first = 0; first < passages; first += PER_TX) {
    const tx = db.transaction(db.objectStoreNames, 'readwrite');
    const docs = Math.ceil(Math.min(PER_TX, passages - first) / PER_DOC);
    for (let d = 0; d < docs; d++) {
      const docId = crypto.randomUUID();
      tx.objectStore('documents').put({ id: docId, title: 'Doc ' + docId, type: 'txt', size: 30000, sha256: hex(), added: Date.now(), passageCount: PER_DOC, indexedCount: PER_DOC });
      for (let c = 0; c < 4; c++) tx.objectStore('textChunks').put({ docId, chunk: c, text: 'x'.repeat(c < 3 ? 8192 : 4000) });
      const hashes = Array.from({ length: PER_DOC }, hex);
      if (variant.startsWith('passage-table')) {
        const starts = new Uint32Array(PER_DOC), ends = new Uint32Array(PER_DOC), contextStarts = new Uint32Array(PER_DOC);
        for (let o = 0; o < PER_DOC; o++) { starts[o] = o * 580; ends[o] = o * 580 + 575; contextStarts[o] = Math.max(0, o * 580 - 250); }
        const hashBytes = new Uint8Array(PER_DOC * 32);
        crypto.getRandomValues(hashBytes);
        tx.objectStore('passageTables').put({ docId, starts, ends, contextStarts, hashes: hashBytes });
      } else {
        for (let o = 0; o < PER_DOC; o++) {
          tx.objectStore('passages').put({ ordinal: o, start: o * 580, end: o * 580 + 575, contextStart: Math.max(0, o * 580 - 250), contentHash: hashes[o], id: docId + ':' + o, docId });
        }
      }
      if (variant === 'today' || variant === 'no-position-index' || variant === 'passage-table') {
        for (const h of hashes) tx.objectStore('vectors').put({}, ['model', h]);
      }
      tx.objectStore('vectorBlocks').put({ modelId: 'model', docId, block: 0, ordinals: Uint32Array.from({ length: PER_DOC }, (_, i) => i), q: new Int8Array(PER_DOC * DIMS), scales: new Float32Array(PER_DOC) });
    }
    await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); tx.onabort = () => reject(tx.error); });
  }
  const ms = performance.now() - started;
  db.close();
  await new Promise((resolve) => { const del = indexedDB.deleteDatabase(name); del.onsuccess = del.onerror = del.onblocked = resolve; });
  return ms;
};
window.ready = true;
</script>`;

const port = Number(values.port);
const server = createServer((_req, res) => {
  res.setHeader('content-type', 'text/html');
  res.end(PAGE);
}).listen(port);
const profile = mkdtempSync(path.join(os.tmpdir(), 'passage-idb-layout-'));
const context = await chromium.launchPersistentContext(profile, { ...chromiumLaunch, headless: true });
try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
  const passages = Number(values.passages);
  const rows: Record<string, { wallMs: number; browserCpuS: number; rendererCpuS: number }[]> = {};
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const variant of order) {
      const procs = chromiumProcesses(profile);
      const cpu = () => ({
        browser: procs.filter((p) => p.kind === 'browser').reduce((s, p) => s + cpuSeconds(p.pid), 0),
        renderer: procs.filter((p) => p.kind === 'renderer').reduce((s, p) => s + cpuSeconds(p.pid), 0),
      });
      const before = cpu();
      const wallMs = await page.evaluate(([v, n]) => (window as unknown as { runVariant(v: string, n: number): Promise<number> }).runVariant(v, n), [variant, passages] as const);
      const after = cpu();
      (rows[variant] ??= []).push({ wallMs: Math.round(wallMs), browserCpuS: Math.round((after.browser - before.browser) * 10) / 10, rendererCpuS: Math.round((after.renderer - before.renderer) * 10) / 10 });
      console.error(round, variant, JSON.stringify(rows[variant]!.at(-1)), 'load', os.loadavg()[0]!.toFixed(1));
    }
  }
  console.log(JSON.stringify({ passages, rows }));
} finally {
  await context.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}
