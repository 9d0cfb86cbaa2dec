/**
 * The models the app knows: the built-in ones of models/manifest.json and the ones a person added in Settings
 * (from the Hugging Face hub, a folder or a zip). A user model is a Transformers.js feature-extraction model
 * directory — config.json, tokenizer.json, tokenizer_config.json and one ONNX file — described by a ModelSpec
 * whose id starts with `user/`, so it can never take a built-in model's name (or its vectors).
 *
 * `describeModelFiles` checks such a directory and derives the spec; every refusal names the file and the reason.
 */
import type { ModelManifest, ModelSpec } from './model-spec.ts';

export const USER_MODEL_PREFIX = 'user/';
/** The Cache Storage cache that holds user models' files, under their URLs `/models/<id>/<file>`. */
export const USER_MODEL_CACHE = 'passage-user-models';
/** The spec of a user model, stored last (a model is listed only once all its files are stored). */
export const USER_MODEL_SPEC_FILE = 'passage-model.json';

/** Transformers.js's file name for each dtype (what `pipeline(…, { dtype })` loads). */
export const ONNX_FILES: Record<ModelSpec['dtype'], string> = {
  q8: 'onnx/model_quantized.onnx',
  fp32: 'onnx/model.onnx',
  fp16: 'onnx/model_fp16.onnx',
};

export const REQUIRED_MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/** Longest input we let a user model read: attention cost grows with the square of it (and 512 is BERT's limit). */
export const MAX_USER_TOKENS = 512;
const MAX_DIMENSIONS = 4096;

/** What the person chooses when adding a model (the rest comes from its files). */
export interface ModelChoices {
  name: string;
  pooling: ModelSpec['pooling'];
  normalize: boolean;
  queryPrefix: string;
  passagePrefix: string;
  /** When given, must agree with the model's config.json. */
  dimensions?: number;
  /** When given, must not exceed what the model can read. */
  maxTokens?: number;
}

