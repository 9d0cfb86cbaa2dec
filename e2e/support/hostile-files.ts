/**
 * Hostile and awkward files for the bad-input e2e tests, built in the test rather than committed: a .docx zip
 * bomb, a password-protected PDF, and PDFs past the page and text limits.
 */
import { createHash, createCipheriv } from 'node:crypto';
import { constants, crc32, deflateRawSync, deflateSync } from 'node:zlib';

// --- zip -----------------------------------------------------------------------------------------------------

interface ZipPart {
  name: string;
  /** DEFLATE-compressed bytes. */
  packed: Buffer;
  crc: number;
  size: number;
}

function part(name: string, text: string): ZipPart {
  const raw = Buffer.from(text, 'utf8');
  return { name, packed: deflateRawSync(raw), crc: crc32(raw), size: raw.length };
}

/** A zip of already-compressed parts, each declaring its real sizes. */
function zip(parts: ZipPart[]): Buffer {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0x21, 12);
    local.writeUInt32LE(p.crc, 14);
    local.writeUInt32LE(p.packed.length, 18);
    local.writeUInt32LE(p.size, 22);
    local.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt16LE(0x21, 14);
    entry.writeUInt32LE(p.crc, 16);
    entry.writeUInt32LE(p.packed.length, 20);
    entry.writeUInt32LE(p.size, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    chunks.push(local, name, p.packed);
    central.push(entry, name);
    offset += local.length + name.length + p.packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}

/**
 * A .docx whose word/document.xml unpacks to `unpackedMB` megabytes (spaces inside an XML comment, ~1000:1).
 * Each MB is deflated once as a fully flushed (byte-aligned, self-contained) block and repeated, so building a
 * 524 MB bomb takes well under a second and never holds the unpacked text. 524 MB → ~0.5 MB packed.
 */
export function docxZipBomb(unpackedMB: number): Buffer {
  const head = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>boom</w:t></w:r></w:p><!--');
  const tail = Buffer.from('--></w:body></w:document>');
  const filler = Buffer.alloc(1024 * 1024, 0x20);
  const flushed = (data: Buffer) => deflateRawSync(data, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const fillerBlock = flushed(filler);
  const packed: Buffer[] = [flushed(head)];
  let crc = crc32(head);
  for (let i = 0; i < unpackedMB; i++) {
    packed.push(fillerBlock);
    crc = crc32(filler, crc);
  }
  packed.push(deflateRawSync(tail));
  crc = crc32(tail, crc);
  const size = head.length + unpackedMB * filler.length + tail.length;
  return zip([
    part('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
    part('_rels/.rels', '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'),
    { name: 'word/document.xml', packed: Buffer.concat(packed), crc, size },
  ]);
}

/** Text as a PDF literal string: backslashes and parentheses escaped. */
const pdfString = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);

// --- PDF with a user password (standard security handler, revision 2: 40-bit RC4) ------------------------------

const PAD = Buffer.from('28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a', 'hex');
const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();
const padded = (password: string) => Buffer.concat([Buffer.from(password, 'latin1'), PAD]).subarray(0, 32);

function rc4(key: Buffer, data: Buffer): Buffer {
  try {
    const cipher = createCipheriv('rc4', key, null);
    return Buffer.concat([cipher.update(data), cipher.final()]);
  } catch {
    // OpenSSL 3 without the legacy provider has no RC4: the 20-line algorithm, then.
    const s = Uint8Array.from({ length: 256 }, (_, i) => i);
    const at = (bytes: Uint8Array, i: number) => bytes[i % bytes.length] ?? 0; // always in range
    const swap = (i: number, j: number) => {
      const t = at(s, i);
      s[i] = at(s, j);
      s[j] = t;
    };
    for (let i = 0, j = 0; i < 256; i++) {
      j = (j + at(s, i) + at(key, i)) & 255;
      swap(i, j);
    }
    const out = Buffer.alloc(data.length);
    for (let n = 0, i = 0, j = 0; n < data.length; n++) {
      i = (i + 1) & 255;
      j = (j + at(s, i)) & 255;
      swap(i, j);
      out[n] = at(data, n) ^ at(s, at(s, i) + at(s, j));
    }
    return out;
  }
}

/** A one-page PDF whose `lines` can only be read with `password` (pdf.js asks for it through onPassword). */
export function passwordPdf(lines: string[], password: string): Buffer {
  const id = md5(Buffer.from(lines.join('\n')));
  const permissions = -4;
  const o = rc4(md5(padded(`${password}-owner`)).subarray(0, 5), padded(password));
  const p = Buffer.alloc(4);
  p.writeInt32LE(permissions);
  const key = md5(padded(password), o, p, id).subarray(0, 5);
  const u = rc4(key, PAD);
  const objectKey = (num: number) => md5(key, Buffer.from([num & 255, (num >> 8) & 255, (num >> 16) & 255, 0, 0])).subarray(0, 10);

  const text = `BT /F1 12 Tf 16 TL 72 720 Td ${lines.map((l) => `(${pdfString(l)}) '`).join(' ')} ET`;
  const content = rc4(objectKey(5), Buffer.from(text, 'latin1'));
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from('<< /Type /Pages /Kids [3 0 R] /Count 1 >>'),
    Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>'),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'),
    Buffer.concat([Buffer.from(`<< /Length ${content.length} >>\nstream\n`), content, Buffer.from('\nendstream')]),
    Buffer.from(`<< /Filter /Standard /V 1 /R 2 /O <${o.toString('hex')}> /U <${u.toString('hex')}> /P ${permissions} >>`),
  ];
  return pdfFile(objects, `/Encrypt 6 0 R /ID [<${id.toString('hex')}> <${id.toString('hex')}>]`);
}

// --- PDF writer and PDFs past the limits ----------------------------------------------------------------------

/** A PDF of `objects` (object n + 1 is objects[n]; object 1 is the catalog) with its cross-reference table. */
function pdfFile(objects: Buffer[], trailerExtra = ''): Buffer {
  const header = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const chunks: Buffer[] = [header];
  let offset = header.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const obj = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]);
    chunks.push(obj);
    offset += obj.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  const trailer = `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${offset}\n%%EOF\n`;
  chunks.push(Buffer.from(xref + trailer));
  return Buffer.concat(chunks);
}

/** A PDF of `pageCount` real page objects that all draw one shared, deflated content stream showing `line`. */
export function pagesPdf(pageCount: number, line: string): Buffer {
  const content = deflateSync(Buffer.from(`BT /F1 12 Tf 72 720 Td (${pdfString(line)}) Tj ET`, 'latin1'));
  const firstPage = 5;
  const kids = Array.from({ length: pageCount }, (_, i) => `${firstPage + i} 0 R`).join(' ');
  const objects: Buffer[] = [
    Buffer.from('<< /Type /Catalog /Pages 2 0 R >>'),
    Buffer.from(`<< /Type /Pages /Kids [${kids}] /Count ${pageCount} >>`),
    Buffer.from('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>'),
    Buffer.concat([Buffer.from(`<< /Length ${content.length} /Filter /FlateDecode >>\nstream\n`), content, Buffer.from('\nendstream')]),
  ];
  for (let i = 0; i < pageCount; i++) {
    objects.push(Buffer.from('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>'));
  }
  return pdfFile(objects);
}
