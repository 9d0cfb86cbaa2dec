/**
 * The Content-Security-Policy: present as a header and as a <meta> (so it holds in the precached, offline app),
 * strict, and the whole app works under it without a single violation — in the page and in its workers, online
 * and offline. A control test shows the violation recorder does see what the policy refuses.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { ConsoleMessage, Page, Worker } from '@playwright/test';
import {
  ask,
  documentRows,
  expect,
  fileInput,
  fixturesDir,
  openApp,
  repoRoot,
  test,
  waitForIndexed,
  waitForModel,
  waitForServiceWorker,
} from './support/app.ts';

type Directives = Map<string, string[]>;

function parsePolicy(policy: string): Directives {
  const directives: Directives = new Map();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), values);
  }
  return directives;
}

function metaPolicy(html: string): string | undefined {
  return /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html)?.[1];
}

/** What every policy we deliver must say (the header adds frame-ancestors). */
const STRICT: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'"],
  // The hub only for "Download from the hub" in Settings (own-model.spec.ts); the app itself talks to nothing else.
  'connect-src': ["'self'", 'https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co'],
  'worker-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
};

function expectStrict(directives: Directives, where: string) {
  for (const [name, values] of Object.entries(STRICT)) {
    expect(directives.get(name), `${where}: ${name}`).toEqual(values);
  }
  const everything = [...directives.values()].flat();
  for (const loose of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", 'blob:', 'data:', '*', 'http:', 'https:']) {
    expect(everything, `${where} allows ${loose}`).not.toContain(loose);
  }
}

/**
 * Records CSP violations from the start of every document of the page (an init script runs before any page
 * script), from each dedicated worker as soon as it appears, and every console message that reports one.
 */
