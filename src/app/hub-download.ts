/**
 * Downloads a Transformers.js model from the Hugging Face hub (or any server speaking its URL scheme) in the page:
 * the repository's file list first (sizes and checksums, core/hub-files.ts), then each file to keep, streamed with
 * progress, checked against the hub's sha-256 (LFS files) or git blob id (the others) before it is kept.
 * Cancelling aborts the request in flight; nothing is stored until every file has arrived and matched.
 */
import { gitBlobSha1Hex, sha256Hex } from '../core/hash.ts';
import { checkRepoId, checkRevision, DEFAULT_HUB, hubFileUrl, hubTreeUrl, planHubDownload, type HubFile } from '../core/hub-files.ts';
import { ModelFilesError } from '../core/model-catalogue.ts';
import type { ModelSpec } from '../core/model-spec.ts';

export interface HubProgress {
  file: string;
  /** Bytes of all files received so far, and in all (from the hub's listing). */
  loaded: number;
  total: number;
}

export interface HubDownloadOptions {
  repo: string;
  revision?: string;
  host?: string;
  signal?: AbortSignal;
  onProgress?: (progress: HubProgress) => void;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

export interface HubDownload {
  files: Map<string, Uint8Array>;
  source: ModelSpec['source'];
}

export async function downloadFromHub(options: HubDownloadOptions): Promise<HubDownload> {
  const repo = checkRepoId(options.repo);
  const revision = checkRevision(options.revision ?? 'main');
  const host = options.host ?? DEFAULT_HUB;
  const get = options.fetch ?? ((url, init) => fetch(url, init));
  const request = async (url: string, what: string): Promise<Response> => {
    let response: Response;
    try {
      response = await get(url, { signal: options.signal ?? null, credentials: 'omit', mode: 'cors' });
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      throw new ModelFilesError(what, `could not be downloaded from ${new URL(host).host} (${error instanceof Error ? error.message : String(error)}); check that you are online`);
    }
    if (response.status === 401 || response.status === 404) {
      throw new ModelFilesError(what, `not found on ${new URL(host).host} (is “${repo}” at revision “${revision}” public and spelled right?)`);
    }
    if (!response.ok) throw new ModelFilesError(what, `the hub answered ${response.status} ${response.statusText}`);
    return response;
  };

  const listing: unknown = await (await request(hubTreeUrl(host, repo, revision), repo)).json().catch(() => null);
  const plan = planHubDownload(listing, repo);
  const total = plan.files.reduce((sum, f) => sum + f.size, 0);
  let before = 0;
  const files = new Map<string, Uint8Array>();
  for (const file of plan.files) {
    const response = await request(hubFileUrl(host, repo, revision, file.path), file.path);
    const bytes = await readAll(response, file, (loaded) => options.onProgress?.({ file: file.path, loaded: before + loaded, total }));
    await verify(file, bytes);
    files.set(file.path, bytes);
    before += bytes.byteLength;
  }
  options.onProgress?.({ file: '', loaded: total, total });
  return { files, source: { kind: 'hub', repo, revision, ...(host === DEFAULT_HUB ? {} : { upstream: host }) } };
}

async function readAll(response: Response, file: HubFile, onBytes: (loaded: number) => void): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    if (file.size > 0 && loaded > file.size) {
      await reader.cancel();
      throw new ModelFilesError(file.path, `the download is larger than the ${file.size} bytes the hub lists`);
    }
    onBytes(loaded);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function verify(file: HubFile, bytes: Uint8Array): Promise<void> {
  if (file.size > 0 && bytes.byteLength !== file.size) {
    throw new ModelFilesError(file.path, `${bytes.byteLength} bytes arrived where the hub lists ${file.size}; try again`);
  }
  if (file.sha256 && (await sha256Hex(bytes)) !== file.sha256) {
    throw new ModelFilesError(file.path, 'the download does not match the hub’s sha-256; nothing was kept');
  }
  if (file.gitSha1 && (await gitBlobSha1Hex(bytes)) !== file.gitSha1) {
    throw new ModelFilesError(file.path, 'the download does not match the hub’s checksum; nothing was kept');
  }
}
