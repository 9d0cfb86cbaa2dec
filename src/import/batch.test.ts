import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AddResult, ImportedText } from '../core/types.ts';
import { importBatch, type BatchProgress } from './batch.ts';
import { ImportError } from './errors.ts';

interface FakeFile {
  name: string;
  text: string;
}

const files = (n: number): FakeFile[] => Array.from({ length: n }, (_, i) => ({ name: `note-${i}.txt`, text: `note ${i % 7 === 6 ? 0 : i}` }));

/** A library that keeps whole documents only, recognises the same text as a duplicate, and refuses "bad". */
function fakeLibrary() {
  const stored = new Map<string, string>();
  return {
    stored,
    read: async (file: FakeFile): Promise<ImportedText> => {
      if (file.text === 'bad') throw new ImportError(`“${file.name}” holds binary data, not text, so it was not added.`);
      return { title: file.name.replace('.txt', ''), type: 'txt', text: file.text, size: file.text.length };
    },
    add: async (doc: ImportedText): Promise<AddResult> => {
      const existing = [...stored.entries()].find(([, text]) => text === doc.text);
      if (existing) return { documentId: existing[0], duplicate: true, passageCount: 1 };
      stored.set(doc.title, doc.text);
      return { documentId: doc.title, duplicate: false, passageCount: 1 };
    },
  };
}

describe('importBatch', () => {
  test('adds every file once, counts duplicates and failures with their messages, in order', async () => {
    const library = fakeLibrary();
    const input = [...files(20), { name: 'random.txt', text: 'bad' }];
    const progress: BatchProgress[] = [];
    const outcome = await importBatch(input, { ...library, onProgress: (p) => progress.push(p) });
    assert.equal(outcome.total, 21);
    assert.equal(outcome.cancelled, false);
    assert.equal(outcome.outcomes.length, 21);
    assert.deepEqual(
      outcome.outcomes.map((o) => o.status).reduce<Record<string, number>>((c, s) => ({ ...c, [s]: (c[s] ?? 0) + 1 }), {}),
      { added: 18, duplicate: 2, failed: 1 },
    );
    assert.deepEqual(outcome.outcomes.at(-1), {
      name: 'random.txt',
      status: 'failed',
      message: '“random.txt” holds binary data, not text, so it was not added.',
    });
    assert.equal(library.stored.size, 18);
    assert.deepEqual(progress[0], { done: 0, total: 21, current: 'note-0.txt' });
    assert.deepEqual(progress.at(-1), { done: 21, total: 21, current: '' });
  });

  test('a cancel keeps the files already added, drops the one being read, and reads no more', async () => {
    const library = fakeLibrary();
    const controller = new AbortController();
    const input = files(100).map((f, i) => ({ ...f, text: `unique ${i}` }));
    let reads = 0;
    const outcome = await importBatch(input, {
      add: library.add,
      signal: controller.signal,
      read: async (file) => {
        reads++;
        if (reads === 10) controller.abort(); // the 10th file is being read when the person cancels
        return library.read(file);
      },
    });
    assert.equal(outcome.cancelled, true);
    assert.equal(outcome.outcomes.length, 9);
    assert.equal(library.stored.size, 9);
    assert.equal(reads, 10);
  });

  test('a library error becomes a message naming the file', async () => {
    const outcome = await importBatch([{ name: 'a.txt', text: 'x' }], {
      read: fakeLibrary().read,
      add: async () => {
        throw new Error('Passage: the storage is full');
      },
    });
    assert.deepEqual(outcome.outcomes, [{ name: 'a.txt', status: 'failed', message: '“a.txt” could not be added: the storage is full' }]);
  });

  test('a file deleted from disk after it was chosen gets a sentence, not the browser’s DOMException text', async () => {
    const outcome = await importBatch([{ name: 'a.txt', text: 'x' }], {
      read: async () => {
        throw new DOMException('A requested file or directory could not be found at the time an operation was processed.', 'NotFoundError');
      },
      add: fakeLibrary().add,
    });
    assert.deepEqual(outcome.outcomes, [
      { name: 'a.txt', status: 'failed', message: '“a.txt” could not be added: the file could not be read — it was moved, deleted or changed after it was chosen. Choose it again.' },
    ]);
  });
});
