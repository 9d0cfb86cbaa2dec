/**
 * User documents are untrusted: markup in them is shown as text, never run or fetched. Every element a hostile page
 * or Markdown file could smuggle in (script, event handlers, svg onload, iframe, javascript: links, remote images,
 * meta refresh) must reach the screen as inert words — in the results, the context view and the library list.
 */
import { ask, documentRows, expect, fileInput, openApp, test, waitForIndexed } from './support/app.ts';

const HOSTILE_HTML = `<!doctype html><html><head>
<title>Tide tables &lt;img src=x onerror="window.__hostileRan=1"&gt;</title>
<meta http-equiv="refresh" content="0; url=https://example.invalid/refresh">
<link rel="stylesheet" href="https://example.invalid/style.css">
<script>window.__hostileRan = 1; alert('script')</script>
</head><body onload="window.__hostileRan = 1">
<p>The harbour master posts the tide tables every Monday so that fishing boats can plan their departures.
<img src="https://example.invalid/pixel.png" onerror="window.__hostileRan = 1; alert('img')"></p>
<svg onload="window.__hostileRan = 1"><circle r="4"></circle></svg>
<iframe src="https://example.invalid/frame"></iframe>
<p>Lobster pots are hauled at dawn, when the water is calm. <a href="javascript:alert('link')">Read the tide guide</a>.</p>
</body></html>`;

const HOSTILE_MARKDOWN = `# Orchard notes

Apple trees are pruned in late winter, before the buds swell, to let light reach the fruit.
<script>window.__hostileRan = 1; alert('md script')</script>
<img src="https://example.invalid/md.png" onerror="window.__hostileRan = 1">

Pears ripen off the tree: pick them hard and leave them in a cool room. [orchard guide](javascript:alert('md link'))
![a remote picture](https://example.invalid/remote.png)
`;

test('hostile HTML and Markdown are shown as inert text: no script runs, no dialog opens, nothing is fetched', async ({ page, requests }) => {
  test.setTimeout(180_000);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await openApp(page);
  await fileInput(page).setInputFiles([
    { name: 'tides.html', mimeType: 'text/html', buffer: Buffer.from(HOSTILE_HTML) },
    { name: 'orchard.md', mimeType: 'text/markdown', buffer: Buffer.from(HOSTILE_MARKDOWN) },
  ]);
  await waitForIndexed(page, 2);

  // The markup in the title is a title's words, not an element.
  await expect(documentRows(page).locator('.title').filter({ hasText: 'Tide tables' })).toContainText('<img src=x onerror=');

  const tides = await ask(page, 'When are the tide tables posted for the fishing boats?');
  expect(tides.passage).toContain('posts the tide tables every Monday');
  const orchard = await ask(page, 'When should apple trees be pruned?');
  expect(orchard.passage).toContain('pruned in late winter');

  // Open the context view of the answer too: it renders the neighbouring passages.
  await page.locator('search-results li.result').first().getByRole('button', { name: 'Show in context' }).click();
  await expect(page.locator('search-results .context')).toContainText('Pears ripen off the tree');

  // No element from a document reached the page: results, context and library list hold text and our own markup only.
  const smuggled = await page.evaluate(() => {
    const found: string[] = [];
    const hostile = 'script, iframe, svg, img, object, embed, meta, link, a[href^="javascript:"], [onerror], [onload]';
    // Everything rendered inside the results and the library list, down through nested shadow roots.
    const visit = (root: Element | ShadowRoot) => {
      for (const el of root.querySelectorAll(hostile)) found.push(el.outerHTML.slice(0, 80));
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
    };
    for (const host of document.querySelector('passage-shell')?.shadowRoot?.querySelectorAll('search-results, library-panel') ?? []) {
      visit(host.shadowRoot ?? host);
    }
    return found;
  });
  expect(smuggled).toEqual([]);
  expect(await page.evaluate(() => '__hostileRan' in window)).toBe(false);
  expect(dialogs).toEqual([]);
  expect(requests.requests.filter((r) => r.url.includes('example.invalid'))).toEqual([]);
});
