/**
 * Bundled into the upgrade benchmark's page (bench/upgrade.bench.ts) with the db.ts of the checkout under test:
 * builds a schema-5 library of synthetic documents shaped like the scale libraries, and times the upgrade.
 */
// Bundled by bench/upgrade.bench.ts with this import pointing at the db.ts of the checkout under test.
import { openDatabase, packBlock } from '../../src/store/db.ts';

const DIMS = 384;
/** Passages a document, characters a passage and of its context: like the SOTU scale libraries (~87, ~630, ~250). */
const PER_DOCUMENT = 87;
const PASSAGE_CHARS = 630;
const CONTEXT_CHARS = 250;
const CODE_BYTES = 96;
const WORDS = 'the of and to in a that be is for this it which by with as on have not are government people states'.split(' ');

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

async function buildV5(name: string, passages: number): Promise<{ ms: number }> {
  const started = performance.now();
  const next = random(42);
  const db = await openDatabase({ name, version: 5 });
  await db.put('meta' as never, { modelId: 'm', dims: DIMS, schemaVersion: 5 } as never, 'library' as never);
  const hex = () => Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(next() * 16)]).join('');
  for (let doc = 0, made = 0; made < passages; doc++) {
    const count = Math.min(PER_DOCUMENT, passages - made);
    let text = '';
    while (text.length < count * PASSAGE_CHARS) text += WORDS[Math.floor(next() * WORDS.length)] + ' ';
    const id = `doc-${doc}`;
    const tx = db.transaction(['documents', 'texts', 'passages', 'vectors', 'vectorBlocks'] as never[], 'readwrite');
    const put = (store: string, value: unknown) => void tx.objectStore(store as never).put(value as never);
    put('documents', { id, title: `Document ${doc}`, type: 'txt', size: text.length, sha256: hex(), added: doc, passageCount: count, splitRecipe: 2, indexedCount: count });
    put('texts', { docId: id, text });
    const rows: { ordinal: number; q: Int8Array; scale: number }[] = [];
    for (let ordinal = 0; ordinal < count; ordinal++) {
      const start = ordinal * PASSAGE_CHARS;
      const end = start + PASSAGE_CHARS;
      const contextStart = Math.max(0, start - CONTEXT_CHARS);
      const contentHash = hex();
      put('passages', { id: `${id}:${ordinal}`, docId: id, ordinal, start, end, text: text.slice(start, end), context: text.slice(contextStart, start), contentHash });
      const q = Int8Array.from({ length: DIMS }, () => Math.floor(next() * 255) - 127);
      const sentences = Uint8Array.from({ length: CODE_BYTES }, () => Math.floor(next() * 256));
      put('vectors', { modelId: 'm', contentHash, q, scale: next() / 100, sentences });
      rows.push({ ordinal, q, scale: 0.01 });
    }
    put('vectorBlocks', packBlock('m', id, 0, DIMS, rows));
    await tx.done;
    made += count;
  }
  db.close();
  return { ms: performance.now() - started };
}

async function upgrade(name: string): Promise<{ ms: number; version: number; reports: [number, number][]; last: unknown; passages: number }> {
  const started = performance.now();
  const reports: [number, number][] = [];
  let last: unknown = null;
  const onUpgradeProgress = (progress: { done: number }) => {
    reports.push([Math.round(performance.now() - started), progress.done]);
    last = progress;
  };
  const db = await openDatabase({ name, onUpgradeProgress } as never);
  const ms = performance.now() - started;
  const passages = await db.count('passages' as never);
  db.close();
  return { ms, version: db.version, reports, last, passages };
}

Object.assign(globalThis, { upgradeBench: { buildV5, upgrade } });
