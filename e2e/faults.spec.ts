/**
 * Faults heal (issue 11, item 3), driven as real faults in real Chromium: a worker that closes itself or throws
 * (through Playwright's handle on the worker, no test hook in the app), a model file damaged or missing in the
 * service worker's Cache Storage, and a full storage quota (IndexedDB writes refused inside the library worker).
 */
import type { Page, Worker } from '@playwright/test';
import {
  ask,
  documentRows,
  expect,
  fileInput,
  fixturesDir,
  notices,
  openApp,
  sotuAddresses,
  test,
  waitForIndexed,
  waitForModel,
} from './support/app.ts';
import path from 'node:path';

const lighthouse = path.join(fixturesDir, 'lighthouse.txt');
const roosevelt = sotuAddresses[1]!;
const MODEL_FILE = '/models/all-MiniLM-L6-v2/onnx/model_quantized.onnx';

const names = new WeakMap<Worker, string>();

/**
 * A worker's name. ORT's pthread workers run the same script, and while they compute (Atomics.wait) an evaluate
 * in them does not return: ask each for at most a second, and remember the answers.
 */
async function workerName(worker: Worker): Promise<string> {
  const known = names.get(worker);
  if (known !== undefined) return known;
  const name = await Promise.race([
    worker.evaluate(() => self.name).catch(() => null),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000)),
  ]);
  if (name !== null) names.set(worker, name);
  return name ?? '';
}

/** The app's live worker whose name starts with `prefix` ("passage-embed", "passage-library"); ORT's pthreads are skipped. */
async function appWorker(page: Page, prefix: string, not?: string): Promise<Worker & { name: string }> {
  let found: (Worker & { name: string }) | null = null;
  await expect
    .poll(
      async () => {
        for (const worker of page.workers()) {
          const name = await workerName(worker);
          if (name.startsWith(`${prefix}#`) && name !== not) {
            found = Object.assign(worker, { name });
            return true;
          }
        }
        return false;
      },
      { timeout: 30_000, message: `a live ${prefix} worker` },
    )
    .toBe(true);
  return found!;
}

