/**
 * What Settings does with models: list the catalogue (built-in + added), add a model from the hub, a folder or a
 * zip (checked, then loaded once in a throwaway embedding worker that must give vectors of the declared size),
 * switch the model in use, remove an added one.
 *
 * Switching stores the choice and starts the app again with it (every tab of this browser: one library, one model
 * in use). The library keeps each model's vectors (store/model-vectors.ts), so what the new model has not embedded
 * yet is indexed in the background with the usual progress line, and switching back to a model finds its vectors.
 * Removing an added model removes its files and then its vectors (they take ~1.6 KB a passage); removing the model
 * in use first switches back to the default model, and the restarted app deletes the vectors.
 */
import manifest from '../../models/manifest.json';
import { activeModel, catalogue, isUserModel, ONNX_FILES, parseStoredSpec, type ModelChoices } from '../core/model-catalogue.ts';
import type { ModelManifest, ModelSpec } from '../core/model-spec.ts';
import { downloadFromHub, type HubProgress } from './hub-download.ts';
import type { PickedFile } from './model-import.ts';
import { UserModels } from './user-models.ts';

/** Reading model folders and zips (JSZip) loads when a model is added, not with the app's first chunk. */
const modelImport = () => import('./model-import.ts');

const ACTIVE_KEY = 'passage:model';
/** The spec of the user model in use, so the app starts without waiting for Cache Storage. */
const ACTIVE_SPEC_KEY = 'passage:model-spec';
const CHANNEL = 'passage-model';
/** Ids of removed models whose vectors are not deleted yet (deleting outlives a restart or a closed tab). */
const REMOVED_KEY = 'passage:models-removed';

export interface ModelList {
  models: ModelSpec[];
  active: ModelSpec;
}

export interface ModelManagerOptions {
  store: UserModels;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  /** Loads the model from its stored files and embeds one text; resolves with the vector's length. */
  probe: (spec: ModelSpec) => Promise<number>;
  /** Starts the app again with the model now chosen (the page reloads). */
  restart: () => void;
  manifest?: ModelManifest;
  /** Tells the other tabs of this browser that the model changed (they restart too). */
  announce?: () => void;
}

/** What removing a model did. */
export interface Removal {
  /** The removed model was in use: the app restarts with the default model, which deletes its vectors. */
  restarting: boolean;
  /** Its vectors are gone (false: the deletion failed and is tried again at the next start). */
  vectorsDeleted: boolean;
}

/** Deletes the stored vectors of one model that is not in use (the app's library worker, `PassageApp`). */
export type DeleteVectors = (modelId: string) => Promise<unknown>;

let shared: ModelManager | null = null;

export class ModelManager {
  private readonly _o: ModelManagerOptions;
  private readonly _manifest: ModelManifest;
  private _deleteVectors: DeleteVectors | null = null;
  private _purging: Promise<void> = Promise.resolve();

  constructor(options: ModelManagerOptions) {
    this._o = options;
    this._manifest = options.manifest ?? (manifest as ModelManifest);
  }

  /**
   * The browser's, one per page (created at boot, so a switch in another tab restarts this one too): Cache
   * Storage, localStorage, a probe worker, page reload, a BroadcastChannel to the other tabs.
   */
  static shared(): ModelManager {
    shared ??= ModelManager._inBrowser();
    return shared;
  }

  private static _inBrowser(): ModelManager {
    const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
    if (channel) channel.onmessage = () => location.reload();
    return new ModelManager({
      store: UserModels.inBrowser(),
      storage: localStorage,
      probe: probeInWorker,
      restart: () => location.reload(),
      announce: () => channel?.postMessage('changed'),
    });
  }

  async list(): Promise<ModelList> {
    const models = catalogue(this._manifest, await this._o.store.list().catch(() => []));
    return { models, active: activeModel(models, this._manifest, this._o.storage.getItem(ACTIVE_KEY)) };
  }

  /** The model the app should start with: the one chosen in Settings, else the default. */
  async active(): Promise<ModelSpec> {
    return (await this.list()).active;
  }

  async addFromFiles(files: Iterable<File>, choices: ModelChoices): Promise<ModelSpec> {
    const { pickedFromFiles } = await modelImport();
    return this._add(pickedFromFiles(files), choices, { kind: 'folder' });
  }

  async addFromZip(zip: File, choices: ModelChoices): Promise<ModelSpec> {
    const { pickedFromZip } = await modelImport();
    return this._add(await pickedFromZip(zip, zip.name), choices, { kind: 'zip', name: zip.name });
  }

  async addFromHub(
    hub: { repo: string; revision?: string; host?: string },
    choices: ModelChoices,
    options: { signal?: AbortSignal; onProgress?: (p: HubProgress) => void } = {},
  ): Promise<ModelSpec> {
    const [download, { pickedFromBytes }] = await Promise.all([downloadFromHub({ ...hub, ...options }), modelImport()]);
    return this._add(pickedFromBytes(download.files), choices, download.source);
  }

