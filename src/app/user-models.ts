/**
 * The models a person added in Settings, kept on this device in Cache Storage (`passage-user-models`) under the
 * URLs the embedding worker asks for (`/models/user/<name>/<file>`, see worker/user-model-fetch.ts), so they load
 * offline and leave with "clear site data" like the rest of Passage. Beside the model's own files: its
 * `passage-build.json` (size and sha-256 of every file, as the model build writes for built-in models, so the
 * same check and progress code reads it) and its spec, `passage-model.json`, written last — a model whose files
 * were not all stored is never listed.
 */
import { sha256Hex } from '../core/hash.ts';
import { parseStoredSpec, USER_MODEL_CACHE, USER_MODEL_SPEC_FILE, isUserModel } from '../core/model-catalogue.ts';
import type { ModelSpec } from '../core/model-spec.ts';

/** The part of a Cache the store uses (the browser's Cache, or a Map-backed fake in tests). */
export interface CacheLike {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
  delete(url: string): Promise<boolean>;
  keys(): Promise<readonly { url: string }[]>;
}

export class UserModels {
  private readonly _open: () => Promise<CacheLike>;
  private readonly _root: string;

  /** `root`: absolute URL of the models folder (e.g. https://app/models/). */
  constructor(open: () => Promise<CacheLike>, root: string) {
    this._open = open;
    this._root = root.endsWith('/') ? root : `${root}/`;
  }

  /** The browser's: the origin's Cache Storage. */
  static inBrowser(): UserModels {
    return new UserModels(() => caches.open(USER_MODEL_CACHE), new URL('/models/', location.href).href);
  }

  fileUrl(id: string, file: string): string {
    return `${this._root}${id}/${file}`;
  }

  /** Every complete user model (its spec stored and readable). */
  async list(): Promise<ModelSpec[]> {
    const cache = await this._open();
    const specs: ModelSpec[] = [];
    for (const request of await cache.keys()) {
      if (!request.url.startsWith(this._root) || !request.url.endsWith(`/${USER_MODEL_SPEC_FILE}`)) continue;
      const response = await cache.match(request.url);
      const spec = parseStoredSpec(await response?.json().catch(() => null));
      if (spec && this.fileUrl(spec.id, USER_MODEL_SPEC_FILE) === request.url) specs.push(spec);
    }
    return specs;
  }

  /**
   * Stores the model's files and its build record; the spec only once `check` (which may load the model from
   * these very files) has passed. A failure removes whatever was stored.
   */
  async add(spec: ModelSpec, files: ReadonlyMap<string, Uint8Array>, check?: () => Promise<void>): Promise<void> {
    if (!isUserModel(spec)) throw new Error(`Passage: ${spec.id} is not a user model id`);
    const cache = await this._open();
    await this.remove(spec.id);
    try {
      const record: Record<string, { size: number; sha256: string }> = {};
      for (const [file, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
        record[file] = { size: bytes.byteLength, sha256: await sha256Hex(bytes) };
        await cache.put(this.fileUrl(spec.id, file), new Response(bytes as Uint8Array<ArrayBuffer>, { headers: { 'content-type': contentType(file), 'content-length': String(bytes.byteLength) } }));
      }
      const build = { source: spec.source, converter: { name: 'added in Settings', version: '1' }, files: record };
      await cache.put(this.fileUrl(spec.id, 'passage-build.json'), jsonResponse(build));
      await check?.();
      await cache.put(this.fileUrl(spec.id, USER_MODEL_SPEC_FILE), jsonResponse(spec));
    } catch (error) {
      await this.remove(spec.id).catch(() => undefined);
      throw error;
    }
  }

  /** Removes every file of the model (its spec first, so a half-removed model is not listed). */
  async remove(id: string): Promise<void> {
    const cache = await this._open();
    const prefix = `${this._root}${id}/`;
    await cache.delete(this.fileUrl(id, USER_MODEL_SPEC_FILE));
    for (const request of await cache.keys()) if (request.url.startsWith(prefix)) await cache.delete(request.url);
  }
}

function jsonResponse(value: unknown): Response {
  return new Response(JSON.stringify(value), { headers: { 'content-type': 'application/json' } });
}

function contentType(file: string): string {
  return file.endsWith('.json') ? 'application/json' : 'application/octet-stream';
}
