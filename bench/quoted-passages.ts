/**
 * Does asking for a passage's own words find it in a big library? The e2e large-library test's case in Node: the
 * same generated library file (bench/scale/library-file.ts: SOTU text, perturbed pool vectors, anchors with their
 * own vectors), each anchor's first 160 characters asked as the question, and whether the anchor's document is
 * among the top `k` hits — under the app's ranking with each document-prior weight and re-ordering depth given
 * (`app`: the app's, by library size; `all`: every candidate).
 * Usage: npx tsx bench/quoted-passages.ts [--passages 4000] [--pool 60] [--k 8] [--priors 0,app,0.2] [--depths app,all,8]
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DOCUMENT_PRIOR_DEPTH, documentPriorFor } from '../src/core/document-prior.ts';
import { searchPassages } from '../src/core/rank.ts';
import { SearchIndex } from '../src/core/search-index.ts';
import { TitleIndex } from '../src/core/title-index.ts';
import { loadNodeEngine, readModelSpec } from './node-engine.ts';
import { writeLibraryFile } from './scale/library-file.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      passages: { type: 'string', default: '4000' },
      pool: { type: 'string', default: '60' },
      k: { type: 'string', default: '8' },
      priors: { type: 'string', default: '0,app' },
      depths: { type: 'string', default: 'app' },
    },
  });
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'passage-quoted-')), 'library.passage');
  const info = await writeLibraryFile({ passages: Number(values.passages), pool: Number(values.pool), out: { v2: file } });
  const spec = readModelSpec();
  const index = new SearchIndex<string>(spec.dimensions, { groupOf: docOf });
  const titles = new TitleIndex<string>();
  const titleOf = new Map<string, string>();
  let text = '';
  let docId = '';
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const record = JSON.parse(line) as { document?: { id: string; title: string; text: string }; p?: [number, number, number, number, string, number, string] };
    if (record.document) {
      ({ id: docId, text } = record.document);
      titles.set(docId, record.document.title);
      titleOf.set(docId, record.document.title);
    } else if (record.p) {
      const [ordinal, start, end, , , scale, code] = record.p;
      const q = new Int8Array(Buffer.from(code, 'base64'));
      index.add(`${docId}:${ordinal}`, text.slice(start, end), q, scale);
    }
  }
  const anchors = info.anchors.filter((a) => a.text.length > 200);
  const engine = await loadNodeEngine(spec);
  const questions = anchors.map((a) => a.text.slice(0, 160));
  const vectors = await engine.embed(questions, 'query');
  await engine.dispose();
  const k = Number(values.k);
  console.log(`${index.size} passages, ${titleOf.size} documents, ${anchors.length} anchors over 200 characters; k = ${k}`);
  const configs = values.priors.split(',').flatMap((p) =>
    values.depths.split(',').map((d) => ({ prior: p === 'app' ? undefined : Number(p), depth: d === 'app' ? undefined : d === 'all' ? Infinity : Number(d) })),
  );
  for (const { prior, depth } of configs) {
    const ranks = anchors.map((anchor, i) => {
      const hits = searchPassages(index, vectors.subarray(i * spec.dimensions, (i + 1) * spec.dimensions), questions[i]!, {
        k,
        titles: { index: titles, documentOf: docOf },
        documentOf: docOf,
        ...(prior === undefined ? {} : { documentPrior: prior }),
        ...(depth === undefined ? {} : { documentPriorDepth: depth }),
      });
      const at = hits.findIndex((h) => titleOf.get(docOf(h.id)) === anchor.title);
      return at < 0 ? null : at + 1;
    });
    const found = ranks.filter((r) => r !== null).length;
    const first = ranks.filter((r) => r === 1).length;
    console.log(
      `prior ${prior ?? `app's (${documentPriorFor(index.size).toFixed(3)})`} depth ${depth === undefined ? `app's (${DOCUMENT_PRIOR_DEPTH})` : depth === Infinity ? 'all' : depth}: ` +
        `anchor's document first for ${first}/${anchors.length}, in the top ${k} for ${found}/${anchors.length} ` +
        `(first three, as e2e asks: ${ranks.slice(0, 3).map((r) => r ?? '-').join(', ')}); ranks ${ranks.map((r) => r ?? '-').join(' ')}`,
    );
  }
}

function docOf(id: string): string {
  return id.slice(0, id.lastIndexOf(':'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
