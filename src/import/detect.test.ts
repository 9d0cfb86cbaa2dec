import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectKind, extensionOf, titleFromFileName, titleFromText } from './detect.ts';

describe('detectKind', () => {
  test('maps each supported extension, in any case', () => {
    assert.equal(detectKind('notes.TXT'), 'txt');
    assert.equal(detectKind('README.md'), 'md');
    assert.equal(detectKind('page.htm'), 'html');
    assert.equal(detectKind('paper.pdf'), 'pdf');
    assert.equal(detectKind('letter.docx'), 'docx');
  });

  test('refuses unknown extensions even with a known MIME type', () => {
    assert.equal(detectKind('old.doc', 'application/msword'), null);
    assert.equal(detectKind('image.png', 'text/plain'), null);
  });

  test('uses the MIME type only when there is no extension', () => {
    assert.equal(detectKind('notes', 'text/plain; charset=utf-8'), 'txt');
    assert.equal(detectKind('notes', ''), null);
  });

  test('a leading dot is not an extension', () => {
    assert.equal(extensionOf('.bashrc'), '');
    assert.equal(extensionOf('dir.d/file.txt'), 'txt');
  });
});

describe('titles', () => {
  test('a file name loses its folder and extension', () => {
    assert.equal(titleFromFileName('C:\\docs\\annual_report.v2.pdf'), 'annual report.v2');
    assert.equal(titleFromFileName('.txt'), '.txt');
  });

  test('pasted text is titled by its first line, shortened at a word', () => {
    assert.equal(titleFromText('\n  Short title\nbody'), 'Short title');
    const long = 'A first line that goes on and on well past the sixty character limit of titles';
    const title = titleFromText(long);
    assert.ok(title.endsWith('…'));
    assert.ok(title.length <= 61);
    assert.ok(long.startsWith(title.slice(0, -1)));
  });
});
