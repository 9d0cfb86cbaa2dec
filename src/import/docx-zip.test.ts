import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import JSZip from 'jszip';
import { checkDocxEntries, inspectDocx, isPicture, type DocxLimits } from './docx-zip.ts';
import { docxToText } from './docx.ts';
import { ImportError } from './errors.ts';

const MB = 1024 * 1024;
const limits: DocxLimits = { unpackedBytes: 1 * MB, entries: 50 };
const chess = readFileSync(new URL('../../e2e/fixtures/chess.docx', import.meta.url));

/** chess.docx with word/document.xml padded to `bytes` of XML that compresses ~1000:1 (a zip bomb when large). */
async function paddedDocx(bytes: number, extra: Record<string, Uint8Array | string> = {}): Promise<Uint8Array> {
  const zip = await JSZip.loadAsync(chess);
  const xml = await zip.file('word/document.xml')!.async('string');
  const filler = `<!--${' '.repeat(Math.max(0, bytes - xml.length - 7))}-->`;
  zip.file('word/document.xml', xml.replace('<w:body>', `<w:body>${filler}`));
  for (const [name, data] of Object.entries(extra)) zip.file(name, data);
  return zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 } });
}

/** Rewrites the declared unpacked size of word/document.xml (local header and central directory): a zip that lies. */
function lieAboutSizes(bytes: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  const named = (at: number) => new TextDecoder().decode(out.subarray(at, at + 'word/document.xml'.length)) === 'word/document.xml';
  for (let i = 0; i + 46 <= out.length; i++) {
    const signature = view.getUint32(i, true);
    if (signature === 0x04034b50 && named(i + 30)) view.setUint32(i + 22, size, true);
    if (signature === 0x02014b50 && named(i + 46)) view.setUint32(i + 24, size, true);
  }
  return out;
}

describe('checkDocxEntries (declared sizes)', () => {
  test('counts the parts that are read, not pictures', () => {
    assert.equal(isPicture('word/media/image1.png'), true);
    assert.equal(isPicture('word/document.xml'), false);
    const entries = [
      { name: 'word/document.xml', declaredSize: 600_000 },
      { name: 'word/styles.xml', declaredSize: 300_000 },
      { name: 'word/media/photo.jpeg', declaredSize: 40 * MB },
    ];
    assert.equal(checkDocxEntries(entries, limits), null);
    assert.deepEqual(checkDocxEntries([...entries, { name: 'word/footnotes.xml', declaredSize: 200_000 }], limits), {
      kind: 'too-large-unpacked',
      bytes: 1_100_000,
    });
  });

  test('refuses a zip with more entries than a document has', () => {
    const many = Array.from({ length: 51 }, (_, i) => ({ name: `x/${i}.xml`, declaredSize: 10 }));
    assert.deepEqual(checkDocxEntries(many, limits), { kind: 'too-many-entries', entries: 51 });
  });
});

describe('inspectDocx (real zips)', () => {
  test('a normal document passes', async () => {
    assert.equal(await inspectDocx(chess, limits), null);
    assert.equal(await inspectDocx(await paddedDocx(0.9 * MB), limits), null);
  });

  test('a zip bomb that declares its size is refused from the directory alone', async () => {
    const bomb = await paddedDocx(8 * MB);
    assert.ok(bomb.length < 64 * 1024, `the bomb is small packed (${bomb.length} bytes)`);
    const problem = await inspectDocx(bomb, limits);
    assert.equal(problem?.kind, 'too-large-unpacked');
    assert.ok(problem.kind === 'too-large-unpacked' && problem.bytes > 8 * MB);
  });

  test('a zip bomb that lies about its sizes is stopped while unpacking', async () => {
    const liar = lieAboutSizes(await paddedDocx(8 * MB), 1000);
    assert.deepEqual(await inspectDocx(liar, limits), { kind: 'unpacks-beyond-limit' });
  });

  test('a large picture does not count against the limit', async () => {
    const photo = new Uint8Array(3 * MB).map((_, i) => (i * 2654435761) >>> 24); // incompressible-ish
    assert.equal(await inspectDocx(await paddedDocx(1000, { 'word/media/image1.png': photo }), limits), null);
  });

  test('bytes that are not a zip are an error, not a pass', async () => {
    await assert.rejects(inspectDocx(new TextEncoder().encode('PK not really a zip'), limits));
  });
});

describe('docxToText', () => {
  test('reads a normal document', async () => {
    assert.match(await docxToText(chess, 'chess.docx'), /The knight is the only chess piece that can jump/);
  });

  test('refuses a zip bomb with a message naming the file and the limit', async () => {
    const bomb = await paddedDocx(8 * MB);
    await assert.rejects(docxToText(bomb, 'bomb.docx', limits), (error: unknown) => {
      assert.ok(error instanceof ImportError);
      assert.equal(error.message, '“bomb.docx” would unpack to 8 MB; Passage reads Word documents that unpack to at most 1 MB.');
      return true;
    });
    await assert.rejects(docxToText(lieAboutSizes(bomb, 10), 'liar.docx', limits), /“liar.docx” unpacks to more than 1 MB \(more than it claims to\)/);
  });
});
