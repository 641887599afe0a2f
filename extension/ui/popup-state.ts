/**
 * The background's state as a page shows it: fetched when the page has a client and is
 * connected, fetched again on every "changed" notice and after every action. Only the
 * newest answer counts, so a slow early answer never overwrites a later one.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PopupClient, PopupMethod, PopupMethods, PopupState } from '../shared/popup-protocol.js';
import { errorMessage } from './errors.js';

export class PopupStateController implements ReactiveController {
  state: PopupState | undefined;
  /** Why the last fetch failed, in words; undefined after a successful one. */
  error: string | undefined;
  private client: PopupClient | undefined;
  private connected = false;
  private unsubscribe: (() => void) | undefined;
  private latest = 0;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Call when the host's client property changes. */
  use(client: PopupClient | undefined): void {
    if (client === this.client) return;
    this.stop();
    this.client = client;
    this.start();
  }

  hostConnected(): void {
    this.connected = true;
    this.start();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.stop();
  }

  async refresh(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const ticket = ++this.latest;
    try {
      const state = await client.request('popup_state');
      if (ticket !== this.latest) return;
      this.state = state;
      this.error = undefined;
    } catch (error) {
      if (ticket !== this.latest) return;
      this.error = errorMessage(error);
    }
    this.host.requestUpdate();
  }

  /**
   * Asks the background, then fetches the state again before resolving, so that a button
   * stays disabled until the page shows the outcome.
   */
  async request<M extends PopupMethod>(method: M, params?: PopupMethods[M]['params']): Promise<PopupMethods[M]['result']> {
    if (!this.client) throw new Error('This page has no connection to Panda Kit yet.');
    const result = await this.client.request(method, params);
    await this.refresh();
    return result;
  }

  private start(): void {
    if (!this.connected || !this.client || this.unsubscribe) return;
    this.unsubscribe = this.client.onChanged(() => void this.refresh());
    void this.refresh();
  }

  private stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }
}
