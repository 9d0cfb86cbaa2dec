import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toOffsets } from '../core/split.ts';
import { quantize } from '../core/quantize.ts';
import { doc, freshDbName, MODEL, paragraphs } from './fixtures.test-support.ts';
import { LibraryService } from './library-service.ts';

describe('LibraryService.findByText', () => {
  it('finds the stored document with the same text (hashed in the service), and nothing for other text', async () => {
    const service = new LibraryService(MODEL, { dbName: freshDbName() });
    try {
      const text = 'Rivers carry water to the sea.\n\nThe sea is salty.';
      const added = await service.addDocument(doc('Rivers', text), toOffsets(paragraphs(text)));
      assert.deepEqual(await service.findByText(text), { documentId: added.documentId, duplicate: true, passageCount: 2 });
      assert.equal(await service.findByText(`${text} And deep.`), null);
    } finally {
      await service.close();
    }
  });
});

describe('LibraryService.search within documents', () => {
  it('ranks only the chosen documents and still returns k hits from them', async () => {
    const service = new LibraryService(MODEL, { dbName: freshDbName() });
    try {
      // Every passage mentions "river"; the query vector points at the "near" document's vectors.
      const near = Array.from({ length: 12 }, (_, i) => `The river near the mill, part ${i}.`).join('\n\n');
      const far = Array.from({ length: 12 }, (_, i) => `A river far in the hills, part ${i}.`).join('\n\n');
      const nearId = (await service.addDocument(doc('Near', near), toOffsets(paragraphs(near)))).documentId;
      const farId = (await service.addDocument(doc('Far', far), toOffsets(paragraphs(far)))).documentId;
      const pending = await service.pendingTexts(100);
      const vector = (sign: number) => ({ q: Int8Array.from([sign * 127, 0, 0, 0]), scale: 1 / 127 });
      await service.storeVectors(
        MODEL.id,
        pending.map((p) => ({ contentHash: p.contentHash, ...vector(p.text.includes('near') ? 1 : -1) })),
      );
      const queryVector = Float32Array.from([1, 0, 0, 0]);
      const ask = (documentIds?: string[]) =>
        service.search({ queryVector, text: 'river', k: 5, hybrid: false, ...(documentIds ? { documentIds } : {}) });

      const all = await ask();
      assert.ok(all.hits.every((h) => h.documentId === nearId), 'unfiltered, the near document fills the top 5');
      const within = await ask([farId]);
      assert.equal(within.hits.length, 5);
      assert.ok(within.hits.every((h) => h.documentId === farId && h.documentTitle === 'Far'));
      const both = await ask([farId, nearId]);
      assert.deepEqual(both.hits.map((h) => h.passageId), all.hits.map((h) => h.passageId));
      assert.deepEqual((await ask([])).hits.map((h) => h.passageId), all.hits.map((h) => h.passageId), 'an empty filter is no filter');

      await service.deleteDocument(farId);
      assert.deepEqual((await ask([farId])).hits, [], 'a deleted document has nothing left to find');
    } finally {
      await service.close();
    }
  });
});

