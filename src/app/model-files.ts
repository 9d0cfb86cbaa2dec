/**
 * Checks the model files this browser uses against the checksums the model build recorded
 * (models/<id>/passage-build.json: size and sha-256 of every file), and repairs damaged or missing ones by fetching
 * them again from the origin and storing them where the service worker serves them from (its precache in Cache
 * Storage). Why not just reload: a damaged cached file is served again on every reload, online or not.
 *
 * The storage and network sides are injected (`ModelFileStore`, `fetchFresh`) so the logic runs in Node tests; the
 * browser's are `cacheStorageStore` and `fetchFromOrigin` below.
 */
import { sha256Hex } from '../core/hash.ts';
import { modelBuildHash, type BuildRecord } from '../core/model-build.ts';
import { isUserModel, USER_MODEL_CACHE } from '../core/model-catalogue.ts';
import type { ModelSpec } from '../core/model-spec.ts';
import type { LibraryModel } from '../store/library.ts';

export type { BuildRecord } from '../core/model-build.ts';

export interface ModelCheck {
  /** Paths inside the model directory whose stored bytes differ from the build's checksum. */
  damaged: string[];
  /** Paths with no stored copy at all. */
  missing: string[];
}

export interface ModelFileStore {
  /** The stored copy of `url` (whatever revision parameter its key carries), or null when there is none. */
  read(url: string): Promise<Uint8Array | null>;
  /** Stores `response` as the copy served for `url`. */
  write(url: string, response: Response): Promise<void>;
}

export type FetchFresh = (url: string) => Promise<Response>;

/** The ONNX file of the spec's dtype is the one the browser loads (Transformers.js naming). */
const ONNX_FILE: Record<ModelSpec['dtype'], string> = {
  q8: 'onnx/model_quantized.onnx',
  fp16: 'onnx/model_fp16.onnx',
  fp32: 'onnx/model.onnx',
};

export function modelBase(spec: Pick<ModelSpec, 'id'>, root = '/models/'): string {
  return `${root}${spec.id}/`;
}

/** The files of the build this browser needs: every non-ONNX file and the ONNX file of the spec's dtype. */
export function browserFiles(spec: Pick<ModelSpec, 'dtype'>, build: BuildRecord): string[] {
  return Object.keys(build.files).filter((file) => needed(spec, file));
}

function needed(spec: Pick<ModelSpec, 'dtype'>, file: string): boolean {
  return !file.startsWith('onnx/') || file === ONNX_FILE[spec.dtype];
}

export function parseBuild(bytes: Uint8Array | null): BuildRecord | null {
  if (!bytes) return null;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as Partial<BuildRecord>;
    return parsed.files && typeof parsed.files === 'object' ? (parsed as BuildRecord) : null;
  } catch {
    return null;
  }
}

/** Compares every stored file the browser needs with the build's size and sha-256. */
export async function checkModelFiles(spec: Pick<ModelSpec, 'id' | 'dtype'>, store: ModelFileStore, root?: string): Promise<ModelCheck> {
  const base = modelBase(spec, root);
  const stored = await store.read(`${base}passage-build.json`);
  const build = parseBuild(stored);
  if (!build) return stored ? { damaged: ['passage-build.json'], missing: [] } : { damaged: [], missing: ['passage-build.json'] };
  const check: ModelCheck = { damaged: [], missing: [] };
  for (const [file, expected] of Object.entries(build.files)) {
    if (!needed(spec, file)) continue;
    const bytes = await store.read(base + file);
    if (!bytes) check.missing.push(file);
    else if (bytes.byteLength !== expected.size || (await sha256Hex(bytes)) !== expected.sha256) check.damaged.push(file);
  }
  return check;
}

/**
 * The model as the library is opened with it: id, dimensions and the build hash (core/model-build.ts) of the build
 * record the embedding worker will load with it. Without a readable record (offline with no service worker) the
 * hash is left out, and the library then keeps what it has (store/model-vectors.ts). Never rejects.
 */
export async function libraryModel(
  spec: ModelSpec,
  read: (url: string) => Promise<Uint8Array | null> = (url) => readAsLoaded(spec, url),
  root?: string,
): Promise<LibraryModel> {
  const model = { id: spec.id, dimensions: spec.dimensions };
  const build = parseBuild(await read(`${modelBase(spec, root)}passage-build.json`).catch(() => null));
  return build ? { ...model, build: await modelBuildHash(spec, build) } : model;
}

/**
 * A model file as the embedding worker gets it: an added model's from its Cache Storage cache, a built-in one's
 * through fetch, so from the controlling service worker's own precache revision — not from a newer revision an
 * update waiting to activate stored beside it (`cacheStorageStore` reads any).
 */
async function readAsLoaded(spec: Pick<ModelSpec, 'id'>, url: string): Promise<Uint8Array | null> {
  const response = isUserModel(spec) ? await (await caches.open(USER_MODEL_CACHE)).match(new URL(url, location.href).href) : await fetch(url);
  return response?.ok ? new Uint8Array(await response.arrayBuffer()) : null;
}

export function needsRepair(check: ModelCheck): boolean {
  return check.damaged.length + check.missing.length > 0;
}

export class RepairError extends Error {
  override name = 'RepairError';
}

/**
 * Fetches every damaged or missing file again from the origin, checks it against the build's checksum (the build
 * record itself, when it was the broken file, is fetched first and only has to parse), and stores it. Nothing is
 * stored for a file whose fresh copy does not match, so a bad download cannot replace a bad copy with another.
 */
export async function repairModelFiles(
  spec: Pick<ModelSpec, 'id' | 'dtype'>,
  check: ModelCheck,
  store: ModelFileStore,
  fetchFresh: FetchFresh,
  root?: string,
): Promise<string[]> {
  const base = modelBase(spec, root);
  const broken = [...check.damaged, ...check.missing];
  const repaired: string[] = [];
  let build: BuildRecord | null = null;
  if (broken.includes('passage-build.json')) {
    const response = await fresh(fetchFresh, `${base}passage-build.json`);
    const bytes = new Uint8Array(await response.clone().arrayBuffer());
    build = parseBuild(bytes);
    if (!build) throw new RepairError('Passage: the server sent a damaged model description; try again later');
    await store.write(`${base}passage-build.json`, response);
    repaired.push('passage-build.json');
    // With a readable build record, check the rest now that it can be compared.
    const rest = await checkModelFiles(spec, store, root);
    broken.splice(0, broken.length, ...rest.damaged, ...rest.missing);
  }
  build ??= parseBuild(await store.read(`${base}passage-build.json`));
  if (!build) throw new RepairError('Passage: the model description could not be read');
  for (const file of broken) {
    const expected = build.files[file];
    if (!expected) continue;
    const response = await fresh(fetchFresh, base + file);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.byteLength !== expected.size || (await sha256Hex(bytes)) !== expected.sha256) {
      throw new RepairError(`Passage: the copy of ${file} the server sent does not match the model’s checksum either`);
    }
    await store.write(base + file, new Response(bytes, { status: 200, headers: response.headers }));
    repaired.push(file);
  }
  return repaired;
}

async function fresh(fetchFresh: FetchFresh, url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetchFresh(url);
  } catch {
    throw new RepairError('Passage: the model files could not be downloaded; check the connection and try again');
  }
  if (!response.ok) throw new RepairError(`Passage: the server answered ${response.status} for ${url.split('/').pop()}`);
  return response;
}
