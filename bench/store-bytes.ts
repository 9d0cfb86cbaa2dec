/**
 * Where IndexedDB's bytes go, per store and index: a library file imported into fake-indexeddb in Node, every
 * record's key and value measured with `v8.serialize` (the structured-clone bytes Chromium stores, before
 * LevelDB's own framing and compression), and every index entry as its key plus the primary key.
 *
 *   npx tsx bench/store-bytes.ts .cache/scale/sotu-10000-g2-p1000-n0.015.passage
 *
 * Prints a table of bytes per passage by store and index, and the sum per 100,000 passages.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { serialize } from 'node:v8';
import { importLibraryFile } from '../src/store/library-file/database.ts';
import { Library } from '../src/store/library.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: npx tsx bench/store-bytes.ts <library file>');
const header = JSON.parse(readFileSync(file, 'utf8').slice(0, 2000).split('\n')[0]!) as { modelId: string; dims: number };
const library = await Library.open({ id: header.modelId, dimensions: header.dims }, { name: `store-bytes-${Date.now()}` });
const started = performance.now();
const outcome = await importLibraryFile(library, new Blob([readFileSync(file)]));
const importMs = performance.now() - started;

const rows: [string, number, number][] = [];
const tx = library.db.transaction([...library.db.objectStoreNames], 'readonly');
for (const name of library.db.objectStoreNames) {
  const store = tx.objectStore(name);
  let records = 0;
  let bytes = 0;
  for (let cursor = await store.openCursor(); cursor; cursor = await cursor.continue()) {
    records++;
    bytes += serialize(cursor.key).length + serialize(cursor.value).length;
  }
  rows.push([name, records, bytes]);
  for (const indexName of store.indexNames) {
    let entries = 0;
    let indexBytes = 0;
    for (let cursor = await store.index(indexName).openKeyCursor(); cursor; cursor = await cursor.continue()) {
      entries++;
      indexBytes += serialize(cursor.key).length + serialize(cursor.primaryKey).length;
    }
    rows.push([`${name} index ${indexName}`, entries, indexBytes]);
  }
}
await tx.done;
const passages = outcome.passages;
console.log(`imported ${outcome.documents} documents, ${passages} passages in ${(importMs / 1000).toFixed(1)} s (fake-indexeddb)`);
console.log('| store | records | bytes a passage |');
console.log('|---|---|---|');
for (const [name, records, bytes] of rows) console.log(`| ${name} | ${records} | ${(bytes / passages).toFixed(0)} |`);
const total = rows.reduce((sum, [, , bytes]) => sum + bytes, 0);
console.log(`| total | | ${(total / passages).toFixed(0)} (${((total / passages) * 100_000 / 1e6).toFixed(0)} MB per 100k) |`);
library.close();
