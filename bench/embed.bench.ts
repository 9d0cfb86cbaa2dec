/**
 * Passage embedding throughput in Node (the app's engine, CPU): real SOTU windows as the splitter makes them.
 * Usage: npx tsx bench/embed.bench.ts [--passages 256] [--batch 32]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { splitDocument } from '../src/core/split.ts';
import { SOTU_DATA_DIR } from './documents.ts';
import { loadNodeEngine, readModelSpec } from './node-engine.ts';

const { values } = parseArgs({ options: { passages: { type: 'string', default: '256' }, batch: { type: 'string', default: '32' } } });
const count = Number(values.passages);
const batch = Number(values.batch);
const spec = readModelSpec();
const engine = await loadNodeEngine(spec);
const text = readFileSync(path.join(SOTU_DATA_DIR, '1862_abraham_lincoln_r.txt'), 'utf8') + '\n\n' +
  readFileSync(path.join(SOTU_DATA_DIR, '1905_theodore_roosevelt_r.txt'), 'utf8');
const passages = splitDocument(text, (t) => engine.countTokens(t), { maxTokens: spec.maxTokens })
  .slice(0, count)
  .map((p) => p.text);
const tokens = passages.reduce((sum, p) => sum + engine.countTokens(p), 0);
await engine.embed(passages.slice(0, 4), 'passage'); // warm-up
const start = performance.now();
for (let from = 0; from < passages.length; from += batch) await engine.embed(passages.slice(from, from + batch), 'passage');
const seconds = (performance.now() - start) / 1000;
console.log(
  `${passages.length} passages (mean ${(tokens / passages.length).toFixed(0)} word pieces), batch ${batch}, ${spec.dtype}: ` +
    `${(passages.length / seconds).toFixed(1)} passages/s, ${(tokens / seconds).toFixed(0)} word pieces/s`,
);
await engine.dispose();
