/**
 * The favourites of `<panda-schedule>`: the visitor's `Favourites` of the festival shown
 * (widgets/lib/favourites.ts, kept on their device), redrawn when they change here, in
 * another element or in another tab (`storage` events), and `panda-favourite-change` fired
 * when the visitor stars or unstars an event.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Favourites } from '../lib/favourites.js';
import type { ScheduleData, ScheduleEvent } from '../lib/schedule-data.js';
import { emit } from '../shared/dom.js';

export class FavouritesController implements ReactiveController {
  #favourites: Favourites | undefined;
  #unsubscribe: (() => void) | undefined;
  readonly #onStorage = () => this.#favourites?.reload();

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('storage', this.#onStorage);
  }

  hostDisconnected(): void {
    window.removeEventListener('storage', this.#onStorage);
    this.#unsubscribe?.();
  }

  /** Follows the festival shown: favourites are kept per festival. */
  follow(data: ScheduleData): void {
    if (this.#favourites?.festivalId === data.festival.id) return;
    this.#unsubscribe?.();
    this.#favourites = new Favourites(data.festival.id);
    this.#unsubscribe = this.#favourites.subscribe(() => this.host.requestUpdate());
  }

  get ids(): ReadonlySet<string> {
    return this.#favourites?.ids ?? new Set<string>();
  }

  get size(): number {
    return this.#favourites?.size ?? 0;
  }

  has(eventId: string): boolean {
    return this.#favourites?.has(eventId) ?? false;
  }

  toggle(event: ScheduleEvent): void {
    if (!this.#favourites) return;
    const favourite = this.#favourites.toggle(event.id);
    emit(this.host, 'panda-favourite-change', { eventId: event.id, favourite, favourites: [...this.#favourites.ids] });
  }
}
