/**
 * The operating system sends documents to the installed app: "Share → Passage" (Web Share Target, a multipart POST
 * answered by the service worker) and "Open with Passage" (File Handling, files delivered to `launchQueue`).
 * Headless Chromium has no OS share sheet or file associations, so the tests drive the same entry points the OS
 * would: a POST to the share target from a page the service worker controls, and a `launchQueue` defined before
 * the app loads (as Chromium's own is) whose consumer is handed FileSystemFileHandle-like objects.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { chromiumLaunch } from '../playwright.config.ts';
import {
  ask,
  documentRows,
  expect,
  fixturesDir,
  notices,
  openApp,
  repoRoot,
  test,
  waitForIndexed,
  waitForModel,
  waitForServiceWorker,
} from './support/app.ts';

const TYPES: Record<string, string> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.html': 'text/html',
  '.pdf': 'application/pdf',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.png': 'image/png',
};

interface FilePayload {
  name: string;
  type: string;
  base64: string;
}

function payload(file: string): FilePayload {
  const name = path.basename(file);
  return { name, type: TYPES[path.extname(name)] ?? '', base64: readFileSync(file).toString('base64') };
}

/** Written for this test (not from any publication). */
const SHARED_TEXT =
  'Harbour pilots board incoming ships outside the breakwater. They know where the sandbars shift after each storm ' +
  'and steer the ships through the narrow channel to the quay, while the captain keeps command of the crew.';

/** Sends a share the way the OS does — a multipart POST to the share target — and returns where it redirected. */
async function shareToPassage(page: Page, fields: Record<string, string>, files: FilePayload[]) {
  return page.evaluate(
    async ({ fields, files }) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      for (const f of files) {
        const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
        form.append('files', new File([bytes], f.name, { type: f.type }));
      }
      // 'manual': a page cannot read a redirect's Location, but an opaque redirect proves the answer was one.
      const response = await fetch('/share-target', { method: 'POST', body: form, redirect: 'manual' });
      const inbox = await caches.open('passage-share-inbox');
      const keys = (await inbox.keys()).map((r) => new URL(r.url).pathname);
      const meta = keys.find((k) => k.endsWith('/meta'));
      const id = meta ? /share-inbox\/([^/]+)\/meta$/.exec(meta)?.[1] : undefined;
      return { type: response.type, kept: keys.length, id };
    },
    { fields, files },
  );
}

