/**
 * The live schedule feeds of every festival a peer holds, as `panda serve --http` serves
 * them (./feed-server.ts): iCalendar for calendar subscriptions, c3voc/frab JSON and XML for
 * schedule apps, one event alone as iCalendar, and an index of the festivals. The bodies are
 * the exporters' own (./schedule-export.ts, widgets/lib/export-ical.ts).
 *
 * Built when asked for after a change, kept until the next: the festival model is a new
 * object after every change that replicates in (FestivalNode), so while it is the same one,
 * every body is served from memory; after a change, a festival whose schedule came out the
 * same keeps its bodies, validators and Last-Modified. DTSTAMP is the time the schedule
 * last changed, so an unchanged schedule gives the same bytes (and the same ETag).
 */
import { createHash } from 'node:crypto';
import type { FestivalModel, FestivalNode, Hash } from '../core/index.js';
import { exportEventICal, exportICal } from '../widgets/lib/export-ical.js';
import { FEED_FORMATS, feedPath, type FeedFormat } from '../widgets/lib/feed-paths.js';
import type { ScheduleData } from '../widgets/lib/schedule-data.js';
import { FeedRevisions, type NotedSchedule } from './feed-revisions.js';
import { festivalSchedule, SCHEDULE_FORMATS } from './schedule-export.js';

export { eventFeedPath, FEED_FORMATS, feedPath, type FeedFormat } from '../widgets/lib/feed-paths.js';

/** One rendered feed, with what HTTP validates it by. */
export interface FeedBody {
  body: Buffer;
  mediaType: string;
  /** A strong ETag: a digest of the body, quoted. */
  etag: string;
  /** When the content last changed (epoch ms). */
  lastModified: number;
}

export interface FestivalFeedsOptions {
  /** Sequences and modification times between builds (default: in memory only). */
  revisions?: FeedRevisions;
  /** Festivals not to serve (with those nested in them): e.g. those joined with a secret. */
  hidden?: (festivalId: Hash) => boolean;
  /** How often subscribed calendars should fetch again, in minutes (default 30). */
  refreshMinutes?: number;
  /** Epoch ms; default Date.now. */
  clock?: () => number;
}

const digest = (data: string | Buffer) => createHash('sha256').update(data).digest('base64url');

/** A festival's schedule as last built, and what was rendered of it. */
interface Built {
  model: FestivalModel;
  /** A digest of `schedule`. */
  print: string;
  schedule: ScheduleData;
  noted: NotedSchedule;
  bodies: Map<string, FeedBody>;
}

export class FestivalFeeds {
  readonly #revisions: FeedRevisions;
  readonly #built = new Map<Hash, Built>();
  #index: { print: string; feed: FeedBody } | undefined;

  constructor(
    readonly node: FestivalNode,
    private readonly options: FestivalFeedsOptions = {},
  ) {
    this.#revisions = options.revisions ?? new FeedRevisions();
  }

  /** A festival's feed, or undefined while the festival is not held here (or is hidden). */
  async festival(festivalId: Hash, format: FeedFormat): Promise<FeedBody | undefined> {
    const built = this.#build(await this.node.model(), festivalId);
    return built && this.#render(built, format, () => this.#write(built, format));
  }