async function recordViolations(page: Page) {
  const consoleReports: string[] = [];
  const seen = new Set<ConsoleMessage>();
  const onConsole = (message: ConsoleMessage) => {
    if (seen.has(message)) return;
    seen.add(message);
    if (/Content.Security.Policy|Refused to/i.test(message.text())) consoleReports.push(`${message.type()}: ${message.text()}`);
  };
  page.on('console', onConsole);
  const listen = () => {
    const scope = globalThis as unknown as { __csp?: string[] };
    if (scope.__csp) return;
    scope.__csp = [];
    globalThis.addEventListener('securitypolicyviolation', (event) => {
      const e = event as SecurityPolicyViolationEvent;
      scope.__csp!.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  };
  await page.addInitScript(listen);
  const workers = new Set<Worker>();
  page.on('worker', (worker) => {
    workers.add(worker);
    worker.on('close', () => workers.delete(worker));
    worker.on('console', onConsole);
    worker.evaluate(listen).catch(() => undefined); // a worker may end before this reaches it
  });
  return {
    consoleReports,
    /** Violations recorded in the page (this document) and in its live workers. */
    async events(): Promise<string[]> {
      const read = () => (globalThis as unknown as { __csp?: string[] }).__csp ?? [];
      const inPage = await page.evaluate(read);
      const inWorkers: string[] = [];
      for (const worker of workers) {
        // ORT's thread-pool workers (same script URL) block in Atomics.wait and never answer: their refusals still
        // reach the console listener.
        const found = await Promise.race([
          worker.evaluate(read).catch(() => [] as string[]),
          new Promise<string[]>((resolve) => setTimeout(() => resolve([]), 2000)),
        ]);
        inWorkers.push(...found.map((v) => `worker ${worker.url()}: ${v}`));
      }
      return [...inPage, ...inWorkers];
    },
    /** The page's embedding worker: the first live worker from that script (ORT's threads start later from it). */
    embedWorker: () => [...workers].find((w) => /\/assets\/embed-worker-/.test(w.url())),
  };
}

test("an imported web page's inline style is refused by the policy while it is parsed, and its text is imported all the same", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const violations = await recordViolations(page);
  await openApp(page);
  // honeybees.html has one <style>, a remote stylesheet, two scripts and a remote image. DOMParser's inert document
  // inherits the page's policy, so Chromium refuses (and reports) the inline style as it parses it; nothing runs or
  // loads either way. Only a DOM-free parser would avoid the report.
  await fileInput(page).setInputFiles(path.join(fixturesDir, 'honeybees.html'));
  await waitForIndexed(page, 1);
  const answer = await ask(page, 'What does the waggle dance of a forager show?');
  expect(answer.passage).toContain('waggle dance');
  const reported = await violations.events();
  expect(reported.length).toBeGreaterThan(0);
  for (const violation of reported) expect(violation).toMatch(/^style-src-elem blocked inline at http:\/\/[^/]+\/assets\/html-[\w-]+\.js:/);
  expect(await page.evaluate(() => (window as unknown as { __passageFixtureScriptRan?: boolean }).__passageFixtureScriptRan)).toBeUndefined();
});

/** What `eval` does inside a worker: the worker's own policy (from its script's response headers) decides. */
function evalIn(worker: Worker): Promise<string> {
  return worker.evaluate(
    () =>
      new Promise<string>((resolve) =>
        setTimeout(() => {
          try {
            resolve(String(eval('1 + 1')));
          } catch (error) {
            resolve((error as Error).name);
          }
        }, 0),
      ),
  );
}

test('the Content-Security-Policy is sent as a header and as a <meta>, strict: no inline script, connect-src self and the model hub, object-src none, base-uri none, worker-src self, only wasm-unsafe-eval', async ({
  request,
}) => {
  const response = await request.get('/');
  expect(response.ok()).toBe(true);
  const header = response.headers()['content-security-policy'];
  expect(header, 'Content-Security-Policy header').toBeTruthy();
  const html = await response.text();
  const meta = metaPolicy(html);
  expect(meta, 'Content-Security-Policy <meta>').toBeTruthy();

  expectStrict(parsePolicy(header!), 'header');
  expectStrict(parsePolicy(meta!), '<meta>');
  // frame-ancestors works only as a header (a <meta> carrying it is ignored, with a console error).
  expect(parsePolicy(header!).get('frame-ancestors')).toEqual(["'none'"]);
  expect(parsePolicy(meta!).has('frame-ancestors')).toBe(false);
  expect(header).toBe(`${meta}; frame-ancestors 'none'`);

  // The built page has nothing inline the policy would refuse.
  const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [tag, body] of scripts) {
    expect(tag, 'every script is a file').toMatch(/\bsrc="\//);
    expect(body!.trim()).toBe('');
  }
  expect(html).not.toMatch(/<style\b/i);
  expect(html).not.toMatch(/\sstyle\s*=/i);
  expect(html).not.toMatch(/\son[a-z]+\s*=/i);

  // Workers take their policy from their script's response, not from the page: the header is on those too.
  const assets = readdirSync(path.join(repoRoot, 'dist/assets'));
  const workerScripts = ['embed-worker-', 'pdf.worker.min-'].map((prefix) => assets.find((n) => n.startsWith(prefix) && /\.m?js$/.test(n)));
  for (const name of [...workerScripts, 'sw.js']) {
    expect(name).toBeTruthy();
    const script = await request.get(name === 'sw.js' ? '/sw.js' : `/assets/${name}`);
    expect(script.headers()['content-security-policy'], `${name}`).toBe(header);
  }
});

test('under the Content-Security-Policy the installed app, offline, loads, imports samples, a PDF, a Word file, text and Markdown, indexes, searches and keeps its index across a reload, with no violation in the page or its workers', async ({
  page,
  context,
  requests,
}) => {
  test.setTimeout(360_000);
  const violations = await recordViolations(page);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));

  // First visit online installs the app (the service worker precaches it); everything after runs offline, from
  // the cache, where the policy comes from the <meta> of the cached page and the cached workers' headers.
  await page.goto('/');
  await waitForServiceWorker(page);
  await context.setOffline(true);
  requests.offline = true;
  await page.reload();
  await waitForModel(page);
  expect(metaPolicy(await page.content())).toBeTruthy();

  await page.getByRole('button', { name: 'Try it with sample documents' }).click();
  await waitForIndexed(page, 3);
  // Not the HTML fixture: its own <style> is refused while it is parsed (see the next test).
  const fixtures = ['glaciers.pdf', 'chess.docx', 'lighthouse.txt', 'sourdough.md'];
  await fileInput(page).setInputFiles(fixtures.map((f) => path.join(fixturesDir, f)));
  await waitForIndexed(page, 3 + fixtures.length);
  const freedoms = await ask(page, 'What are the four freedoms?');
  expect(freedoms.passage).toContain('freedom from fear');
  const glacier = await ask(page, 'How do glaciers shape valleys?');
  expect(glacier.passage).toContain('U-shaped valleys');
  expect(await violations.events(), 'violations before the reload').toEqual([]);

  await page.reload();
  await expect(documentRows(page)).toHaveCount(3 + fixtures.length);
  await waitForModel(page);
  const again = await ask(page, 'What are the four freedoms?');
  expect(again.passage).toContain('freedom from fear');

  await page.waitForTimeout(500);
  expect(await violations.events(), 'violations after the reload').toEqual([]);
  expect(violations.consoleReports, 'CSP messages in the console').toEqual([]);
  expect(requests.networkWhileOffline(), 'requests that reached the network while offline').toEqual([]);
  expect(errors).toEqual([]);
});

