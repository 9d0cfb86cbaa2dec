import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { BatchOutcome, FileOutcome } from '../import/batch.ts';
import { batchSummary } from './import-summary.ts';

const added = (i: number, passages = 3): FileOutcome => ({ name: `f${i}.txt`, status: 'added', title: `f${i}`, passages });
const duplicate = (i: number): FileOutcome => ({ name: `d${i}.txt`, status: 'duplicate', title: `d${i}` });
const failed = (i: number): FileOutcome => ({ name: `x${i}.docx`, status: 'failed', message: `“x${i}.docx” could not be read.` });

function batch(outcomes: FileOutcome[], total = outcomes.length, cancelled = false): BatchOutcome {
  return { total, outcomes, cancelled };
}

describe('batchSummary', () => {
  test('one line for many files: added and already in the library', () => {
    const outcomes = [...Array.from({ length: 198 }, (_, i) => added(i)), duplicate(1), duplicate(2)];
    assert.deepEqual(batchSummary(batch(outcomes)), { kind: 'success', message: '200 files: 198 added, 2 already in your library.' });
  });

  test('failures are listed with their reasons, the first five by name, then counted', () => {
    const outcomes = [added(1), ...Array.from({ length: 7 }, (_, i) => failed(i))];
    const { kind, message } = batchSummary(batch(outcomes));
    assert.equal(kind, 'error');
    assert.deepEqual(message.split('\n'), [
      '8 files: 1 added, 7 not added.',
      '“x0.docx” could not be read.',
      '“x1.docx” could not be read.',
      '“x2.docx” could not be read.',
      '“x3.docx” could not be read.',
      '“x4.docx” could not be read.',
      '…and 2 other files not added.',
    ]);
    assert.equal(batchSummary(batch([added(1), ...Array.from({ length: 6 }, (_, i) => failed(i))])).message.split('\n').at(-1), '…and 1 other file not added.');
  });

  test('a cancelled import says how many were added and how many were not read', () => {
    assert.deepEqual(batchSummary(batch([added(1), added(2), duplicate(1)], 10_000, true)), {
      kind: 'info',
      message: `${(10_000).toLocaleString()} files: 2 added, 1 already in your library, ${(9_997).toLocaleString()} not read (cancelled).`,
    });
  });

  test('a single file keeps its own sentence, with correct plurals', () => {
    assert.deepEqual(batchSummary(batch([added(1, 1)])), { kind: 'success', message: 'Added “f1” (1 passage).' });
    assert.deepEqual(batchSummary(batch([added(1, 12)])), { kind: 'success', message: 'Added “f1” (12 passages).' });
    assert.deepEqual(batchSummary(batch([duplicate(1)])), { kind: 'info', message: '“d1” is already in your library.' });
    assert.deepEqual(batchSummary(batch([failed(1)])), { kind: 'error', message: '“x1.docx” could not be read.' });
  });

  test('two files: "2 files", and nothing added is said as "0 added"', () => {
    assert.equal(batchSummary(batch([failed(1), failed(2)])).message.split('\n')[0], '2 files: 2 not added.');
    assert.equal(batchSummary(batch([], 2, true)).message, '2 files: 0 added, 2 not read (cancelled).');
    assert.equal(batchSummary(batch([added(1), added(2), added(3)]), 'document').message, '3 documents: 3 added.');
  });
});
