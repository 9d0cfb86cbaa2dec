// Download a Transformers.js model from a Hugging Face-style hub into models/<name>/.
// Partial downloads live in models/.cache/hub/… as .part files and resume with HTTP Range;
// each file is checked against the sha256 the hub advertises (X-Linked-Etag / ETag of LFS
// files) and the model directory appears only when every file is complete (atomic rename).
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelSpec } from './manifest.ts';
import { CONVERTER_NAME, CONVERTER_VERSION } from './convert/version.ts';
import { sha256File, sortedRecord, writeModelDir, type BuildStamp, type ModelFile } from './convert/write-model-dir.ts';

/** A failure with a message meant for the user as is (one line). */
export class HubError extends Error {
  override name = 'HubError';
}

export const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'];

export interface HubDownloadOptions {
  repoId: string;
  host?: string;
  revision?: string;
  /** The models/ directory; the model goes to <modelsDir>/<name>/. */
  modelsDir: string;
  /** Directory name (default: the last part of repoId). */
  name?: string;
  queryPrefix?: string;
  passagePrefix?: string;
  /** More files to fetch besides REQUIRED_FILES, e.g. onnx/model.onnx. */
  extraFiles?: string[];
  /** Attempts per file when the connection drops mid-download (each resumes). */
  attempts?: number;
  log?: (line: string) => void;
}

export interface HubDownloadResult {
  dir: string;
  spec: ModelSpec;
  stamp: BuildStamp;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// Path segments start with a letter, digit or underscore: no "..", no hidden files.
const SEGMENT = '[A-Za-z0-9_][A-Za-z0-9_.-]*';
const SAFE_FILE = new RegExp(`^${SEGMENT}(/${SEGMENT})*$`);
const SAFE_REPO = new RegExp(`^${SEGMENT}(/${SEGMENT})?$`);

/** The sha256 in an ETag-like header value, if it is one (LFS files: 64 hex digits). */
function sha256FromEtag(value: string | null): string | undefined {
  const tag = value?.replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();
  return tag && /^[0-9a-f]{64}$/.test(tag) ? tag : undefined;
}

function networkCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

interface Resolved {
  response: Response;
  sha256?: string;
  size?: number;
}

/** GET with Range, following redirects by hand so the hub's X-Linked-* headers on the first hop are seen. */
async function request(url: string, host: string, headers: Record<string, string>): Promise<Resolved> {
  let sha256: string | undefined;
  let size: number | undefined;
  let current = url;
  for (let hop = 0; hop < 10; hop++) {
    let response: Response;
    try {
      response = await fetch(current, { headers, redirect: 'manual' });
    } catch (error) {
      const where = hop === 0 ? host : new URL(current).origin;
      throw new HubError(`Cannot reach ${where}: ${networkCode(error)} — is the network available?`);
    }
    sha256 ??= sha256FromEtag(response.headers.get('x-linked-etag')) ?? sha256FromEtag(response.headers.get('etag'));
    const linkedSize = response.headers.get('x-linked-size');
    if (linkedSize && size === undefined) size = Number(linkedSize);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current).toString();
      continue;
    }
    return { response, ...(sha256 ? { sha256 } : {}), ...(size !== undefined ? { size } : {}) };
  }
  throw new HubError(`Too many redirects for ${url}`);
}

async function fileSize(file: string): Promise<number> {
  return stat(file).then((s) => s.size, () => 0);
}

