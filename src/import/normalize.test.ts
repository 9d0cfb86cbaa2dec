import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeText, hasReadableText, normalizeText } from './normalize.ts';

describe('normalizeText', () => {
  test('turns CRLF and CR into LF and trims trailing spaces', () => {
    assert.equal(normalizeText('a  \r\nb\rc\t\n'), 'a\nb\nc');
  });

  test('keeps paragraph breaks but collapses runs of blank lines', () => {
    assert.equal(normalizeText('\n\none\n\n\n\n two\n\n'), 'one\n\n two');
  });

  test('drops the BOM, control and zero-width characters, and turns no-break spaces into spaces', () => {
    assert.equal(normalizeText('\uFEFFwo\u200Brd\u0000s\u00A0here\u0007'), 'words here');
  });
});

describe('hasReadableText', () => {
  test('needs a letter or a digit in any script', () => {
    assert.equal(hasReadableText(' \n\t— … '), false);
    assert.equal(hasReadableText('— 42 —'), true);
    assert.equal(hasReadableText('북한'), true);
  });
});

describe('decodeText', () => {
  test('reads UTF-8 with and without a BOM', () => {
    assert.equal(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x63, 0x61, 0x66, 0xc3, 0xa9])), 'café');
    assert.equal(decodeText(new TextEncoder().encode('naïve')), 'naïve');
  });

  test('falls back to Windows-1252 for bytes that are not UTF-8', () => {
    // (0x80–0x9F differ between Windows-1252 and Latin-1; Node decodes them as Latin-1, browsers as 1252.)
    assert.equal(decodeText(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x71])), 'café q');
  });

  test('reads UTF-16 with a BOM', () => {
    assert.equal(decodeText(new Uint8Array([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00])), 'hi');
  });
});