  private async _add(picked: PickedFile[], choices: ModelChoices, source: ModelSpec['source']): Promise<ModelSpec> {
    const { prepareModel } = await modelImport();
    const { spec, files } = await prepareModel(picked, choices, source);
    const builtIn = this._manifest.models.some((m) => m.name.toLowerCase() === spec.name.toLowerCase());
    if (builtIn) throw new Error(`“${spec.name}” is the name of a built-in model; choose another name.`);
    const { models, active } = await this.list();
    if (active.id === spec.id) throw new Error(`“${spec.name}” is the model in use already.`);
    const sameName = models.find((m) => m.name.toLowerCase() === spec.name.toLowerCase() && m.id !== spec.id);
    if (sameName) throw new Error(`A model named “${spec.name}” is already added; remove it first, or choose another name.`);
    // Added again before its vectors were deleted: they are its own again (the id is the model's fingerprint).
    this._setRemoved(this._removed().filter((r) => r !== spec.id));
    await this._o.store.add(spec, files, async () => {
      let dims: number;
      try {
        dims = await this._o.probe(spec);
      } catch (error) {
        const why = error instanceof Error ? error.message.replace(/^Passage: /, '') : String(error);
        throw new Error(`${ONNX_FILES[spec.dtype]} could not be run: ${why}`, { cause: error });
      }
      if (dims !== spec.dimensions) {
        throw new Error(`${ONNX_FILES[spec.dtype]} gives vectors of ${dims} dimensions, not the ${spec.dimensions} its config.json says.`);
      }
    });
    return spec;
  }

  /** Makes `id` the model in use and restarts the app (and the other tabs) with it. */
  async use(id: string): Promise<void> {
    const { models } = await this.list();
    const spec = models.find((m) => m.id === id);
    if (!spec) throw new Error(`Passage: no model ${id}`);
    if (id === this._manifest.default) this._o.storage.removeItem(ACTIVE_KEY);
    else this._o.storage.setItem(ACTIVE_KEY, id);
    if (isUserModel(spec)) this._o.storage.setItem(ACTIVE_SPEC_KEY, JSON.stringify(spec));
    else this._o.storage.removeItem(ACTIVE_SPEC_KEY);
    this._o.announce?.();
    this._o.restart();
  }

  /**
   * Forgets an added model: its files, then its vectors. The model in use is switched back to the default first
   * (the app restarts with it, in every tab, and deletes the vectors then: a library's model in use keeps its
   * vectors). Resolves once the vectors are deleted, or, for the model in use, when the restart is asked for.
   */
  async remove(id: string): Promise<Removal> {
    if (!isUserModel({ id })) throw new Error('Built-in models cannot be removed.');
    const inUse = (await this.list()).active.id === id;
    this._setRemoved([...this._removed().filter((r) => r !== id), id]);
    if (inUse) {
      this._o.storage.removeItem(ACTIVE_KEY);
      this._o.storage.removeItem(ACTIVE_SPEC_KEY);
    }
    await this._o.store.remove(id);
    if (inUse) {
      this._o.announce?.();
      this._o.restart();
      return { restarting: true, vectorsDeleted: false };
    }
    try {
      await this.purgeRemoved();
      return { restarting: false, vectorsDeleted: true };
    } catch (error) {
      console.error(`Passage: the vectors of ${id} were not all deleted`, error);
      return { restarting: false, vectorsDeleted: false };
    }
  }

  /**
   * Connects the app's library: from now on removed models' vectors are deleted through it, starting with those
   * a removal left (the model that was in use, or a deletion a closed tab interrupted).
   */
  attachLibrary(deleteVectors: DeleteVectors): Promise<void> {
    this._deleteVectors = deleteVectors;
    return this.purgeRemoved();
  }

  /** Deletes the vectors of every removed model but the one in use, one model at a time; each is then forgotten. */
  purgeRemoved(): Promise<void> {
    const run = this._purging.then(async () => {
      const deleteVectors = this._deleteVectors;
      if (!deleteVectors) return;
      const active = this._o.storage.getItem(ACTIVE_KEY);
      for (const id of this._removed()) {
        if (id === active) continue;
        await deleteVectors(id);
        this._setRemoved(this._removed().filter((r) => r !== id));
      }
    });
    this._purging = run.catch(() => undefined);
    return run;
  }

  private _removed(): string[] {
    try {
      const ids: unknown = JSON.parse(this._o.storage.getItem(REMOVED_KEY) ?? '[]');
      return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string' && isUserModel({ id })) : [];
    } catch {
      return [];
    }
  }

  private _setRemoved(ids: readonly string[]): void {
    if (ids.length === 0) this._o.storage.removeItem(REMOVED_KEY);
    else this._o.storage.setItem(REMOVED_KEY, JSON.stringify(ids));
  }
}

/**
 * The model to start with, read synchronously: the one chosen in Settings (a user model's spec is kept beside its
 * id), else the manifest's default. A user model whose files are gone fails to load and says so; Settings still
 * lists the built-in models to switch back to.
 */
export function startupModel(storage: Pick<Storage, 'getItem'> | null, from: ModelManifest = manifest as ModelManifest): ModelSpec {
  const id = storage?.getItem(ACTIVE_KEY) ?? null;
  const builtIn = from.models.find((m) => m.id === id);
  if (builtIn) return builtIn;
  let stored: ModelSpec | null;
  try {
    stored = parseStoredSpec(JSON.parse(storage?.getItem(ACTIVE_SPEC_KEY) ?? 'null'));
  } catch {
    stored = null;
  }
  return stored && stored.id === id ? stored : activeModel(from.models, from, null);
}

/** Loads the model in a throwaway embedding worker (same code as the app's) and embeds one question. */
async function probeInWorker(spec: ModelSpec): Promise<number> {
  const { EmbedderClient } = await import('./embedder-client.ts');
  const worker = new Worker(new URL('../worker/embed-worker.ts', import.meta.url), { type: 'module', name: `passage-model-check-${crypto.randomUUID()}` });
  const client = new EmbedderClient(worker);
  try {
    await client.load(spec, 'wasm');
    return (await client.embed(['Does this model answer?'], 'query')).length;
  } finally {
    client.terminate();
  }
}