// Total size from a Content-Range of "bytes a-b/total" or "bytes */total".
function totalFromContentRange(value: string | null): number | undefined {
  const match = /\/(\d+)\s*$/.exec(value ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * Download `url` to `dest` through `dest`.part, resuming a part left by an earlier attempt.
 * Returns the verified sha256 (the hub's when it gave one).
 */
async function downloadFile(url: string, host: string, dest: string, attempts: number, log: (l: string) => void) {
  const part = `${dest}.part`;
  // A file completed by an earlier, failed run is re-verified like a full-length part.
  if (await stat(dest).then(() => true, () => false)) await rename(dest, part);
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const offset = await fileSize(part);
    const { response, sha256, size } = await request(url, host, offset > 0 ? { range: `bytes=${offset}-` } : {});
    let expectedSize = size;
    if (response.status === 416 && offset > 0) {
      // Range starts at or past the end: the part is complete if its size is the file's size.
      const total = totalFromContentRange(response.headers.get('content-range')) ?? expectedSize;
      await response.body?.cancel();
      if (total === offset) return finish(part, dest, url, sha256, total);
      lastError = `HTTP 416 for a ${offset}-byte part`;
      await rm(part, { force: true });
      continue;
    }
    if (response.status === 404) throw new HubError(`Not found on the hub: ${url} (HTTP 404)`);
    if (response.status === 401 || response.status === 403) {
      throw new HubError(`The hub refused ${url} (HTTP ${response.status}): private or gated model?`);
    }
    if (response.status !== 200 && response.status !== 206) {
      throw new HubError(`Download of ${url} failed: HTTP ${response.status}`);
    }
    const resumed = response.status === 206;
    if (resumed && !new RegExp(`^bytes ${offset}-`).test(response.headers.get('content-range') ?? '')) {
      await response.body?.cancel(); // a range we did not ask for: start over
      lastError = `unexpected Content-Range ${response.headers.get('content-range')}`;
      await rm(part, { force: true });
      continue;
    }
    if (resumed) {
      expectedSize ??= totalFromContentRange(response.headers.get('content-range'));
      log(`${url}: resuming at ${offset} bytes`);
    } else {
      const length = response.headers.get('content-length');
      if (expectedSize === undefined && length) expectedSize = Number(length);
    }
    await mkdir(path.dirname(part), { recursive: true });
    const handle = await open(part, resumed ? 'a' : 'w');
    try {
      const reader = response.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await handle.write(value);
      }
    } catch (error) {
      lastError = networkCode(error);
      log(`${url}: connection lost (${lastError}) at ${await fileSize(part)} bytes${attempt < attempts ? ', resuming' : ''}`);
      continue;
    } finally {
      await handle.close();
    }
    const got = await fileSize(part);
    if (expectedSize !== undefined && got < expectedSize) {
      lastError = `got ${got} of ${expectedSize} bytes`;
      continue;
    }
    return finish(part, dest, url, sha256, expectedSize);
  }
  throw new HubError(`Download of ${url} kept failing (${lastError}); run again to resume`);
}

async function finish(part: string, dest: string, url: string, sha256: string | undefined, size: number | undefined) {
  const got = await fileSize(part);
  if (size !== undefined && got !== size) {
    await rm(part, { force: true });
    throw new HubError(`Size mismatch for ${url}: expected ${size} bytes, got ${got}`);
  }
  const actual = await sha256File(part);
  if (sha256 && actual !== sha256) {
    await rm(part, { force: true }); // corrupt: never resume from it
    throw new HubError(`Checksum mismatch for ${url}: expected sha256 ${sha256}, got ${actual}`);
  }
  await rename(part, dest);
  return { sha256: actual, verified: sha256 !== undefined };
}

/** ModelSpec for a downloaded model, from its config.json and tokenizer_config.json. */
export function specFor(
  id: string,
  repoId: string,
  host: string,
  revision: string,
  config: { hidden_size?: number; dim?: number; d_model?: number },
  tokenizerConfig: { model_max_length?: number },
  prefixes: { queryPrefix: string; passagePrefix: string },
): ModelSpec {
  const dimensions = config.hidden_size ?? config.dim ?? config.d_model;
  if (typeof dimensions !== 'number') throw new HubError(`${repoId}: config.json has no hidden_size`);
  const max = tokenizerConfig.model_max_length;
  return {
    id,
    name: repoId,
    dimensions,
    pooling: 'mean',
    normalize: true,
    maxTokens: typeof max === 'number' && max > 0 ? Math.min(max, 512) : 512,
    queryPrefix: prefixes.queryPrefix,
    passagePrefix: prefixes.passagePrefix,
    dtype: 'q8',
    license: 'see the model card',
    source: { kind: 'hub', repo: repoId, revision, host },
  };
}

export async function downloadFromHub(options: HubDownloadOptions): Promise<HubDownloadResult> {
  const host = (options.host ?? 'https://huggingface.co').replace(/\/+$/, '');
  const revision = options.revision ?? 'main';
  const { repoId } = options;
  const log = options.log ?? (() => {});
  if (!SAFE_REPO.test(repoId)) throw new HubError(`Not a hub repo id: ${repoId}`);
  const name = options.name ?? repoId.split('/').pop()!;
  if (!SAFE_NAME.test(name)) throw new HubError(`Not a usable model directory name: ${name}`);
  const files = [...new Set([...REQUIRED_FILES, ...(options.extraFiles ?? [])])].sort();
  for (const file of files) if (!SAFE_FILE.test(file)) throw new HubError(`Not a usable file path: ${file}`);

  const cacheDir = path.join(options.modelsDir, '.cache', 'hub', repoId.replace('/', '--'), revision.replace(/[^\w.-]/g, '_'));
  const hashes: Record<string, { sha256: string; verified: boolean }> = {};
  for (const file of files) {
    const url = `${host}/${repoId}/resolve/${encodeURIComponent(revision)}/${file}`;
    log(`fetching ${url}`);
    hashes[file] = await downloadFile(url, host, path.join(cacheDir, file), options.attempts ?? 4, log);
  }

  const readJson = async (file: string) => {
    try {
      return JSON.parse(await readFile(path.join(cacheDir, file), 'utf8')) as Record<string, unknown>;
    } catch {
      throw new HubError(`${repoId}: ${file} is not valid JSON`);
    }
  };
  const spec = specFor(name, repoId, host, revision, await readJson('config.json'), await readJson('tokenizer_config.json'), {
    queryPrefix: options.queryPrefix ?? '',
    passagePrefix: options.passagePrefix ?? '',
  });
  const modelFiles: ModelFile[] = [
    ...files.map((file) => ({ path: file, fromFile: path.join(cacheDir, file) })),
    { path: 'passage-model.json', bytes: `${JSON.stringify(spec, null, 2)}\n` },
  ];
  const dir = path.join(options.modelsDir, name);
  const stamp = await writeModelDir(dir, modelFiles, {
    source: {
      kind: 'hub',
      host,
      repo: repoId,
      revision,
      // Which files the hub gave a sha256 for (and it matched); the rest were hashed as received.
      verified: Object.keys(sortedRecord(hashes)).filter((f) => hashes[f]!.verified),
    },
    converter: { name: CONVERTER_NAME, version: CONVERTER_VERSION },
  });
  await rm(cacheDir, { recursive: true, force: true });
  return { dir, spec, stamp };
}
