/**
 * How fast a .docx zip bomb is refused (src/import/docx-zip.ts), in Node: the issue-11 bomb (word/document.xml
 * unpacking to 524 MB, 0.5 MB packed) declaring its size honestly — refused from the zip's directory — and the
 * same bomb lying (document.xml declares 10 KB) — stopped by the counting inflate at the 64 MB limit.
 * Five runs each, median and the process's resident memory afterwards.
 *
 * Usage: npx tsx bench/docx-bomb.bench.ts
 */
import { docxZipBomb } from '../e2e/support/hostile-files.ts';
import { inspectDocx } from '../src/import/docx-zip.ts';

const bomb = docxZipBomb(524);
const lying = new Uint8Array(bomb);
const view = new DataView(lying.buffer);
const isDocument = (at: number) => new TextDecoder().decode(lying.subarray(at, at + 17)) === 'word/document.xml';
for (let i = 0; i + 46 <= lying.length; i++) {
  const signature = view.getUint32(i, true);
  if (signature === 0x04034b50 && isDocument(i + 30)) view.setUint32(i + 22, 10_240, true);
  if (signature === 0x02014b50 && isDocument(i + 46)) view.setUint32(i + 24, 10_240, true);
}

console.log(`bomb: ${(bomb.length / 2 ** 20).toFixed(2)} MB packed, 524 MB unpacked`);
for (const [label, bytes] of [['declares its size', bomb], ['lies about its size', lying]] as const) {
  const times: number[] = [];
  let problem = null;
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    problem = await inspectDocx(bytes);
    times.push(performance.now() - started);
  }
  const [min = 0, , median = 0, , max = 0] = times.sort((a, b) => a - b); // five runs
  console.log(
    `${label}: ${JSON.stringify(problem)} — median ${median.toFixed(1)} ms (min ${min.toFixed(1)}, max ${max.toFixed(1)}), rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MB`,
  );
}
