import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { ImportError, importFile, MAX_FILE_BYTES } from './index.ts';

async function refusal(file: File): Promise<string> {
  try {
    await importFile(file);
  } catch (error) {
    assert.ok(error instanceof ImportError, `an ImportError, not ${String(error)}`);
    return error.message;
  }
  assert.fail(`${file.name} was imported`);
}

describe('importFile refusals', () => {
  test('a file over the limit is refused before it is read, naming its size and the limit', async () => {
    const big = new File([new Uint8Array(51 * 1024 * 1024)], 'notes.txt', { type: 'text/plain' });
    assert.equal(await refusal(big), '“notes.txt” is 51 MB; Passage imports files up to 50 MB.');
    assert.equal(MAX_FILE_BYTES, 50 * 1024 * 1024);
  });

  test('binary data with a text extension is refused by name', async () => {
    for (const name of ['random.txt', 'random.md', 'page.html']) {
      const message = await refusal(new File([randomBytes(200 * 1024)], name));
      assert.equal(message, `“${name}” holds binary data, not text, so it was not added (is it really a .${name.split('.')[1]} file?).`);
    }
  });

  test('real text still imports', async () => {
    const doc = await importFile(new File(['Otters hold hands while they sleep.'], 'otters.txt'));
    assert.deepEqual(doc, { title: 'otters', type: 'txt', text: 'Otters hold hands while they sleep.', size: 35 });
  });
});
