import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ImportError } from './errors.ts';
import { MAX_TEXT_CHARS, refuseLongText, sizeLabel } from './limits.ts';

describe('refuseLongText', () => {
  test('lets text up to the limit through and refuses one character more, naming the file and the limit', () => {
    assert.doesNotThrow(() => refuseLongText('atlas.pdf', MAX_TEXT_CHARS));
    assert.throws(
      () => refuseLongText('atlas.pdf', MAX_TEXT_CHARS + 1),
      (error: unknown) =>
        error instanceof ImportError &&
        error.message === '“atlas.pdf” holds more than 50 MB of text; split it into smaller documents.',
    );
  });
});

describe('sizeLabel', () => {
  test('says bytes in words under 1 KB and binary multiples above', () => {
    assert.equal(sizeLabel(1), '1 byte');
    assert.equal(sizeLabel(300), '300 bytes');
    assert.equal(sizeLabel(1536), '1.5 KB');
    assert.equal(sizeLabel(51 * 1024 * 1024), '51 MB');
  });
});
