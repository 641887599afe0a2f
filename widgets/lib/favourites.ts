/**
 * A visitor's favourite events, kept on their device only (nothing is published): one
 * storage key per festival in a `Storage`-like store (localStorage in a page; anything with
 * getItem/setItem in tests). Storage that is missing, full, blocked or holds garbage never
 * breaks the widget: favourites then live in memory for the visit. DOM-free.
 */
import type { ScheduleData } from './schedule-data.js';

/** The part of the Web Storage API favourites use. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem?(key: string): void;
}

export const FAVOURITES_KEY_PREFIX = 'panda-kit:favourites:';
/** Most favourites kept per festival. */
export const MAX_FAVOURITES = 5000;

/** The storage key of a festival's favourites. */
export const favouritesKey = (festivalId: string) => `${FAVOURITES_KEY_PREFIX}${festivalId}`;

/** A Storage in memory (for tests, or where no storage is allowed). */
export function memoryStorage(): StorageLike & { readonly size: number } {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
    get size() {
      return items.size;
    },
  };
}

/** `globalThis.localStorage` if a page has it and allows it, else undefined. */
export function defaultStorage(): StorageLike | undefined {
  try {
    const storage = (globalThis as { localStorage?: StorageLike }).localStorage;
    return storage && typeof storage.getItem === 'function' ? storage : undefined;
  } catch {
    return undefined; // sandboxed frames and blocked cookies throw on access
  }
}

function parse(text: string | null): string[] {
  if (text === null) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((id): id is string => typeof id === 'string' && id !== '' && id.length <= 256).slice(0, MAX_FAVOURITES) : [];
  } catch {
    return [];
  }
}

export type FavouritesListener = (ids: ReadonlySet<string>) => void;

/** One festival's favourites. */
export class Favourites {
  readonly key: string;
  #ids: Set<string>;
  readonly #listeners = new Set<FavouritesListener>();

  constructor(
    readonly festivalId: string,
    private readonly storage: StorageLike | undefined = defaultStorage(),
  ) {
    this.key = favouritesKey(festivalId);
    this.#ids = new Set(this.#read());
  }

  #read(): string[] {
    try {
      return parse(this.storage?.getItem(this.key) ?? null);
    } catch {
      return [];
    }
  }

  #write(): void {
    try {
      if (this.#ids.size === 0 && this.storage?.removeItem) this.storage.removeItem(this.key);
      else this.storage?.setItem(this.key, JSON.stringify([...this.#ids]));
    } catch {
      // Full or blocked: keep them in memory for this visit.
    }
    for (const listener of this.#listeners) listener(this.ids);
  }

  /** The favourite event ids (a snapshot). */
  get ids(): ReadonlySet<string> {
    return new Set(this.#ids);
  }

  get size(): number {
    return this.#ids.size;
  }

  has(eventId: string): boolean {
    return this.#ids.has(eventId);
  }

  add(eventId: string): void {
    if (this.#ids.has(eventId) || this.#ids.size >= MAX_FAVOURITES) return;
    this.#ids.add(eventId);
    this.#write();
  }

  remove(eventId: string): void {
    if (this.#ids.delete(eventId)) this.#write();
  }

  /** Adds or removes; returns whether it is a favourite now. */
  toggle(eventId: string): boolean {
    if (this.#ids.has(eventId)) this.remove(eventId);
    else this.add(eventId);
    return this.#ids.has(eventId);
  }

  clear(): void {
    if (this.#ids.size === 0) return;
    this.#ids.clear();
    this.#write();
  }

  /**
   * Reads the storage again (call it on a `storage` event from another tab); listeners hear
   * of it if anything changed.
   */
  reload(): void {
    const next = new Set(this.#read());
    if (next.size === this.#ids.size && [...next].every((id) => this.#ids.has(id))) return;
    this.#ids = next;
    for (const listener of this.#listeners) listener(this.ids);
  }

  /** Calls `listener` with the ids after every change; returns the unsubscribe function. */
  subscribe(listener: FavouritesListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Favourites that are (still) in the schedule, in its order. */
  inSchedule(data: ScheduleData): string[] {
    return data.events.filter((event) => this.#ids.has(event.id)).map((event) => event.id);
  }
}
