/**
 * "Share → Passage": the service worker's side of the Web Share Target (manifest `share_target`, POST,
 * multipart/form-data). It keeps what was shared — title, text, URL and files — in the share inbox (Cache Storage)
 * and sends the app to `./?share=<id>`; the page imports it from there (share-inbox.ts) through the normal import
 * path. Nothing is fetched: a shared URL is kept as text (Passage talks to no other origin).
 *
 * Both functions are SELF-CONTAINED on purpose: vite.config.ts hands them to Workbox as a `runtimeCaching` route,
 * and workbox-build copies their source text into sw.js. They may use only their arguments and service-worker
 * globals (caches, Response, URL, Date, Math) — no imports, no module-level names. share-inbox.test.ts checks that
 * what this writes is what the page reads.
 *
 * Inbox layout (cache `passage-share-inbox`): `<scope>share-inbox/<id>/file-<n>` (each file's bytes, its type
 * in Content-Type), then `<scope>share-inbox/<id>/meta` (JSON: id, received, title, text, url, files[{ key, name,
 * type }]) written last, so a reader that sees the meta sees every file.
 */

/** The route's match: a POST to the share target's action (`share-target`, relative to the manifest). */
export function isShareTarget({ url, request }: { url: URL; request: Request }): boolean {
  return request.method === 'POST' && url.pathname.endsWith('/share-target');
}

/** The route's handler: store the shared payload, then redirect (303, so the app is fetched with GET). */
export async function receiveShare({ request }: { request: Request }): Promise<Response> {
  const inbox = 'passage-share-inbox';
  const home = (query: string) => Response.redirect(new URL(`./?share=${query}`, request.url).href, 303);
  try {
    const form = await request.formData();
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    const base = new URL(`./share-inbox/${id}/`, request.url);
    const cache = await caches.open(inbox);
    const files: { key: string; name: string; type: string }[] = [];
    for (const value of form.getAll('files')) {
      if (typeof value === 'string' || value.size === 0) continue;
      const key = new URL(`file-${files.length}`, base).href;
      const type = value.type || 'application/octet-stream';
      await cache.put(key, new Response(value, { headers: { 'Content-Type': type } }));
      files.push({ key, name: value.name, type: value.type });
    }
    const meta = { id, received: Date.now(), title: field('title'), text: field('text'), url: field('url'), files };
    await cache.put(new URL('meta', base).href, new Response(JSON.stringify(meta), { headers: { 'Content-Type': 'application/json' } }));
    return home(id);
  } catch (error) {
    console.error('Passage: the shared items could not be kept', error);
    return home('failed');
  }
}
