/**
 * Writes the binary e2e fixtures: e2e/fixtures/glaciers.pdf (printed by Chromium, so it is a real PDF with a
 * text layer) and e2e/fixtures/chess.docx (a minimal WordprocessingML package zipped by hand).
 * Run: npx tsx e2e/tools/fixtures.ts  (the files are committed).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../../playwright.config.ts';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

// --- PDF ------------------------------------------------------------------------------------------------

const glaciers = `<!doctype html><html><head><meta charset="utf-8"><title>Glaciers at work</title>
<style>body{font:12pt/1.5 serif;margin:2cm}h1{font-size:18pt}</style></head><body>
<h1>Glaciers at work</h1>
<p>A glacier forms where more snow falls in winter than melts in summer, year after year, until the buried snow
is pressed into ice.</p>
<p>Glaciers carve U-shaped valleys as they slowly move downhill, dragging rocks frozen into their base across the
bedrock like sandpaper.</p>
<p>When a glacier retreats it leaves behind moraines, long ridges of the gravel and boulders it once carried.</p>
</body></html>`;

// --- DOCX -----------------------------------------------------------------------------------------------

const paragraphs = [
  'A short guide to chess pieces',
  'Each player starts with sixteen pieces: eight pawns, two rooks, two knights, two bishops, a queen and a king.',
  'The knight is the only chess piece that can jump over other pieces, moving in the shape of the letter L.',
  'A pawn that reaches the far side of the board is promoted, usually to a queen.',
];

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const docxFiles: Record<string, string> = {
  '[Content_Types].xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`,
  '_rels/.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
</Relationships>`,
  'word/document.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
${paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${escapeXml(p)}</w:t></w:r></w:p>`).join('\n')}
<w:sectPr/></w:body></w:document>`,
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8); // index < 256: always there
  return (crc ^ 0xffffffff) >>> 0;
}

/** A zip archive (deflate, no extras, fixed 1980 timestamps so the output is reproducible). */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const nameBytes = Buffer.from(name, 'utf8');
    const raw = Buffer.from(text, 'utf8');
    const packed = deflateRawSync(raw);
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date: 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // version made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

writeFileSync(path.join(dir, 'chess.docx'), zip(docxFiles));
console.log('wrote e2e/fixtures/chess.docx');

const browser = await chromium.launch(chromiumLaunch);
try {
  const page = await browser.newPage();
  await page.setContent(glaciers);
  await page.pdf({ path: path.join(dir, 'glaciers.pdf'), format: 'A5', printBackground: false });
  console.log('wrote e2e/fixtures/glaciers.pdf');
} finally {
  await browser.close();
}