/** Makes the worker close itself once it holds its lifeline (so it really has started), without waiting on it. */
function closeOnceStarted(worker: Worker): void {
  void worker
    .evaluate(async () => {
      for (;;) {
        const { held = [] } = await navigator.locks.query();
        if (held.some((lock) => lock.name?.endsWith(self.name))) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      self.close();
    })
    .catch(() => undefined);
}

async function importFiles(page: Page, ...files: string[]) {
  await fileInput(page).setInputFiles(files);
}

/** URLs of embedding-worker scripts started from now on (the worker itself or ORT's pthreads of a new one). */
function workersStarted(page: Page): string[] {
  const urls: string[] = [];
  page.on('worker', (worker) => {
    if (/embed-worker/.test(worker.url())) urls.push(worker.url());
  });
  return urls;
}

function progressLine(page: Page) {
  return page.locator('progress-bar .strip');
}

function resultsNote(page: Page) {
  return page.locator('search-results p.words-only');
}

test.describe('faults heal', () => {
  // A restart loads the model again (a few seconds here) on top of the indexing itself; on this shared 2-core
  // machine one indexing run with a restart took up to 2 minutes.
  test.setTimeout(240_000);

  test('an embedding worker that closes itself mid-search is noticed at once, restarted, and the search answers by meaning', async ({ page }) => {
    await openApp(page);
    await importFiles(page, lighthouse);
    await waitForIndexed(page, 1);
    const first = await appWorker(page, 'passage-embed');
    // The query's embed request is the message that kills it: the search is in flight when the worker ends.
    await first.evaluate(() =>
      self.addEventListener('message', (event: MessageEvent) => {
        if ((event.data as { type?: string; kind?: string })?.kind === 'query') self.close();
      }),
    );
    const answer = await ask(page, 'Who kept the light burning and polished the lens?');
    expect(answer.passage).toContain('polished the brass lens');
    await expect(resultsNote(page)).toHaveCount(0);
    const second = await appWorker(page, 'passage-embed', first.name);
    expect(second.name).not.toBe(first.name);
  });

  test('a library worker that closes itself mid-search is restarted and the search answers', async ({ page }) => {
    await openApp(page);
    await importFiles(page, lighthouse);
    await waitForIndexed(page, 1);
    const library = await appWorker(page, 'passage-library');
    // Comlink's request names the method in its path: the search call is the one that kills the worker.
    await library.evaluate(() =>
      self.addEventListener('message', (event: MessageEvent) => {
        if (JSON.stringify((event.data as { path?: unknown })?.path ?? '').includes('search')) self.close();
      }),
    );
    const answer = await ask(page, 'Who kept the light burning and polished the lens?');
    expect(answer.passage).toContain('polished the brass lens');
    await expect(documentRows(page)).toHaveCount(1);
  });

  test('an embedding worker that closes itself mid-indexing is restarted and indexing finishes with every passage once', async ({ page }) => {
    await openApp(page);
    // Found while idle (a worker busy embedding does not answer an evaluate). Its second indexing batch (the
    // first is stored by then) is the message that makes it close itself, with that batch in flight.
    const worker = await appWorker(page, 'passage-embed');
    await worker.evaluate(() => {
      let batches = 0;
      self.addEventListener('message', (event: MessageEvent) => {
        if ((event.data as { kind?: string })?.kind === 'passage' && ++batches === 2) self.close();
      });
    });
    const started = workersStarted(page);
    await importFiles(page, roosevelt);
    // Only a new worker can finish: the old one is gone.
    await waitForIndexed(page, 1);
    expect(started.length, 'a new embedding worker was started').toBeGreaterThan(0);
    await expect(progressLine(page)).not.toContainText('stopped');
    const answer = await ask(page, 'What freedoms should everyone in the world have?');
    expect(answer.passage).toMatch(/freedom/i);
  });

  test('an embedding worker that dies again after its restart gives a clear words-only note whose Try again recovers', async ({ page }) => {
    await openApp(page);
    await importFiles(page, lighthouse);
    await waitForIndexed(page, 1);
    const first = await appWorker(page, 'passage-embed');
    let sabotage = true;
    page.on('worker', (worker) => {
      if (sabotage) closeOnceStarted(worker);
    });
    closeOnceStarted(first);
    await expect.poll(async () => (await first.evaluate(() => 1).catch(() => 0)) === 0, { timeout: 10_000 }).toBe(true);

    const input = page.locator('search-box input');
    await input.fill('Who kept the light burning and polished the lens?');
    await input.press('Enter');
    await expect(resultsNote(page)).toContainText('Matched by words only: part of Passage stopped working', { timeout: 60_000 });
    await expect(page.locator('search-results')).not.toContainText('Searching…');

    sabotage = false;
    await page.locator('search-results button.retry').click();
    await expect(resultsNote(page)).toHaveCount(0, { timeout: 60_000 });
    await expect(page.locator('search-results li.result').first()).toContainText('polished the brass lens');
  });

  test('a model file damaged in Cache Storage is detected by its checksum and Repair fetches it again', async ({ page }) => {
    await openApp(page);
    const replaced = await page.evaluate(async (file) => {
      let count = 0;
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const key of await cache.keys(file, { ignoreSearch: true })) {
          await cache.put(key, new Response(new Uint8Array(4096).fill(7), { headers: { 'content-type': 'application/octet-stream' } }));
          count++;
        }
      }
      return count;
    }, MODEL_FILE);
    expect(replaced).toBeGreaterThan(0);
    await page.reload();
    await expect(page.locator('passage-shell')).toHaveAttribute('data-model', 'error', { timeout: 60_000 });
    await expect(progressLine(page)).toContainText('damaged or incomplete (onnx/model_quantized.onnx)');
    await expect(progressLine(page)).toContainText('Until then, search matches words only');
    await expect(page.locator('body')).not.toContainText('ERROR_CODE');
    await page.locator('progress-bar button', { hasText: 'Repair' }).click();
    await waitForModel(page);
    await expect(notices(page).first()).toContainText('Repaired the language model (onnx/model_quantized.onnx)');
    // The repaired copy is the one served from now on.
    await page.reload();
    await waitForModel(page);
  });

  test('a model file missing while offline says so and searches by words only with the reason; Repair online restores it', async ({ page, context }) => {
    await openApp(page);
    await importFiles(page, lighthouse);
    await waitForIndexed(page, 1);
    await page.evaluate(async (file) => {
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const key of await cache.keys(file, { ignoreSearch: true })) await cache.delete(key);
      }
    }, MODEL_FILE);
    // Routing also keeps Chromium's HTTP cache from answering for the deleted copy (Playwright disables it).
    await context.route('**/onnx/model_quantized.onnx*', (route) => route.abort('internetdisconnected'));
    await context.setOffline(true);
    await page.reload();
    await expect(page.locator('passage-shell')).toHaveAttribute('data-model', 'error', { timeout: 60_000 });
    await expect(progressLine(page)).toContainText('not on this device and you are offline');
    await expect(page.locator('body')).not.toContainText('local_files_only');

    const input = page.locator('search-box input');
    await input.fill('lighthouse keeper lens');
    await input.press('Enter');
    await expect(page.locator('search-results li.result').first()).toContainText('lens');
    await expect(resultsNote(page)).toContainText('Matched by words only: the language model is not on this device and you are offline');

    await context.setOffline(false);
    await context.unrouteAll();
    await page.locator('progress-bar button', { hasText: 'Repair' }).click();
    await waitForModel(page);
    // Stored where the service worker looks: the next offline start loads the model.
    await context.setOffline(true);
    await page.reload();
    await waitForModel(page);
    await context.setOffline(false);
  });

  test('storage full while adding or indexing says so with the usage, keeps earlier data, and indexing resumes once space is freed', async ({ page }) => {
    await openApp(page);
    await importFiles(page, lighthouse);
    await waitForIndexed(page, 1);
    const library = await appWorker(page, 'passage-library');
    // What a full origin looks like to IndexedDB: the write is refused with QuotaExceededError and its transaction
    // aborts. `full` names the stores that are "full"; deleting anything frees the space.
    await library.evaluate(() => {
      const scope = self as unknown as { quotaFull: string[] };
      scope.quotaFull = [];
      for (const method of ['put', 'add'] as const) {
        const original = IDBObjectStore.prototype[method];
        IDBObjectStore.prototype[method] = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
          if (scope.quotaFull.includes(this.name)) {
            this.transaction.abort();
            throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          }
          return original.apply(this, args);
        };
      }
      const remove = IDBObjectStore.prototype.delete;
      IDBObjectStore.prototype.delete = function (this: IDBObjectStore, query: IDBValidKey | IDBKeyRange) {
        scope.quotaFull = [];
        return remove.call(this, query);
      };
    });

    // Adding: nothing of the new document is stored, the earlier one is intact.
    await library.evaluate(() => ((self as unknown as { quotaFull: string[] }).quotaFull = ['texts', 'passages', 'documents']));
    await importFiles(page, path.join(fixturesDir, 'sourdough.md'));
    await expect(notices(page).first()).toContainText('was not added: storage is full');
    await expect(notices(page).first()).toContainText(/Passage uses [\d.]+ (?:bytes|KB|MB|GB) of the [\d.]+ (?:KB|MB|GB|TB)/);
    await expect(documentRows(page)).toHaveCount(1);
    await waitForIndexed(page, 1);

    // Indexing: the document is stored, its vectors are refused; indexing stops with the reason and Try again.
    await library.evaluate(() => ((self as unknown as { quotaFull: string[] }).quotaFull = ['vectors', 'vectorBlocks']));
    await importFiles(page, roosevelt);
    await expect(progressLine(page)).toContainText('Indexing stopped: storage is full', { timeout: 60_000 });
    await expect(progressLine(page)).toContainText('Passage uses');
    await expect(progressLine(page).locator('button', { hasText: 'Try again' })).toBeVisible();
    await expect(documentRows(page)).toHaveCount(2);
    const lighthouseRow = documentRows(page).filter({ hasText: 'lighthouse' });
    await expect(lighthouseRow.locator('.indexed')).toHaveAttribute('data-indexed', /^[1-9]/);

    // Deleting a document frees space: indexing resumes by itself and finishes.
    await lighthouseRow.getByRole('button', { name: /^Delete / }).click();
    await lighthouseRow.getByRole('button', { name: /^Confirm: delete / }).click();
    await waitForIndexed(page, 1);
    await expect(progressLine(page)).not.toContainText('stopped');
  });
});
