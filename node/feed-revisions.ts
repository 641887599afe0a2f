/**
 * What the schedule feeds (./feeds.ts) remember between builds, so that calendars can tell
 * what changed: per festival, when its schedule last changed (the feed's Last-Modified and
 * DTSTAMP), and per event its SEQUENCE (one more for every change) and LAST-MODIFIED.
 *
 * p2panda entries carry no time, and an event's own `created_at` is what its author claims,
 * so these are the times this peer saw each change. Kept in `<data>/feeds.json` (through
 * `persist`), so that a restart changes neither a feed's body nor an event's SEQUENCE: a
 * calendar that sees a SEQUENCE go down may keep its older copy.
 */
import type { EventRevision } from '../widgets/lib/export-ical.js';

/** Where the revisions are kept between runs (DataDir's feeds.json); none: in memory only. */
export interface RevisionStorage {
  load(): unknown;
  save(value: unknown): void;
}

interface FestivalRevision {
  /** A digest of the whole schedule as last built. */
  print: string;
  modified: number;
  /** Per event id: a digest of the event as last built, its sequence, when that changed. */
  events: Map<string, [print: string, sequence: number, modified: number]>;
}

export interface NotedSchedule {
  /** When the schedule last changed (epoch ms). */
  modified: number;
  revision(eventId: string): EventRevision | undefined;
}

const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The stored form, read leniently: what does not parse is forgotten (a feed then starts again at 0). */
function parse(value: unknown): Map<string, FestivalRevision> {
  const festivals = new Map<string, FestivalRevision>();
  if (typeof value !== 'object' || value === null) return festivals;
  for (const [id, item] of Object.entries(value as Record<string, unknown>)) {
    const { print, modified, events } = (item ?? {}) as Record<string, unknown>;
    if (typeof print !== 'string' || !isTime(modified) || typeof events !== 'object' || events === null) continue;
    const revisions = new Map<string, [string, number, number]>();
    for (const [eventId, entry] of Object.entries(events as Record<string, unknown>)) {
      if (Array.isArray(entry) && typeof entry[0] === 'string' && isTime(entry[1]) && isTime(entry[2])) revisions.set(eventId, [entry[0], entry[1], entry[2]]);
    }
    festivals.set(id, { print, modified, events: revisions });
  }
  return festivals;
}

export class FeedRevisions {
  readonly #festivals: Map<string, FestivalRevision>;

  constructor(private readonly storage?: RevisionStorage) {
    this.#festivals = parse(storage?.load());
  }

  /**
   * Notes a festival's schedule as built at `now`: `print` digests the whole schedule,
   * `events` each event, asked for only when `print` changed (an event missing now is
   * forgotten). Saves when anything changed.
   */
  note(festivalId: string, print: string, events: () => ReadonlyArray<{ id: string; print: string }>, now: number): NotedSchedule {
    const before = this.#festivals.get(festivalId);
    let festival = before;
    if (!festival || festival.print !== print) {
      const revisions = new Map<string, [string, number, number]>();
      for (const event of events()) {
        const known = before?.events.get(event.id);
        if (!known) revisions.set(event.id, [event.print, 0, now]);
        else if (known[0] === event.print) revisions.set(event.id, known);
        else revisions.set(event.id, [event.print, known[1] + 1, now]);
      }
      festival = { print, modified: now, events: revisions };
      this.#festivals.set(festivalId, festival);
      this.#save();
    }
    const { modified, events: revisions } = festival;
    return {
      modified,
      revision: (eventId) => {
        const entry = revisions.get(eventId);
        return entry && { sequence: entry[1], lastModified: entry[2] };
      },
    };
  }

  #save(): void {
    if (!this.storage) return;
    const value: Record<string, { print: string; modified: number; events: Record<string, [string, number, number]> }> = {};
    for (const [id, festival] of this.#festivals)
      value[id] = { print: festival.print, modified: festival.modified, events: Object.fromEntries(festival.events) };
    try {
      this.storage.save(value);
    } catch {
      // A full disk, say: the feeds go on from memory, and the next change tries again.
    }
  }
}