/** A model folder or zip that cannot be used; the message names the file and the reason. */
export class ModelFilesError extends Error {
  override name = 'ModelFilesError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

/** The built-in models first (in manifest order), then the user's by name; a user entry never shadows a built-in. */
export function catalogue(manifest: ModelManifest, user: readonly ModelSpec[]): ModelSpec[] {
  const builtIn = new Set(manifest.models.map((m) => m.id));
  const added = user.filter((m) => !builtIn.has(m.id) && isUserModel(m)).sort((a, b) => a.name.localeCompare(b.name));
  return [...manifest.models, ...added];
}

/** The model with `id`, else the manifest's default (an active model removed meanwhile falls back to it). */
export function activeModel(models: readonly ModelSpec[], manifest: ModelManifest, id: string | null): ModelSpec {
  const model = models.find((m) => m.id === id) ?? models.find((m) => m.id === manifest.default) ?? manifest.models[0];
  if (model === undefined) throw new Error('Passage: the model manifest lists no models');
  return model;
}

export function isUserModel(spec: Pick<ModelSpec, 'id'>): boolean {
  return spec.id.startsWith(USER_MODEL_PREFIX);
}

/** `user/<slug>` from a name ("Xenova/bge-small-en-v1.5" → "user/xenova-bge-small-en-v1.5"). */
export function userModelId(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  if (!slug) throw new ModelFilesError('name', 'give the model a name with at least one letter or digit');
  return USER_MODEL_PREFIX + slug;
}

/**
 * Paths as a folder picker or a zip gives them, relative to the model directory: a single top folder every path
 * shares ("my-model/config.json") is dropped, and anything unsafe ("..", absolute, hidden) is refused.
 */
export function modelRelativePaths(paths: readonly string[]): Map<string, string> {
  // Each cleaned path keeps its original: the map's values name the files as picked.
  const clean = paths
    .map((original) => ({ original, path: original.replace(/\\/g, '/').replace(/^\.\//, '') }))
    .filter(({ path }) => path !== '' && !path.endsWith('/'));
  const tops = new Set(clean.map(({ path }) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '')));
  const [top] = tops;
  const strip = tops.size === 1 && top !== '' && !clean.some(({ path }) => path === 'config.json') ? `${top}/` : '';
  const out = new Map<string, string>();
  for (const { original, path } of clean) {
    const relative = path.startsWith(strip) ? path.slice(strip.length) : path;
    const parts = relative.split('/');
    if (relative.startsWith('/') || parts.some((part) => part === '..' || part === '.' || part === '')) {
      throw new ModelFilesError(original, 'an unsafe path inside the model folder');
    }
    if (parts.some((part) => part.startsWith('.')) || parts[0] === '__MACOSX') continue; // hidden files and macOS zip litter
    out.set(relative, original);
  }
  return out;
}

/** The ONNX file to load among `paths`: int8 when present (what the app runs fastest), else fp32, else fp16. */
export function chooseDtype(paths: Iterable<string>): ModelSpec['dtype'] | null {
  const present = new Set(paths);
  for (const dtype of ['q8', 'fp32', 'fp16'] as const) if (present.has(ONNX_FILES[dtype])) return dtype;
  return null;
}

/**
 * Checks a model directory (its text files already read; ONNX files by size) and describes it as a ModelSpec:
 * dimensions from config.json's hidden_size, the most it can read from max_position_embeddings and
 * tokenizer_config.json's model_max_length (at most MAX_USER_TOKENS). Throws ModelFilesError naming the file.
 */
export function describeModelFiles(
  files: { texts: ReadonlyMap<string, string>; sizes: ReadonlyMap<string, number> },
  choices: ModelChoices,
  source: ModelSpec['source'],
): ModelSpec {
  for (const file of REQUIRED_MODEL_FILES) {
    if (!files.sizes.has(file)) throw new ModelFilesError(file, 'missing (a Transformers.js model folder has config.json, tokenizer.json, tokenizer_config.json and onnx/)');
  }
  const dtype = chooseDtype(files.sizes.keys());
  if (!dtype) throw new ModelFilesError('onnx/', `no ${Object.values(ONNX_FILES).join(', ')} in the folder`);
  const onnx = ONNX_FILES[dtype];
  if ((files.sizes.get(onnx) ?? 0) < 64) throw new ModelFilesError(onnx, 'is empty or cut short');
  const config = parseJsonObject(files.texts, 'config.json');
  const tokenizer = parseJsonObject(files.texts, 'tokenizer.json');
  const tokenizerConfig = parseJsonObject(files.texts, 'tokenizer_config.json');
  if (typeof tokenizer['model'] !== 'object' || tokenizer['model'] === null) {
    throw new ModelFilesError('tokenizer.json', 'has no "model" section: not a tokenizer saved by the tokenizers library');
  }
  const hidden = config['hidden_size'] ?? config['d_model'] ?? config['dim'];
  if (typeof hidden !== 'number' || !Number.isInteger(hidden) || hidden < 1 || hidden > MAX_DIMENSIONS) {
    throw new ModelFilesError('config.json', 'says no hidden_size (the number of dimensions of its vectors)');
  }
  if (choices.dimensions !== undefined && choices.dimensions !== hidden) {
    throw new ModelFilesError('config.json', `gives ${hidden} dimensions, not the ${choices.dimensions} you entered`);
  }
  const limits = [MAX_USER_TOKENS, config['max_position_embeddings'], tokenizerConfig['model_max_length']].filter(
    (n): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 16,
  );
  const readable = Math.min(...limits);
  if (choices.maxTokens !== undefined && (choices.maxTokens < 16 || choices.maxTokens > readable)) {
    throw new ModelFilesError('config.json', `reads at most ${readable} word pieces, so ${choices.maxTokens} cannot be used`);
  }
  const name = choices.name.trim();
  return {
    id: userModelId(name),
    name,
    dimensions: hidden,
    pooling: choices.pooling,
    normalize: choices.normalize,
    maxTokens: choices.maxTokens ?? readable,
    queryPrefix: choices.queryPrefix,
    passagePrefix: choices.passagePrefix,
    dtype,
    license: typeof config['license'] === 'string' ? config['license'] : 'see the model’s own page',
    source,
  };
}

/** The files of a directory that the app stores for a user model: the required ones and the chosen ONNX file. */
export function filesToKeep(dtype: ModelSpec['dtype'], present: Iterable<string>): string[] {
  const wanted = new Set<string>([...REQUIRED_MODEL_FILES, ONNX_FILES[dtype], 'special_tokens_map.json']);
  return [...present].filter((p) => wanted.has(p)).sort();
}

function parseJsonObject(texts: ReadonlyMap<string, string>, file: string): Record<string, unknown> {
  const text = texts.get(file);
  if (text === undefined) throw new ModelFilesError(file, 'missing');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ModelFilesError(file, `is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ModelFilesError(file, 'is not a JSON object');
  return value as Record<string, unknown>;
}

/** A spec read back from storage, checked field by field; null when it is not one (then the model is not listed). */
export function parseStoredSpec(value: unknown): ModelSpec | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const ok =
    typeof v['id'] === 'string' &&
    isUserModel({ id: v['id'] }) &&
    typeof v['name'] === 'string' &&
    typeof v['dimensions'] === 'number' &&
    (v['pooling'] === 'mean' || v['pooling'] === 'cls') &&
    typeof v['normalize'] === 'boolean' &&
    typeof v['maxTokens'] === 'number' &&
    typeof v['queryPrefix'] === 'string' &&
    typeof v['passagePrefix'] === 'string' &&
    (v['dtype'] === 'q8' || v['dtype'] === 'fp32' || v['dtype'] === 'fp16') &&
    typeof v['source'] === 'object' &&
    v['source'] !== null;
  return ok ? (value as ModelSpec) : null;
}
