import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { markdownToText } from './markdown.ts';

describe('markdownToText', () => {
  test('removes heading, emphasis, code and link syntax but keeps the words', () => {
    const md = '# The *Title* #\n\nSee **bold**, _italic_, `code` and [the docs](https://example.invalid/x "t").';
    assert.equal(markdownToText(md), 'The Title\n\nSee bold, italic, code and the docs.');
  });

  test('removes a link or image target whose URL holds parentheses, or a title, leaving no stray ")"', () => {
    assert.equal(
      markdownToText('See [Mercury](https://en.wikipedia.org/wiki/Mercury_(planet)) and ![the sun](img/sun_(2).png "Sun").'),
      'See Mercury and the sun.',
    );
    assert.equal(markdownToText('[notes](<my notes (draft).md>) and [home](/ "Home page") (aside)'), 'notes and home (aside)');
  });

  test('keeps list items and quotes as lines without their markers', () => {
    assert.equal(markdownToText('- one\n* two\n3. three\n- [x] done\n> quoted'), 'one\ntwo\nthree\ndone\nquoted');
  });

  test('keeps fenced code as is and drops rules and image URLs', () => {
    const md = '```js\nconst a = *b*;\n```\n\n---\n\n![a chart](chart.png)';
    assert.equal(markdownToText(md), 'const a = *b*;\n\n\n\na chart');
  });

  test('leaves snake_case and arithmetic alone', () => {
    assert.equal(markdownToText('use snake_case_names and 2 * 3 * 4'), 'use snake_case_names and 2 * 3 * 4');
  });

  test('turns table rows into cells separated by dots', () => {
    assert.equal(markdownToText('| a | b |\n|---|:-:|\n| 1 | 2 |'), 'a · b\n1 · 2');
  });
});
