/** How one embedding model is used: the fields of an entry in models/manifest.json. */
export interface ModelSpec {
  /** Folder name under /models/ and the key vectors are stored under. */
  id: string;
  name: string;
  dimensions: number;
  pooling: 'mean' | 'cls';
  normalize: boolean;
  /** Word pieces the model reads; longer passages are split before embedding. */
  maxTokens: number;
  /** Instruction prepended to questions (e.g. bge's "Represent this sentence…"); empty for MiniLM. */
  queryPrefix: string;
  passagePrefix: string;
  /** Which ONNX file the app loads: q8 → onnx/model_quantized.onnx, fp32 → onnx/model.onnx. */
  dtype: 'q8' | 'fp32' | 'fp16';
  license: string;
  /** Where it came from: built by `npm run models` (npm, hub), or added by the user in Settings (hub, folder, zip). */
  source: { kind: 'npm' | 'hub' | 'folder' | 'zip'; package?: string; version?: string; repo?: string; revision?: string; upstream?: string; name?: string };
}

export interface ModelManifest {
  default: string;
  models: ModelSpec[];
}

/** Finds a model by id; throws a readable error for an unknown one. */
export function findModel(manifest: ModelManifest, id: string = manifest.default): ModelSpec {
  const spec = manifest.models.find((m) => m.id === id);
  if (!spec) {
    const known = manifest.models.map((m) => m.id).join(', ');
    throw new Error(`Passage: unknown model "${id}" (known: ${known})`);
  }
  return spec;
}
