/**
 * The contacts a joining peer heard announce themselves in the festival's topic, with the
 * number of neighbours each said it has: what the overlay joins through. Bounded at
 * `MAX_CONTACTS` (the oldest heard forgotten first); a contact heard more than
 * `CONTACT_FRESH_MS` ago may have stopped listening, so offers to it would be lost.
 */

/** Contacts heard from the signaling server kept at most. */
export const MAX_CONTACTS = 16;
/** Contacts heard longer ago are not joined through. */
export const CONTACT_FRESH_MS = 5_000;

export interface Contact {
  peer: string;
  neighbours: number;
}

export class OverlayContacts {
  /** Oldest heard first. */
  readonly #contacts = new Map<string, { neighbours: number; at: number }>();

  constructor(readonly now: () => number) {}

  heard(peer: string, neighbours: number): void {
    this.#contacts.delete(peer);
    this.#contacts.set(peer, { neighbours, at: this.now() });
    if (this.#contacts.size > MAX_CONTACTS) this.#contacts.delete(this.#contacts.keys().next().value!);
  }

  /** Contacts heard lately, oldest first. */
  fresh(): Contact[] {
    const since = this.now() - CONTACT_FRESH_MS;
    const fresh: Contact[] = [];
    for (const [peer, { neighbours, at }] of this.#contacts) if (at >= since) fresh.push({ peer, neighbours });
    return fresh;
  }

  /** Forgets `peers` (joined through, or made known to the overlay). */
  forget(peers: Iterable<string>): void {
    for (const peer of peers) this.#contacts.delete(peer);
  }
}