test('the built manifest carries share_target (POST, multipart: title, text, url, files) and file_handlers for .txt .md .html .pdf .docx, and Chromium reads it without errors', async ({
  baseURL,
}) => {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'dist/manifest.webmanifest'), 'utf8')) as {
    share_target: { action: string; method: string; enctype: string; params: { title: string; text: string; url: string; files: { name: string; accept: string[] }[] } };
    file_handlers: { action: string; accept: Record<string, string[]> }[];
  };
  const types = ['.txt', '.md', '.html', '.pdf', '.docx'];
  expect(manifest.share_target).toMatchObject({ action: 'share-target', method: 'POST', enctype: 'multipart/form-data' });
  expect(manifest.share_target.params).toMatchObject({ title: 'title', text: 'text', url: 'url' });
  expect(manifest.share_target.params.files[0]!.name).toBe('files');
  for (const type of types) expect(manifest.share_target.params.files[0]!.accept).toContain(type);
  expect(manifest.file_handlers).toHaveLength(1);
  expect(Object.values(manifest.file_handlers[0]!.accept).flat()).toEqual(expect.arrayContaining(types));

  // Chromium's own parse (a persistent profile: incognito contexts are never installable).
  const profile = mkdtempSync(path.join(os.tmpdir(), 'passage-profile-'));
  const context = await chromium.launchPersistentContext(profile, { ...chromiumLaunch, headless: true, baseURL });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto('/');
    await waitForServiceWorker(page);
    const cdp = await context.newCDPSession(page);
    const parsed = (await cdp.send('Page.getAppManifest')) as {
      errors: unknown[];
      manifest?: { shareTarget?: { action: string; method: string } };
    };
    expect(parsed.errors).toEqual([]);
    const origin = new URL(baseURL!).origin;
    // (Chromium 156's DevTools protocol reports the method as "kPost" and repeats the action as the enctype.)
    expect(parsed.manifest?.shareTarget?.action).toBe(`${origin}/share-target`);
    expect(parsed.manifest?.shareTarget?.method).toMatch(/post/i);
    // (This headless Linux build reports no fileHandlers at all over the protocol: only the file is checked for them.)
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('Share → Passage, offline: the service worker takes the multipart POST, keeps the shared text, URL and files and opens the app, which imports them once into the library, searchable', async ({
  page,
  context,
  requests,
}) => {
  test.setTimeout(240_000);
  await openApp(page);
  await context.setOffline(true);
  requests.offline = true;

  const shared = await shareToPassage(
    page,
    { title: 'Harbour pilots', text: SHARED_TEXT, url: 'https://example.org/harbour-pilots' },
    [payload(path.join(fixturesDir, 'chess.docx')), payload(path.join(fixturesDir, 'sourdough.md'))],
  );
  // Answered by the service worker (offline, the server could not have) with a redirect, the share kept.
  expect(shared.type).toBe('opaqueredirect');
  expect(shared.kept).toBe(3); // two files and the share's record
  expect(shared.id).toMatch(/^[0-9a-z]+-[0-9a-z]+$/);

  // Where the share target redirects (src/pwa/share-target-sw.ts, unit-tested): the app, naming the share.
  await page.goto(`/?share=${shared.id}`);
  await waitForIndexed(page, 3);
  await expect(documentRows(page).filter({ hasText: 'Harbour pilots' })).toHaveCount(1);
  expect(new URL(page.url()).search, 'the address no longer names the share').toBe('');
  expect(await page.evaluate(async () => (await (await caches.open('passage-share-inbox')).keys()).length)).toBe(0);

  const pilots = await ask(page, 'Who guides ships past the sandbars to the quay?');
  expect(pilots.title).toContain('Harbour pilots');
  expect(pilots.passage).toContain('https://example.org/harbour-pilots'); // the URL is kept as text, never fetched
  const chess = await ask(page, 'How does a pawn get promoted?');
  expect(chess.title.toLowerCase()).toContain('chess');

  // Reloading (or a second tab) does not import the share again.
  await page.reload();
  await waitForModel(page);
  await expect(documentRows(page)).toHaveCount(3);
  await page.waitForTimeout(1000);
  await expect(documentRows(page)).toHaveCount(3);
  expect(requests.networkWhileOffline(), 'requests that reached the network while offline').toEqual([]);
});

test('Open with Passage: .txt, .md, .html, .pdf and .docx files delivered to launchQueue are imported into the library and searchable; a type Passage cannot read is named in a message', async ({
  page,
}) => {
  test.setTimeout(240_000);
  // A launchQueue that behaves like Chromium's when the installed app is opened with files (launch params wait for
  // a consumer), but that the test can feed. Chromium's own (a read-only accessor on Window) is shadowed before any
  // page script runs.
  await page.addInitScript(() => {
    const pending: unknown[] = [];
    let consumer: ((params: unknown) => void) | null = null;
    const launchQueue = {
      setConsumer(next: (params: unknown) => void) {
        consumer = next;
        for (const params of pending.splice(0)) consumer(params);
      },
    };
    Object.defineProperty(window, 'launchQueue', { value: launchQueue, configurable: true });
    (window as unknown as { __launch: (params: unknown) => void }).__launch = (params) =>
      consumer ? consumer(params) : pending.push(params);
  });
  await openApp(page);

  const files = ['lighthouse.txt', 'sourdough.md', 'honeybees.html', 'glaciers.pdf', 'chess.docx'].map((f) => payload(path.join(fixturesDir, f)));
  files.push(payload(path.join(repoRoot, 'public/icons/icon-192.png')));
  await page.evaluate((files) => {
    const handles = files.map((f) => ({
      kind: 'file',
      name: f.name,
      getFile: async () => new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }),
    }));
    (window as unknown as { __launch: (params: unknown) => void }).__launch({ targetURL: location.href, files: handles });
  }, files);

  await waitForIndexed(page, 5);
  await expect(notices(page).filter({ hasText: 'icon-192.png' })).toHaveCount(1);
  const glacier = await ask(page, 'How do glaciers shape valleys?');
  expect(glacier.passage).toContain('U-shaped valleys');
  const bees = await ask(page, 'What does the waggle dance of a forager show?');
  expect(bees.passage).toContain('waggle dance');
});
