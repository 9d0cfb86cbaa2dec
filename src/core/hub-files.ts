/**
 * The Hugging Face hub's URL scheme and what to fetch from it for a Transformers.js feature-extraction model.
 * Files come from `{host}/{repo}/resolve/{revision}/{file}`; the file list with sizes and checksums from
 * `{host}/api/models/{repo}/tree/{revision}?recursive=true` (LFS files carry their sha-256, git files their
 * git blob sha-1), so every downloaded byte is checked before it is kept.
 */
import { chooseDtype, filesToKeep, ModelFilesError } from './model-catalogue.ts';
import type { ModelSpec } from './model-spec.ts';

export const DEFAULT_HUB = 'https://huggingface.co';

export interface HubFile {
  path: string;
  size: number;
  /** LFS files (the ONNX weights). */
  sha256?: string;
  /** Files kept in git (configs, tokenizers): the git blob id. */
  gitSha1?: string;
}

export interface HubPlan {
  dtype: ModelSpec['dtype'];
  files: HubFile[];
}

// "owner/name" (or a bare name), each part as the hub allows: letters, digits, - _ . (no "..", no leading dot).
const REPO = /^(?:[A-Za-z0-9][A-Za-z0-9_.-]{0,95}\/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$/;
const REVISION = /^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,99}$/;

export function checkRepoId(repo: string): string {
  const trimmed = repo.trim();
  if (!REPO.test(trimmed) || trimmed.includes('..')) throw new ModelFilesError('repository', `“${repo}” is not a hub model id such as Xenova/all-MiniLM-L6-v2`);
  return trimmed;
}

export function checkRevision(revision: string): string {
  const trimmed = revision.trim() || 'main';
  if (!REVISION.test(trimmed) || trimmed.includes('..')) throw new ModelFilesError('revision', `“${revision}” is not a branch, tag or commit`);
  return trimmed;
}

function base(host: string): string {
  return host.replace(/\/+$/, '');
}

export function hubFileUrl(host: string, repo: string, revision: string, file: string): string {
  return `${base(host)}/${repo}/resolve/${encodeURIComponent(revision)}/${file}`;
}

export function hubTreeUrl(host: string, repo: string, revision: string): string {
  return `${base(host)}/api/models/${repo}/tree/${encodeURIComponent(revision)}?recursive=true`;
}

/**
 * What to download, from the hub's listing of the repository: the required files and the ONNX file of the best
 * dtype present (onnx/model_quantized.onnx first), with the checksums the hub gives.
 */
export function planHubDownload(listing: unknown, repo: string): HubPlan {
  if (!Array.isArray(listing)) throw new ModelFilesError(repo, 'the hub did not list the repository’s files');
  const entries = new Map<string, HubFile>();
  for (const item of listing as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const entry = item as { type?: unknown; path?: unknown; size?: unknown; oid?: unknown; lfs?: { oid?: unknown; size?: unknown } | null };
    if (entry.type !== 'file' || typeof entry.path !== 'string') continue;
    const size = typeof entry.lfs?.size === 'number' ? entry.lfs.size : typeof entry.size === 'number' ? entry.size : 0;
    const sha256 = typeof entry.lfs?.oid === 'string' && /^[0-9a-f]{64}$/.test(entry.lfs.oid) ? entry.lfs.oid : undefined;
    const gitSha1 = !entry.lfs && typeof entry.oid === 'string' && /^[0-9a-f]{40}$/.test(entry.oid) ? entry.oid : undefined;
    entries.set(entry.path, { path: entry.path, size, ...(sha256 ? { sha256 } : {}), ...(gitSha1 ? { gitSha1 } : {}) });
  }
  const dtype = chooseDtype(entries.keys());
  if (!dtype) throw new ModelFilesError(repo, 'has no onnx/model_quantized.onnx or onnx/model.onnx: not a Transformers.js model');
  for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json']) {
    if (!entries.has(file)) throw new ModelFilesError(`${repo}/${file}`, 'missing in the repository');
  }
  return { dtype, files: filesToKeep(dtype, entries.keys()).map((path) => entries.get(path)!) };
}
