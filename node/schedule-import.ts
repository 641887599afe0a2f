/**
 * A schedule file (read by widgets/lib/schedule-file.ts) made into a festival's documents,
 * signed by one identity (the peer's, a bot): the festival, one location resource per room,
 * one event per talk requesting its room. Run again with a changed file, it changes what
 * changed, deletes what was removed and adds what is new, matching talks by guid (else id)
 * and rooms by name; on the same file it changes nothing. What it made it finds again by
 * the marks in the descriptions (./import-marks.ts): no other state, so an interrupted
 * import goes on where it stopped.
 *
 * The counterpart of ./schedule-export.ts. DOM-free and Node-free.
 */
import {
  isPandaError,
  OperationFields,
  type EasyValues,
  type Festival,
  type FestivalEvent,
  type FestivalModel,
  type FestivalNode,
  type Hash,
  type KeyPair,
  type Resource,
} from '../core/index.js';
import { UUID } from '../widgets/lib/frab-format.js';
import type { FrabReading, SkippedTalk } from '../widgets/lib/import-frab.js';
import type { ScheduleEvent } from '../widgets/lib/schedule-view.js';
import { markOf, roomDescription, talkDescription, withMark } from './import-marks.js';

export interface ImportOptions {
  /** The festival to import into. Without it, the festival this identity made from the same schedule before, else a new one. */
  festival?: Hash;
  /** The policy of new rooms; given, existing rooms take it too. Default first-come-first-served. */
  policy?: string;
  /** Unix seconds now (the events' `created_at`). */
  now?: number;
}

export interface ImportReport {
  festival: Hash;
  festivalCreated: boolean;
  festivalUpdated: boolean;
  rooms: { added: number; updated: number; removed: number; /** Rooms gone from the file that others' events still request. */ kept: string[] };
  events: { added: number; moved: number; updated: number; removed: number };
  /** Talks left out: the file's own problems and those only the festival model finds. */
  skipped: SkippedTalk[];
}

const toSeconds = (ms: number) => Math.floor(ms / 1000);
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

/** What the model refused, as a talk's problem. */
function refusal(error: unknown): string {
  if (isPandaError(error, 'DOCUMENT_INVALID')) return `the festival model refuses it: ${error.message}`;
  throw error;
}

class Importer {
  readonly report: ImportReport;
  readonly #self: string;

  constructor(
    readonly node: FestivalNode,
    readonly signer: KeyPair,
    readonly model: FestivalModel,
    readonly file: FrabReading,
    readonly options: ImportOptions,
  ) {
    this.#self = signer.publicKey();
    this.report = {
      festival: '',
      festivalCreated: false,
      festivalUpdated: false,
      rooms: { added: 0, updated: 0, removed: 0, kept: [] },
      events: { added: 0, moved: 0, updated: 0, removed: 0 },
      skipped: [...file.skipped],
    };
  }

  #ours(document: { owner: string }): boolean {
    return this.model.actsFor(this.#self, document.owner);
  }