describe('LibraryService.search with document titles', () => {
  const SHARED = 'The militia must be organised to protect the frontier.';
  const wordIndexReady = () => {
    let resolve!: () => void;
    const ready = new Promise<void>((r) => (resolve = r));
    return { ready, onLexicalReady: () => resolve() };
  };
  const open = (dbName: string) => {
    const lexical = wordIndexReady();
    const service = new LibraryService(MODEL, { dbName, onLexicalReady: lexical.onLexicalReady });
    return { service, lexicalReady: lexical.ready };
  };
  const ask = async (service: LibraryService, text: string) =>
    (await service.search({ queryVector: new Float32Array([1, 0, 0, 0]), text, k: 3, hybrid: true })).hits[0]!.documentTitle;

  it('ranks first the passage of the document the question names, also after a reload and a deletion', async () => {
    const dbName = freshDbName();
    const first = open(dbName);
    try {
      // The same paragraph in two addresses: only the titles can tell which one a question means.
      const washington = `${SHARED}\n\nThe public debt should be paid.`;
      const lincoln = `${SHARED}\n\nThe harvest was plentiful this year.`;
      await first.service.addDocument(doc('1790 george washington', washington), toOffsets(paragraphs(washington)));
      const added = await first.service.addDocument(doc('1862 abraham lincoln', lincoln), toOffsets(paragraphs(lincoln)));
      const pending = await first.service.pendingTexts(10);
      await first.service.storeVectors(
        MODEL.id,
        pending.map((p) => ({ contentHash: p.contentHash, ...quantize(new Float32Array(p.text === SHARED ? [1, 0, 0, 0] : [0, 1, 0, 0])) })),
      );
      await first.lexicalReady;
      assert.equal(await ask(first.service, 'What did Lincoln say about the militia on the frontier?'), '1862 abraham lincoln');
      assert.equal(await ask(first.service, 'What did Washington say about the militia on the frontier?'), '1790 george washington');
      await first.service.saveWordIndex();
      await first.service.close();

      const second = open(dbName);
      await second.service.ready();
      await second.lexicalReady;
      assert.equal(await ask(second.service, 'What did Lincoln say about the militia on the frontier?'), '1862 abraham lincoln');
      await second.service.deleteDocument(added.documentId);
      assert.equal(await ask(second.service, 'What did Lincoln say about the militia on the frontier?'), '1790 george washington');
      await second.service.close();
    } finally {
      await first.service.close();
    }
  });
});

describe('LibraryService start-up: the word index\'s text pass waits for the first answer', () => {
  async function storedLibrary(dbName: string): Promise<void> {
    const service = new LibraryService(MODEL, { dbName });
    try {
      const text = Array.from({ length: 8 }, (_, i) => `The harbour of the river town, part ${i}.`).join('\n\n');
      await service.addDocument(doc('Harbour', text), toOffsets(paragraphs(text)));
      const pending = await service.pendingTexts(100);
      await service.storeVectors(MODEL.id, pending.map((p) => ({ contentHash: p.contentHash, q: Int8Array.from([127, 0, 0, 0]), scale: 1 / 127 })));
    } finally {
      await service.close();
    }
  }
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 200 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  const ask = (service: LibraryService) => service.search({ queryVector: Float32Array.from([1, 0, 0, 0]), text: 'harbour', k: 3, hybrid: true });

  it('answers by meaning first, then by meaning and words once the first search has answered', async () => {
    const dbName = freshDbName();
    await storedLibrary(dbName);
    const service = new LibraryService(MODEL, { dbName, textPassDelayMs: 60_000, textPassDeferAt: 1 });
    try {
      assert.equal((await service.ready()).lexicalReady, false);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal((await service.status()).lexicalReady, false, 'the text pass waits (no search yet)');
      const first = await ask(service);
      assert.equal(first.byMeaningOnly, true);
      assert.equal(first.hits.length, 3);
      await until(async () => (await service.status()).lexicalReady);
      assert.equal((await ask(service)).byMeaningOnly, false, 'after the first answer the word index completes');
    } finally {
      await service.close();
    }
  });

  it('starts the text pass after the delay when nobody searches', async () => {
    const dbName = freshDbName();
    await storedLibrary(dbName);
    const service = new LibraryService(MODEL, { dbName, textPassDelayMs: 30, textPassDeferAt: 1 });
    try {
      await service.ready();
      await until(async () => (await service.status()).lexicalReady);
      assert.equal((await service.status()).lexicalReady, true);
    } finally {
      await service.close();
    }
  });

  it('keeps a small text pass immediate', async () => {
    const dbName = freshDbName();
    await storedLibrary(dbName);
    const service = new LibraryService(MODEL, { dbName, textPassDelayMs: 60_000 });
    try {
      await service.ready();
      await until(async () => (await service.status()).lexicalReady);
      assert.equal((await service.status()).lexicalReady, true, '8 passages are below TEXT_PASS_DEFER_AT');
    } finally {
      await service.close();
    }
  });
});
