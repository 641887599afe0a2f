/**
 * The background's state as one of the extension's pages shows it: fetched when the page has
 * a client and is connected, fetched again on every "changed" notice and after every action.
 * Only the newest answer counts, so a slow early answer never overwrites a later one. The
 * popup and approval window read `popup_state`, the planner `planner_state`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { errorMessage } from './errors.js';

/** A page's method table: each method's params and result (popup-protocol.ts, planner-protocol.ts). */
export type MethodTable<T> = { [M in keyof T]: { params: unknown; result: unknown } };

/** How a page reaches the background: the extension's runtime messaging, or a fake in component tests. */
export interface BackgroundClient<T extends MethodTable<T>> {
  request<M extends keyof T & string>(method: M, params?: T[M]['params']): Promise<T[M]['result']>;
  /** Called whenever the background's state changed; returns an unsubscribe function. */
  onChanged(listener: () => void): () => void;
}

export class BackgroundStateController<T extends MethodTable<T>, S extends keyof T & string> implements ReactiveController {
  state: T[S]['result'] | undefined;
  /** Why the last fetch failed, in words; undefined after a successful one. */
  error: string | undefined;
  client: BackgroundClient<T> | undefined;
  private connected = false;
  private unsubscribe: (() => void) | undefined;
  private latest = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly stateMethod: S,
  ) {
    host.addController(this);
  }

  /** Call when the host's client property changes. */
  use(client: BackgroundClient<T> | undefined): void {
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
      const state = await client.request(this.stateMethod);
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
  async request<M extends keyof T & string>(method: M, params?: T[M]['params']): Promise<T[M]['result']> {
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