  /** The festival's fields as the file gives them. */
  #festivalValues() {
    const info = this.file.data.festival;
    const start = toSeconds(info.start);
    return {
      name: info.name,
      description: withMark(info.description, 'festival', info.id),
      start,
      // The model wants an end after the start; a schedule of one instant lasts a minute.
      end: Math.max(toSeconds(info.end), start + 60),
      timezone: info.timezone,
      url: info.url ?? '',
      image: info.image ?? '',
    };
  }

  /** Finds (or makes) the festival and brings its fields up to date when it was made from this schedule. */
  async festival(): Promise<void> {
    const key = this.file.data.festival.id;
    const madeHere = (festival: Festival) => {
      const mark = markOf(festival.description);
      return this.#ours(festival) && mark?.kind === 'festival' && mark.key === key;
    };
    const festival = this.options.festival === undefined ? [...this.model.festivals.values()].find(madeHere) : this.model.festivals.get(this.options.festival);
    const values = this.#festivalValues();
    if (!festival) {
      const { documentId } = await this.node.createFestival(this.signer, values);
      this.report.festival = documentId;
      this.report.festivalCreated = true;
      return;
    }
    this.report.festival = festival.id;
    // A festival someone else made, or made from another schedule, keeps its own name and dates.
    if (!madeHere(festival)) return;
    const changes: EasyValues = {};
    for (const field of ['name', 'description', 'timezone', 'url', 'image'] as const)
      if ((festival[field] ?? '') !== values[field]) changes[field] = values[field];
    if (festival.start !== values.start) changes['start'] = BigInt(values.start);
    if (festival.end !== values.end) changes['end'] = BigInt(values.end);
    if (Object.keys(changes).length > 0) {
      await this.node.update(this.signer, festival.id, changes);
      this.report.festivalUpdated = true;
    }
  }

  /** This identity's location resources in the festival, by title. */
  #existingRooms(): Map<string, Resource> {
    const rooms = new Map<string, Resource>();
    for (const resource of this.model.resources.values())
      if (resource.festival === this.report.festival && resource.kind === 'location' && this.#ours(resource) && !rooms.has(resource.title))
        rooms.set(resource.title, resource);
    return rooms;
  }

  /** Makes or updates a resource per room; the room ids by name. */
  async rooms(): Promise<Map<string, Hash>> {
    const existing = this.#existingRooms();
    const ids = new Map<string, Hash>();
    for (const location of this.file.data.locations) {
      const description = roomDescription(location);
      const url = location.url ?? '';
      const room = existing.get(location.name);
      if (!room) {
        const { documentId } = await this.node.createResource(this.signer, {
          festival: this.report.festival,
          title: location.name,
          kind: 'location',
          description,
          url,
          policy: this.options.policy ?? 'first-come-first-served',
        });
        ids.set(location.name, documentId);
        this.report.rooms.added++;
        continue;
      }
      ids.set(location.name, room.id);
      const changes: EasyValues = {};
      if (room.description !== description) changes['description'] = description;
      if ((room.location.url ?? '') !== url) changes['url'] = url;
      if (this.options.policy !== undefined && room.policy !== this.options.policy) changes['policy'] = this.options.policy;
      if (Object.keys(changes).length === 0) continue;
      await this.node.update(this.signer, room.id, changes);
      this.report.rooms.updated++;
    }
    return ids;
  }

  /** A talk as an event's fields, or why it cannot be one. */
  #talk(event: ScheduleEvent, rooms: Map<string, Hash>) {
    const room = event.locationIds[0];
    const resource = room === undefined ? undefined : rooms.get(room);
    if (resource === undefined) return 'has no room';
    const start = toSeconds(event.start);
    const end = toSeconds(event.end);
    if (end <= start) return 'ends when it starts (an event needs a length)';
    return { title: event.title, description: talkDescription(event), start, end, resources: [resource] };
  }

  async events(rooms: Map<string, Hash>): Promise<void> {
    const existing = new Map<string, FestivalEvent>();
    const extra: FestivalEvent[] = [];
    for (const event of this.model.events.values()) {
      const mark = markOf(event.description);
      if (event.festival !== this.report.festival || mark?.kind !== 'talk' || !this.#ours(event)) continue;
      // Two events for one talk (two imports racing): the first stays.
      if (existing.has(mark.key)) extra.push(event);
      else existing.set(mark.key, event);
    }
    const seen = new Set(this.file.skipped.flatMap((talk) => talk.key ?? []));
    for (const talk of this.file.data.events) {
      seen.add(talk.id);
      const fields = this.#talk(talk, rooms);
      const name = `${JSON.stringify(talk.title.slice(0, 80))} (${UUID.test(talk.id) ? 'guid' : 'id'} ${talk.id})`;
      if (typeof fields === 'string') {
        this.report.skipped.push({ talk: name, reason: fields, key: talk.id });
        continue;
      }
      const event = existing.get(talk.id);
      try {
        if (!event) {
          await this.node.createEvent(this.signer, {
            festival: this.report.festival,
            ...fields,
            ...(this.options.now === undefined ? {} : { createdAt: this.options.now }),
          });
          this.report.events.added++;
          continue;
        }
        const moved = event.start !== fields.start || event.end !== fields.end || !sameList(event.resources, fields.resources);
        const changed = event.title !== fields.title || event.description !== fields.description;
        if (!moved && !changed) continue;
        const values = new OperationFields({});
        if (event.title !== fields.title) values.insert('title', 'str', fields.title);
        if (event.description !== fields.description) values.insert('description', 'str', fields.description);
        if (event.start !== fields.start) values.insert('start', 'int', BigInt(fields.start));
        if (event.end !== fields.end) values.insert('end', 'int', BigInt(fields.end));
        if (!sameList(event.resources, fields.resources)) values.insert('resources', 'relation_list', fields.resources);
        await this.node.update(this.signer, event.id, values);
        if (moved) this.report.events.moved++;
        else this.report.events.updated++;
      } catch (error) {
        this.report.skipped.push({ talk: name, reason: refusal(error), key: talk.id });
      }
    }
    for (const event of [...[...existing].filter(([key]) => !seen.has(key)).map(([, event]) => event), ...extra]) {
      await this.node.delete(this.signer, event.id);
      this.report.events.removed++;
    }
  }

  /** Deletes the rooms it imported that the file no longer has, unless others' events request them. */
  async removeRooms(): Promise<void> {
    const wanted = new Set(this.file.data.locations.map((location) => location.name));
    for (const room of this.#existingRooms().values()) {
      if (wanted.has(room.title) || markOf(room.description)?.kind !== 'room') continue;
      const requested = [...this.model.events.values()].some((event) => event.resources.includes(room.id) && !this.#ours(event));
      if (requested) {
        this.report.rooms.kept.push(room.title);
        continue;
      }
      await this.node.delete(this.signer, room.id);
      this.report.rooms.removed++;
    }
  }
}

/**
 * Imports a schedule file's reading into a festival, signed by `signer`. The caller checks
 * that `options.festival` is known and `options.policy` registered.
 */
export async function importSchedule(node: FestivalNode, signer: KeyPair, file: FrabReading, options: ImportOptions = {}): Promise<ImportReport> {
  const importer = new Importer(node, signer, await node.model(), file, options);
  await importer.festival();
  const rooms = await importer.rooms();
  await importer.events(rooms);
  await importer.removeRooms();
  return importer.report;
}

/** "3 events added, 1 moved" / "1 event moved": the noun once, with the first count. */
function counted(noun: [string, string], counts: Array<[number, string]>): string[] {
  return counts.filter(([n]) => n > 0).map(([n, verb], i) => (i === 0 ? `${n} ${n === 1 ? noun[0] : noun[1]} ${verb}` : `${n} ${verb}`));
}

/** What an import did, in words: "festival created, 79 events added, 2 rooms added" or "nothing changed". */
export function describeImport(report: ImportReport): string {
  const { rooms, events } = report;
  const parts = [
    ...(report.festivalCreated ? ['festival created'] : report.festivalUpdated ? ['festival updated'] : []),
    ...counted(
      ['event', 'events'],
      [
        [events.added, 'added'],
        [events.moved, 'moved'],
        [events.updated, 'updated'],
        [events.removed, 'removed'],
      ],
    ),
    ...counted(
      ['room', 'rooms'],
      [
        [rooms.added, 'added'],
        [rooms.updated, 'updated'],
        [rooms.removed, 'removed'],
      ],
    ),
  ];
  const summary = parts.length === 0 ? 'nothing changed' : parts.join(', ');
  const kept =
    rooms.kept.length === 0 ? '' : `; kept ${rooms.kept.map((name) => JSON.stringify(name)).join(', ')} (gone from the file, but others' events request it)`;
  const skipped = report.skipped.length === 0 ? '' : `; ${report.skipped.length} ${report.skipped.length === 1 ? 'talk' : 'talks'} skipped`;
  return `${summary}${kept}${skipped}`;
}
