// models/manifest.json: which models the app ships and where each comes from.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ModelSpec as CoreModelSpec } from '../src/core/model-spec.ts';

export interface NpmSource {
  kind: 'npm';
  package: string;
  version: string;
  upstream?: string;
}

export interface HubSource {
  kind: 'hub';
  repo: string;
  revision?: string;
  host?: string;
}

/** The app's ModelSpec (src/core/model-spec.ts) with the source narrowed to what the build reads. */
export type ModelSpec = Omit<CoreModelSpec, 'source'> & { source: NpmSource | HubSource };

export interface Manifest {
  default: string;
  models: ModelSpec[];
}

export const MANIFEST_PATH = new URL('./manifest.json', import.meta.url);
export const MODELS_DIR = fileURLToPath(new URL('.', import.meta.url)).replace(/\/$/, '');

export async function readManifest(path: string | URL = MANIFEST_PATH): Promise<Manifest> {
  const manifest = JSON.parse(await readFile(path, 'utf8')) as Manifest;
  if (!Array.isArray(manifest.models)) throw new Error(`${String(path)}: "models" must be an array`);
  for (const spec of manifest.models) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(spec.id)) throw new Error(`manifest: bad model id ${JSON.stringify(spec.id)}`);
  }
  return manifest;
}