test('the Content-Security-Policy is enforced and reported, in the page and the embedding worker, online and offline: inline script, eval, a blob: worker and another origin are refused', async ({
  page,
  context,
  requests,
}) => {
  test.setTimeout(180_000);
  const violations = await recordViolations(page);
  await openApp(page);

  // Each attempt runs in a task of its own: code run directly by page.evaluate is exempt from the eval check
  // (DevTools evaluates with allowUnsafeEvalBlockedByCSP).
  const attempts = () =>
    page.evaluate(async () => {
      const later = <T,>(attempt: () => Promise<T> | T) =>
        new Promise<T>((resolve, reject) => setTimeout(() => Promise.resolve().then(attempt).then(resolve, reject), 0));
      const outcome: Record<string, string> = {};
      outcome.inline = await later(() => {
        const script = document.createElement('script');
        script.textContent = 'window.__inlineRan = true';
        document.head.append(script);
        return (window as unknown as { __inlineRan?: boolean }).__inlineRan ? 'ran' : 'refused';
      });
      outcome.eval = await later(() => {
        try {
          return String(eval('1 + 1'));
        } catch (error) {
          return (error as Error).name;
        }
      });
      outcome.blobWorker = await later(
        () =>
          new Promise<string>((resolve) => {
            const blob = new Blob(['postMessage("started")'], { type: 'text/javascript' });
            try {
              const worker = new Worker(URL.createObjectURL(blob));
              worker.onmessage = () => resolve('started');
              worker.onerror = () => resolve('refused');
            } catch (error) {
              resolve((error as Error).name === 'SecurityError' ? 'refused' : (error as Error).name);
            }
          }),
      );
      outcome.fetch = await later(() =>
        fetch('http://127.0.0.1:9/elsewhere').then(
          () => 'answered',
          (error: Error) => error.name,
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 200)); // violation events are queued as tasks
      return outcome;
    });
  const refused = { inline: 'refused', eval: 'EvalError', blobWorker: 'refused', fetch: 'TypeError' };

  expect(await attempts()).toEqual(refused);
  const online = await violations.events();
  for (const directive of ['script-src-elem', 'script-src', 'worker-src', 'connect-src']) {
    expect(online.some((v) => v.startsWith(`${directive} `)), `${directive} violation reported: ${online.join('\n')}`).toBe(true);
  }
  const worker = violations.embedWorker();
  expect(worker, 'the embedding worker').toBeTruthy();
  expect(await evalIn(worker!)).toBe('EvalError');

  // Offline, the page and the worker script come from the service worker's cache: the policy still holds.
  await context.setOffline(true);
  requests.offline = true;
  await page.reload();
  await waitForModel(page);
  expect(await attempts()).toEqual(refused);
  await expect.poll(() => violations.embedWorker() !== worker, { message: 'a new embedding worker' }).toBe(true);
  const offlineWorker = violations.embedWorker();
  expect(offlineWorker, 'the embedding worker after the reload').toBeTruthy();
  expect(await evalIn(offlineWorker!)).toBe('EvalError');
  expect(violations.consoleReports.length, 'the console reports the refusals too').toBeGreaterThan(0);
});
