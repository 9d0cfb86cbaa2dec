import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryCacheStorage } from './memory-caches.test-support.ts';
import { receiveOsDocuments, type LaunchParamsLike, type OsDelivery, type OsDocumentsScope } from './os-documents.ts';
import { SHARE_INBOX_CACHE } from './share-inbox.ts';
import { receiveShare } from './share-target-sw.ts';

function scopeAt(href: string, caches = new MemoryCacheStorage()) {
  let consumer: ((params: LaunchParamsLike) => unknown) | null = null;
  const addresses: string[] = [];
  const scope: OsDocumentsScope = {
    launchQueue: { setConsumer: (c) => void (consumer = c) },
    caches,
    location: { href },
    history: { replaceState: (_data, _unused, url) => void addresses.push(url) },
  };
  return { scope, caches, addresses, launch: (params: LaunchParamsLike) => consumer!(params) };
}

function collect() {
  const deliveries: OsDelivery[] = [];
  return { deliveries, sink: (d: OsDelivery) => void deliveries.push(d) };
}

async function share(caches: MemoryCacheStorage, fields: Record<string, string>, files: File[] = []) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) form.append('files', file);
  (globalThis as unknown as { caches?: unknown }).caches = caches;
  try {
    const response = await receiveShare({ request: new Request('https://p.example/share-target', { method: 'POST', body: form }) });
    return response.headers.get('location')!;
  } finally {
    delete (globalThis as unknown as { caches?: unknown }).caches;
  }
}

describe('receiveOsDocuments: Share → Passage', () => {
  it('delivers shared files for the file importer and the shared title, text and URL as one text document, then drops ?share from the address', async () => {
    const caches = new MemoryCacheStorage();
    const location = await share(caches, { title: 'Keeping a light', text: 'The keeper trimmed the wick at dusk.', url: 'https://example.org/light' }, [
      new File(['Bees dance to show where flowers are.'], 'bees.txt', { type: 'text/plain' }),
    ]);
    const { scope, addresses } = scopeAt(`${location}#top`, caches);
    const { deliveries, sink } = collect();
    await receiveOsDocuments(sink, scope);
    assert.equal(deliveries.length, 1);
    const [delivery] = deliveries;
    assert.equal(delivery!.source, 'share');
    assert.deepEqual(delivery!.files.map((f) => f.name), ['bees.txt']);
    assert.equal(delivery!.texts.length, 1);
    assert.equal(delivery!.texts[0]!.title, 'Keeping a light');
    assert.equal(delivery!.texts[0]!.text, 'The keeper trimmed the wick at dusk.\n\nhttps://example.org/light');
    assert.deepEqual(delivery!.problems, []);
    assert.deepEqual(addresses, ['/#top']);
    assert.equal((await caches.open(SHARE_INBOX_CACHE)).entries.size, 0);
  });

  it('delivers nothing, and leaves the address alone, when nothing was shared', async () => {
    const { scope, addresses } = scopeAt('https://p.example/');
    const { deliveries, sink } = collect();
    await receiveOsDocuments(sink, scope);
    assert.deepEqual(deliveries, []);
    assert.deepEqual(addresses, []);
  });

  it('says so when the service worker could not keep the share (?share=failed)', async () => {
    const { scope, addresses } = scopeAt('https://p.example/?share=failed');
    const { deliveries, sink } = collect();
    await receiveOsDocuments(sink, scope);
    assert.equal(deliveries.length, 1);
    assert.match(deliveries[0]!.problems[0]!, /could not be kept; please share it again/);
    assert.deepEqual(addresses, ['/']);
  });

  it('says so when shared text has nothing to search, instead of adding an empty document', async () => {
    const caches = new MemoryCacheStorage();
    const location = await share(caches, { text: '— … —' });
    const { scope } = scopeAt(location, caches);
    const { deliveries, sink } = collect();
    await receiveOsDocuments(sink, scope);
    assert.deepEqual(deliveries[0]!.texts, []);
    assert.deepEqual(deliveries[0]!.problems, ['The shared text has no words to search.']);
  });
});

describe('receiveOsDocuments: Open with Passage (launchQueue)', () => {
  it('delivers the files of each launch, skipping directories', async () => {
    const { scope, launch } = scopeAt('https://p.example/');
    const { deliveries, sink } = collect();
    await receiveOsDocuments(sink, scope);
    const file = new File(['Glaciers carve valleys.'], 'glaciers.md', { type: 'text/markdown' });
    await launch({
      files: [
        { kind: 'file', name: 'glaciers.md', getFile: async () => file },
        { kind: 'directory', name: 'notes' },
      ],
    });
    assert.deepEqual(deliveries, [{ source: 'open', files: [file], texts: [], problems: [] }]);
  });

  it('names a file the system would not let it read, and still delivers the others', async () => {
    const { scope, launch } = scopeAt('https://p.example/');
    const { deliveries, sink } = collect();
    await receiveOsDocuments(sink, scope);
    const ok = new File(['x'], 'ok.txt');
    await launch({
      files: [
        { kind: 'file', name: 'locked.pdf', getFile: async () => Promise.reject(new DOMException('denied', 'NotAllowedError')) },
        { kind: 'file', name: 'ok.txt', getFile: async () => ok },
      ],
    });
    assert.deepEqual(deliveries[0]!.files, [ok]);
    assert.deepEqual(deliveries[0]!.problems, ['“locked.pdf” could not be opened (the system did not let Passage read it).']);
  });

  it('ignores a launch without files (the app opened from its icon)', async () => {
    const { scope, launch } = scopeAt('https://p.example/');
    const { deliveries, sink } = collect();
    await receiveOsDocuments(sink, scope);
    await launch({ files: [] });
    await launch({});
    assert.deepEqual(deliveries, []);
  });
});