  /** One event of a festival's schedule alone as iCalendar, or undefined. */
  async event(festivalId: Hash, eventId: Hash): Promise<FeedBody | undefined> {
    const built = this.#build(await this.node.model(), festivalId);
    if (!built || !built.schedule.events.some((event) => event.id === eventId)) return undefined;
    return this.#render(built, `event:${eventId}`, () => ({
      text: exportEventICal(built.schedule, eventId, { now: built.noted.modified, revision: (event) => built.noted.revision(event.id) })!,
      mediaType: SCHEDULE_FORMATS.ical.mediaType,
    }));
  }

  /** Every festival served, by name: id, name, the festival it is nested in, its time and zone, its feeds' paths. */
  async index(): Promise<FeedBody> {
    // Made each time (festivals are few), since what is hidden may change without the model.
    const model = await this.node.model();
    const festivals = [...model.festivals.values()]
      .filter((festival) => !this.#hidden(model, festival.id))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1))
      .map((festival) => ({
        id: festival.id,
        name: festival.name,
        ...(festival.parent === undefined ? {} : { parent: festival.parent }),
        timezone: festival.timezone,
        start: new Date(festival.start * 1000).toISOString(),
        end: new Date(festival.end * 1000).toISOString(),
        feeds: Object.fromEntries(FEED_FORMATS.map((format) => [format, feedPath(festival.id, format)])),
      }));
    const text = `${JSON.stringify({ festivals }, null, 2)}\n`;
    const print = digest(text);
    if (this.#index?.print !== print) this.#index = { print, feed: this.#body(text, SCHEDULE_FORMATS['frab-json'].mediaType, this.#now()) };
    return this.#index.feed;
  }

  #now(): number {
    return (this.options.clock ?? Date.now)();
  }

  /** Whether the festival, or one it is nested in, is hidden. */
  #hidden(model: FestivalModel, festivalId: Hash): boolean {
    const hidden = this.options.hidden;
    if (!hidden) return false;
    const seen = new Set<Hash>();
    for (let id: Hash | undefined = festivalId; id !== undefined && !seen.has(id); id = model.festivals.get(id)?.parent) {
      if (hidden(id)) return true;
      seen.add(id);
    }
    return false;
  }

  /** The festival's schedule in `model`: the last build while nothing in it changed. */
  #build(model: FestivalModel, festivalId: Hash): Built | undefined {
    // Asked each time: a festival may be joined with a secret while the model stays the same.
    const hidden = this.#hidden(model, festivalId);
    const last = this.#built.get(festivalId);
    if (last?.model === model && !hidden) return last;
    const schedule = hidden ? undefined : festivalSchedule(model, festivalId);
    if (!schedule) {
      this.#built.delete(festivalId);
      return undefined;
    }
    const locations = new Map(schedule.locations.map((location) => [location.id, location]));
    const events = () =>
      schedule.events.map((event) => ({ id: event.id, print: digest(JSON.stringify([event, event.locationIds.map((id) => locations.get(id))])) }));
    const print = digest(JSON.stringify(schedule));
    const noted = this.#revisions.note(festivalId, print, events, this.#now());
    // The same schedule: the same bodies.
    if (last?.print === print) {
      last.model = model;
      return last;
    }
    const built: Built = { model, print, schedule, noted, bodies: new Map() };
    this.#built.set(festivalId, built);
    return built;
  }

  #write(built: Built, format: FeedFormat): { text: string; mediaType: string } {
    const { schedule, noted } = built;
    if (format === 'json') return { text: SCHEDULE_FORMATS['frab-json'].write(schedule), mediaType: SCHEDULE_FORMATS['frab-json'].mediaType };
    if (format === 'xml') return { text: SCHEDULE_FORMATS['frab-xml'].write(schedule), mediaType: SCHEDULE_FORMATS['frab-xml'].mediaType };
    const text = exportICal(schedule, {
      now: noted.modified,
      revision: (event) => noted.revision(event.id),
      refreshMinutes: this.options.refreshMinutes ?? 30,
    });
    return { text, mediaType: SCHEDULE_FORMATS.ical.mediaType };
  }

  #render(built: Built, key: string, write: () => { text: string; mediaType: string }): FeedBody {
    let feed = built.bodies.get(key);
    if (!feed) {
      const { text, mediaType } = write();
      feed = this.#body(text, mediaType, built.noted.modified);
      built.bodies.set(key, feed);
    }
    return feed;
  }

  #body(text: string, mediaType: string, lastModified: number): FeedBody {
    const body = Buffer.from(text, 'utf8');
    return { body, mediaType, etag: `"${digest(body)}"`, lastModified };
  }
}
