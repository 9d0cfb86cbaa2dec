/**
 * A model folder (picked with <input webkitdirectory>), a zip of one, or files downloaded from the hub → the
 * checked spec and the bytes of the files to keep. Only the files the app loads are read in full (config,
 * tokenizer, one ONNX file): a folder with every dtype's weights costs the one that is used.
 */
import JSZip from 'jszip';
import { sha256Hex } from '../core/hash.ts';
import {
  describeModelFiles,
  filesToKeep,
  ModelFilesError,
  modelRelativePaths,
  ONNX_FILES,
  type ModelChoices,
} from '../core/model-catalogue.ts';
import type { ModelSpec } from '../core/model-spec.ts';

/** One file of a model directory, read on demand. */
export interface PickedFile {
  /** As picked: "my-model/onnx/model.onnx" (a folder's relative path or a zip entry's name). */
  path: string;
  /** Declared size (a zip's central directory; a File's size). */
  size: number;
  bytes(): Promise<Uint8Array>;
}

export interface PreparedModel {
  spec: ModelSpec;
  files: Map<string, Uint8Array>;
}

/** Largest model the app stores (its ONNX file and the rest together): beyond it, storage and memory run out. */
export const MAX_MODEL_BYTES = 1024 * 1024 * 1024;
/** config and tokenizer files are JSON read as text; a MiniLM tokenizer.json is 0.5 MB. */
const MAX_JSON_BYTES = 32 * 1024 * 1024;

export function pickedFromFiles(files: Iterable<File>): PickedFile[] {
  return [...files].map((file) => ({
    path: file.webkitRelativePath || file.name,
    size: file.size,
    bytes: async () => new Uint8Array(await file.arrayBuffer()),
  }));
}

/** A zip's entries, from its central directory (nothing unpacked yet). */
export async function pickedFromZip(zip: Blob, name = 'the zip'): Promise<PickedFile[]> {
  let archive: JSZip;
  try {
    archive = await JSZip.loadAsync(await zip.arrayBuffer(), { checkCRC32: true });
  } catch (error) {
    throw new ModelFilesError(name, `is not a zip file that can be read (${error instanceof Error ? error.message : String(error)})`);
  }
  return Object.values(archive.files)
    .filter((entry) => !entry.dir)
    .map((entry) => ({
      path: entry.name,
      size: declaredSize(entry),
      bytes: () => entry.async('uint8array'),
    }));
}

/** Every picked file with its bytes in memory (hub downloads). */
export function pickedFromBytes(files: ReadonlyMap<string, Uint8Array>): PickedFile[] {
  return [...files].map(([path, bytes]) => ({ path, size: bytes.byteLength, bytes: () => Promise.resolve(bytes) }));
}

/** Checks the picked files as a model directory and reads the ones to keep. Throws ModelFilesError naming the file. */
export async function prepareModel(picked: readonly PickedFile[], choices: ModelChoices, source: ModelSpec['source']): Promise<PreparedModel> {
  const relative = modelRelativePaths(picked.map((p) => p.path));
  const byPath = new Map(picked.map((p) => [p.path, p]));
  const file = (path: string): PickedFile => {
    const picked = byPath.get(relative.get(path) ?? '');
    if (!picked) throw new ModelFilesError(path, 'missing');
    return picked;
  };
  const sizes = new Map([...relative.keys()].map((path) => [path, file(path).size] as const));
  const texts = new Map<string, string>();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const read = new Map<string, Uint8Array>();
  for (const path of relative.keys()) {
    if (!path.endsWith('.json') || path.includes('/')) continue;
    if (file(path).size > MAX_JSON_BYTES) throw new ModelFilesError(path, `is larger than ${MAX_JSON_BYTES / 1024 / 1024} MB`);
    const bytes = await readFile(file(path), path);
    read.set(path, bytes);
    try {
      texts.set(path, decoder.decode(bytes));
    } catch {
      throw new ModelFilesError(path, 'is not UTF-8 text');
    }
  }
  const spec = describeModelFiles({ texts, sizes }, choices, source);
  const keep = filesToKeep(spec.dtype, relative.keys());
  const total = keep.reduce((sum, path) => sum + (sizes.get(path) ?? 0), 0);
  if (total > MAX_MODEL_BYTES) throw new ModelFilesError(ONNX_FILES[spec.dtype], `the model is ${Math.round(total / 1024 / 1024)} MB; Passage stores models up to ${MAX_MODEL_BYTES / 1024 / 1024} MB`);
  const files = new Map<string, Uint8Array>();
  for (const path of keep) {
    const bytes = read.get(path) ?? (await readFile(file(path), path));
    if (bytes.byteLength !== file(path).size) throw new ModelFilesError(path, `holds ${bytes.byteLength} bytes where ${file(path).size} were declared`);
    files.set(path, bytes);
  }
  return { spec: { ...spec, id: `${spec.id}-${await fingerprint(spec, files)}` }, files };
}

/**
 * Eight hex digits of what decides the model's vectors (weights, tokenizer, pooling, prefixes, length), added to
 * its id: the library keeps vectors by model id, so a different model added under a removed one's name never
 * inherits its vectors, and the same model added again finds them.
 */
async function fingerprint(spec: ModelSpec, files: ReadonlyMap<string, Uint8Array>): Promise<string> {
  const { pooling, normalize, queryPrefix, passagePrefix, maxTokens, dtype } = spec;
  const bytes = (path: string): Uint8Array => {
    const kept = files.get(path);
    if (!kept) throw new ModelFilesError(path, 'missing');
    return kept;
  };
  const weights = await sha256Hex(bytes(ONNX_FILES[dtype]));
  const tokenizer = await sha256Hex(bytes('tokenizer.json'));
  return (await sha256Hex(JSON.stringify({ weights, tokenizer, pooling, normalize, queryPrefix, passagePrefix, maxTokens }))).slice(0, 8);
}

async function readFile(picked: PickedFile, path: string): Promise<Uint8Array> {
  try {
    return await picked.bytes();
  } catch (error) {
    throw new ModelFilesError(path, `could not be read (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** JSZip keeps the central directory's sizes on a private `_data` (see import/docx-zip.ts); 0 when unknown. */
function declaredSize(entry: JSZip.JSZipObject): number {
  const data = (entry as unknown as { _data?: { uncompressedSize?: unknown } })._data;
  return typeof data?.uncompressedSize === 'number' ? data.uncompressedSize : 0;
}
