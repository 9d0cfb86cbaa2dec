import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pageText, type PdfTextRun } from './pdf-text.ts';

/** A run of 10-point text at (x, y). */
function run(str: string, x: number, y: number, hasEOL = false): PdfTextRun {
  return { str, transform: [10, 0, 0, 10, x, y], width: str.length * 5, height: 10, hasEOL };
}

describe('pageText', () => {
  test('joins the lines of a paragraph with spaces and separates paragraphs by a blank line', () => {
    const runs = [
      run('First line of the', 50, 700, true),
      run('first paragraph.', 50, 688, true),
      run('Second paragraph', 50, 664, true),
      run('goes on here.', 50, 652, true),
    ];
    assert.equal(pageText(runs), 'First line of the first paragraph.\n\nSecond paragraph goes on here.');
  });

  test('puts runs on one baseline on one line, adding a space for a visible gap', () => {
    const runs = [run('Hello', 50, 700), run('world', 80, 700), run('!', 105, 700, true)];
    assert.equal(pageText(runs), 'Hello world!');
  });

  test('rejoins a word hyphenated across lines', () => {
    const runs = [run('an exam-', 50, 700, true), run('ple of it', 50, 688, true)];
    assert.equal(pageText(runs), 'an example of it');
  });

  test('ignores empty runs and returns nothing for an empty page', () => {
    assert.equal(pageText([]), '');
    assert.equal(pageText([{ ...run('', 0, 0), hasEOL: true }]), '');
  });
});
