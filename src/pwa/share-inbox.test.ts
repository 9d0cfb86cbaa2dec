import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MemoryCacheStorage } from './memory-caches.test-support.ts';
import { SHARE_INBOX_CACHE, sharedDocument, takeShares } from './share-inbox.ts';
import { isShareTarget, receiveShare } from './share-target-sw.ts';

const target = 'https://passage.example/share-target';

function sharePost(fields: Record<string, string>, files: File[] = []): Request {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) form.append('files', file);
  return new Request(target, { method: 'POST', body: form });
}

let storage: MemoryCacheStorage;
const scope = globalThis as unknown as { caches?: unknown };

beforeEach(() => {
  storage = new MemoryCacheStorage();
  scope.caches = storage; // receiveShare runs in the service worker and uses the global `caches`
});
afterEach(() => delete scope.caches);

describe('the share target route (service worker)', () => {
  it('matches only a POST to share-target', () => {
    const url = new URL(target);
    assert.equal(isShareTarget({ url, request: new Request(target, { method: 'POST' }) }), true);
    assert.equal(isShareTarget({ url, request: new Request(target) }), false);
    assert.equal(isShareTarget({ url: new URL('https://passage.example/'), request: new Request('https://passage.example/', { method: 'POST' }) }), false);
  });

  it('keeps shared files, title, text and URL in the inbox and redirects to the app with 303, and the page takes them back intact', async () => {
    const pdfBytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a, 0xff, 0x00]);
    const response = await receiveShare({
      request: sharePost({ title: 'Lighthouses', text: 'Keepers trimmed the wicks.', url: 'https://example.org/lights' }, [
        new File(['# Sourdough\n\nFeed the starter.'], 'sourdough.md', { type: 'text/markdown' }),
        new File([pdfBytes], 'glaciers.pdf', { type: 'application/pdf' }),
      ]),
    });
    assert.equal(response.status, 303);
    const location = new URL(response.headers.get('location')!);
    assert.equal(location.pathname, '/');
    const id = location.searchParams.get('share');
    assert.match(id!, /^[0-9a-z]+-[0-9a-z]+$/);

    const [share, ...rest] = await takeShares(storage);
    assert.equal(rest.length, 0);
    assert.equal(share!.id, id);
    assert.deepEqual([share!.title, share!.text, share!.url], ['Lighthouses', 'Keepers trimmed the wicks.', 'https://example.org/lights']);
    assert.deepEqual(share!.files.map((f) => [f.name, f.type]), [['sourdough.md', 'text/markdown'], ['glaciers.pdf', 'application/pdf']]);
    assert.equal(await share!.files[0]!.text(), '# Sourdough\n\nFeed the starter.');
    assert.deepEqual(new Uint8Array(await share!.files[1]!.arrayBuffer()), pdfBytes);
    assert.deepEqual(share!.missing, []);
    // Taken means gone: the inbox is empty and a second reader (another tab) gets nothing.
    assert.equal((await storage.open(SHARE_INBOX_CACHE)).entries.size, 0);
    assert.deepEqual(await takeShares(storage), []);
  });

  it('skips empty file fields (a share of text only sends one)', async () => {
    await receiveShare({ request: sharePost({ text: 'Only words.' }, [new File([], '', { type: 'application/octet-stream' })]) });
    const [share] = await takeShares(storage);
    assert.deepEqual(share!.files, []);
    assert.equal(share!.text, 'Only words.');
  });

  it('redirects to ?share=failed, keeping nothing, when the body is not a form', async () => {
    const response = await receiveShare({ request: new Request(target, { method: 'POST', body: 'not a form', headers: { 'Content-Type': 'text/plain' } }) });
    assert.equal(response.status, 303);
    assert.equal(new URL(response.headers.get('location')!).searchParams.get('share'), 'failed');
    assert.deepEqual(await takeShares(storage), []);
  });
});

describe('takeShares', () => {
  it('reports a listed file that is no longer in the inbox as missing', async () => {
    await receiveShare({ request: sharePost({}, [new File(['a'], 'a.txt', { type: 'text/plain' }), new File(['b'], 'b.txt', { type: 'text/plain' })]) });
    const cache = await storage.open(SHARE_INBOX_CACHE);
    await cache.delete([...cache.entries.keys()].find((k) => k.endsWith('/file-1'))!);
    const [share] = await takeShares(storage);
    assert.deepEqual(share!.files.map((f) => f.name), ['a.txt']);
    assert.deepEqual(share!.missing, ['b.txt']);
  });

  it('leaves files of a share still being written alone, and removes them once they are an hour old', async () => {
    const cache = await storage.open(SHARE_INBOX_CACHE);
    const started = Date.UTC(2026, 11, 3, 12);
    const orphan = `https://passage.example/share-inbox/${started.toString(36)}-abc/file-0`;
    await cache.put(orphan, new Response('half'));
    assert.deepEqual(await takeShares(storage, started + 60_000), []);
    assert.equal(cache.entries.has(orphan), true);
    assert.deepEqual(await takeShares(storage, started + 2 * 60 * 60 * 1000), []);
    assert.equal(cache.entries.has(orphan), false);
  });

  it('returns several shares oldest first', async () => {
    await receiveShare({ request: sharePost({ text: 'first' }) });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await receiveShare({ request: sharePost({ text: 'second' }) });
    assert.deepEqual((await takeShares(storage)).map((s) => s.text), ['first', 'second']);
  });
});

describe('sharedDocument', () => {
  it('joins text and URL into one text document titled by the shared title', () => {
    assert.deepEqual(sharedDocument({ title: 'T', text: 'Some words.', url: 'https://x.example/a' }), {
      title: 'T',
      type: 'paste',
      text: 'Some words.\n\nhttps://x.example/a',
      size: 'Some words.\n\nhttps://x.example/a'.length,
    });
  });

  it('does not repeat a URL the text already holds, and titles it by its first line when no title was shared', () => {
    const doc = sharedDocument({ title: '', text: 'Read https://x.example/a today', url: 'https://x.example/a' });
    assert.equal(doc!.text, 'Read https://x.example/a today');
    assert.equal(doc!.title, 'Read https://x.example/a today');
  });

  it('uses the title as the text of a page shared with only its title and address', () => {
    const doc = sharedDocument({ title: 'Glaciers of the Alps', text: '', url: 'https://x.example/g' });
    assert.equal(doc!.text, 'Glaciers of the Alps\n\nhttps://x.example/g');
  });

  it('is null when only files were shared, or the text has nothing to search', () => {
    assert.equal(sharedDocument({ title: 'Some files', text: '  ', url: '' }), null);
    assert.equal(sharedDocument({ title: '', text: '— … —', url: '' }), null);
  });
});
