/**
 * What the status strip (progress-bar.ts) and the schema banner show: the language model's state (loading, ready,
 * or the reason it failed and whether "Repair" can help), the device it runs on, the indexing progress, a library
 * upgrade and the stored schema. Loads the model when the api arrives; a repair runs as a Lit Task.
 */
import { Task, TaskStatus } from '@lit/task';
import type { ReactiveControllerHost } from 'lit';
import type { PassageApi, Progress, SchemaState, UpgradeProgress } from '../app/api.ts';
import { modelFaultMessage, readableReason } from '../core/faults.ts';
import type { Notify } from './notices.ts';

export type ModelState = 'loading' | 'ready' | 'error';

export class StatusController {
  model: ModelState = 'loading';
  /** Why the model could not be loaded, for people; empty unless `model` is 'error'. */
  modelError = '';
  /** The model's files are damaged or missing: "Repair" fetches them again. */
  repairable = false;
  device = '';
  progress: Progress = { stage: 'idle' };
  upgrade: UpgradeProgress | null = null;
  schema: SchemaState = 'current';

  private readonly _host: ReactiveControllerHost;
  private readonly _repair: Task<[PassageApi], string[]>;

  constructor(host: ReactiveControllerHost, notify: Notify) {
    this._host = host;
    this._repair = new Task(host, {
      autoRun: false,
      task: ([api]) => api.repairModel(),
      onComplete: (repaired) => {
        this.model = 'ready';
        this.modelError = '';
        this.repairable = false;
        notify('success', repaired.length ? `Repaired the language model (${repaired.join(', ')}).` : 'The language model works again.');
      },
      onError: (error) => notify('error', `The language model could not be repaired: ${readableReason(error) || 'an unexpected error. Try again later.'}`),
    });
  }

  get repairing(): boolean {
    return this._repair.status === TaskStatus.PENDING;
  }

  /** Follows `api`'s progress, schema and upgrade, and loads its model; returns the unsubscribes. */
  attach(api: PassageApi): (() => void)[] {
    const offs = [
      api.onProgress((progress) => this._onProgress(progress)),
      api.onSchemaState((state) => this._set(() => (this.schema = state))),
      api.onUpgradeProgress((progress) => this._set(() => (this.upgrade = progress))),
    ];
    this.startModel(api);
    return offs;
  }

  /** Loads the model; on failure checks its files, so the message can say what is wrong and offer "Repair". */
  startModel(api: PassageApi) {
    this._set(() => {
      this.model = 'loading';
      this.modelError = '';
      this.repairable = false;
    });
    api.start().then(
      () => {
        if (this.model === 'loading') this._set(() => (this.model = 'ready'));
      },
      async (error: unknown) => {
        console.error(error);
        const check = await api.checkModel().catch(() => null);
        this._set(() => {
          this.repairable = check !== null && check.damaged.length + check.missing.length > 0;
          this.modelError = modelFaultMessage(error, check, navigator.onLine);
          this.model = 'error';
        });
      },
    );
  }

  repairModel(api: PassageApi) {
    void this._repair.run([api]);
  }

  private _onProgress(progress: Progress) {
    this._set(() => {
      if (progress.stage === 'model-ready') {
        this.model = 'ready';
        this.device = progress.device;
      }
      this.progress = progress;
    });
  }

  private _set(change: () => void) {
    change();
    this._host.requestUpdate();
  }
}
