/**
 * The shell's notices (shown by notice-list.ts): one `notify` for every part of the shell. Newest first, at most
 * NOTICE_LIMIT; all but errors go by themselves after a while, errors stay until dismissed.
 */
import type { ReactiveControllerHost } from 'lit';
import type { Notice } from './notice-list.ts';

const NOTICE_LIMIT = 6;
const NOTICE_MS = 12_000;

export type Notify = (kind: Notice['kind'], message: string) => void;

export class NoticesController {
  notices: Notice[] = [];
  private readonly _host: ReactiveControllerHost;
  private _lastId = 0;

  constructor(host: ReactiveControllerHost) {
    this._host = host;
  }

  notify: Notify = (kind, message) => {
    const notice: Notice = { id: ++this._lastId, kind, message };
    this._set([notice, ...this.notices].slice(0, NOTICE_LIMIT));
    if (kind !== 'error') setTimeout(() => this.dismiss(notice.id), NOTICE_MS);
  };

  dismiss(id: number) {
    if (this.notices.some((n) => n.id === id)) this._set(this.notices.filter((n) => n.id !== id));
  }

  private _set(notices: Notice[]) {
    this.notices = notices;
    this._host.requestUpdate();
  }
}
