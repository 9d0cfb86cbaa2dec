import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatBytes, formatEta, formatRate, highlightParts, plural } from './format.ts';

describe('formatBytes', () => {
  test('uses binary units with one decimal below 100', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(23.4 * 1024 * 1024), '23.4 MB');
    assert.equal(formatBytes(512 * 1024 * 1024), '512 MB');
    assert.equal(formatBytes(2 * 1024 ** 3), '2 GB');
  });

  test('shows a dash for unknown sizes', () => {
    assert.equal(formatBytes(Number.NaN), '—');
  });
});

describe('progress text', () => {
  test('ETA in seconds, minutes, hours; nothing when unknown', () => {
    assert.equal(formatEta(0.2), 'about 1 s left');
    assert.equal(formatEta(42), 'about 42 s left');
    assert.equal(formatEta(300), 'about 5 min left');
    assert.equal(formatEta(4800), 'about 1 h 20 min left');
    assert.equal(formatEta(null), '');
  });

  test('rate and plurals', () => {
    assert.equal(formatRate(3.14), '3.1/s');
    assert.equal(formatRate(42.4), '42/s');
    assert.equal(formatRate(0), '');
    assert.equal(plural(1, 'passage'), '1 passage');
    assert.equal(plural(12, 'passage'), '12 passages');
  });
});

describe('highlightParts', () => {
  test('splits the text around the range', () => {
    assert.deepEqual(highlightParts('One. Two. Three.', { start: 5, end: 9 }), {
      before: 'One. ',
      marked: 'Two.',
      after: ' Three.',
    });
  });

  test('clamps ranges outside the text and handles no highlight', () => {
    assert.deepEqual(highlightParts('abc', { start: 2, end: 99 }), { before: 'ab', marked: 'c', after: '' });
    assert.deepEqual(highlightParts('abc', null), { before: 'abc', marked: '', after: '' });
  });
});
