import assert from 'node:assert/strict';
import { test } from 'node:test';
import { libraryFileName } from './library-file.ts';

const DAY = new Date('2026-12-03T21:00:00Z');

test('the library file is named for the day and the model', () => {
  assert.equal(libraryFileName('all-MiniLM-L6-v2', DAY), 'passage-library-2026-12-03-all-MiniLM-L6-v2.passage');
});

test('characters unsafe in a file name become dashes, none at the ends', () => {
  assert.equal(libraryFileName('  my model / v2 (fp16) ', DAY), 'passage-library-2026-12-03-my-model-v2-fp16.passage');
});

test('a model name with nothing usable is called "model", and a long one is cut to 60 characters', () => {
  assert.equal(libraryFileName('ä ö ü', DAY), 'passage-library-2026-12-03-model.passage');
  assert.equal(libraryFileName('x'.repeat(100), DAY), `passage-library-2026-12-03-${'x'.repeat(60)}.passage`);
});
