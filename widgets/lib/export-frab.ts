/**
 * Export of a schedule in the c3voc/frab formats that pretalx, frab, EventFahrplan, Giggity
 * and ConfClerk read: JSON (schema https://c3voc.de/schedule/schema.json, v1) and XML
 * (schedule.xml.xsd). Hand-written; both come from one plan, so they agree.
 *
 * - Days are festival days in the festival's zone (`dayChangeHour`, default 0) from the
 *   festival's start to its end (when it spans at most a year), plus every day an event
 *   starts on.
 * - Rooms are the schedule's locations (names made unique); an event with several locations
 *   is listed under the first, one without under `noRoomName` ("Other").
 * - `guid`s are UUIDs version 5 (SHA-1) of the event id in the Panda Kit namespace, so they
 *   stay the same across exports; an event that came from frab keeps its guid and id.
 *   Numeric `id`s (required, unique) come from the guid's bits, collisions resolved in order.
 * - `date` and `end` carry the offset; `start` is wall time, `duration` HH:MM (at most 99:59,
 *   which the XSD allows; JSON readers use `end`). Slugs are generated (`acronym-id-title`).
 *
 * The format's types and identifiers are in ./frab-format.ts; the importer is ./import-frab.ts.
 *
 * DOM-free.
 */
import { eventGuid, frabAcronym, FRAB_SCHEMA_URL, hex, sha1, UUID, uuidV5 } from './frab-format.js';
import type { FrabDay, FrabEvent, FrabLink, FrabRoom, FrabScheduleJson } from './frab-format.js';
import { slugify } from './schedule-input.js';
import { scheduleDays } from './schedule-time.js';
import type { ScheduleData, ScheduleEvent, ScheduleLocation } from './schedule-view.js';
import { DAY, offsetMinutes, wallTime } from './time.js';

// The format's types and identifiers live in ./frab-format.ts; importable from here as ever.
export * from './frab-format.js';

export interface FrabOptions {
  /** `schedule.version`; default: a hash of the exported content (changes when it does). */
  version?: string;
  /** `schedule.base_url` (http(s)). */
  baseUrl?: string;
  /** The generator's version (its name is "Panda Kit"). */
  generatorVersion?: string;
  /** Hour at which a festival day changes (0-23); default 0. */
  dayChangeHour?: number;
  /** `timeslot_duration` in minutes; default 15. */
  timeslotMinutes?: number;
  /** Room for events without a location; default "Other". */
  noRoomName?: string;
  /** URL of an event page; default the event's own, else none (JSON then gives `urn:uuid:<guid>`). */
  eventUrl?: (event: ScheduleEvent) => string | undefined;
}

// ---------------------------------------------------------------------------------------
// The plan both formats are written from
// ---------------------------------------------------------------------------------------

const SLUG = /^[a-z0-9_-]+[a-z0-9]$/;
const ZONE_NAME = /^([A-Z][a-z]+\/[A-Z][a-z]+)|UTC$/; // the schema's pattern, as it is
const pad = (value: number, length = 2) => String(value).padStart(length, '0');

/** ISO 8601 with the zone's offset: 2025-10-26T02:30:00+01:00. */
export function isoWithOffset(epochMs: number, timeZone: string): string {
  const wall = wallTime(epochMs, timeZone);
  const offset = offsetMinutes(epochMs, timeZone);
  const abs = Math.abs(offset);
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:${pad(wall.second)}${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function hoursMinutes(minutes: number): string {
  const clamped = Math.min(Math.max(0, Math.round(minutes)), 99 * 60 + 59);
  return `${pad(Math.floor(clamped / 60))}:${pad(clamped % 60)}`;
}

const LINK_TYPES = new Set(['slides', 'paper', 'web', 'blog', 'article', 'media', 'related', 'activitypub']);
const ROOM_TYPES = new Set(['lecturehall', 'stage', 'workshop', 'outside', 'online', 'project', 'bbb', 'hangar', 'other']);
const isHttp = (url: string | undefined): url is string => url !== undefined && /^https?:\/\//i.test(url);

interface Plan {
  json: FrabScheduleJson;
  timeZone: string;
}

function plan(data: ScheduleData, options: FrabOptions): Plan {
  const timeZone = data.festival.timezone;
  const dayChangeHour = Math.min(23, Math.max(0, Math.floor(options.dayChangeHour ?? 0)));
  const acronym = frabAcronym(data);
  const noRoomName = options.noRoomName ?? 'Other';

  // Rooms: locations with unique names, then the room for events without one.
  const rooms: Array<{ room: FrabRoom; location?: ScheduleLocation }> = [];
  const roomByLocation = new Map<string, FrabRoom>();
  const names = new Set<string>();
  const guids = new Set<string>();
  const addRoom = (name: string, key: string, location?: ScheduleLocation): FrabRoom => {
    let unique = name.trim() === '' ? noRoomName : name;
    for (let n = 2; names.has(unique); n++) unique = `${name} (${n})`;
    names.add(unique);
    let guid = location?.guid !== undefined && UUID.test(location.guid) ? location.guid.toLowerCase() : uuidV5(`room:${key}`);
    if (guids.has(guid)) guid = uuidV5(`room:${key}`);
    guids.add(guid);
    const room: FrabRoom = { name: unique, guid };
    if (location?.description) room.description = location.description;
    else if (location?.address) room.description = location.address;
    if (location?.capacity !== undefined) room.capacity = location.capacity;
    if (isHttp(location?.url)) room.url = location.url;
    if (location && ROOM_TYPES.has(location.kind)) room.type = location.kind;
    rooms.push(location ? { room, location } : { room });
    return room;
  };
  for (const location of data.locations) roomByLocation.set(location.id, addRoom(location.name, location.id, location));
  let otherRoom: FrabRoom | undefined;
  const roomOf = (event: ScheduleEvent): FrabRoom => {
    const first = event.locationIds.map((id) => roomByLocation.get(id)).find((room) => room !== undefined);
    return first ?? (otherRoom ??= addRoom(noRoomName, '\u0000other'));
  };

  // Ids: frab's own where unique, else from the guid.
  const guidOf = new Map<ScheduleEvent, string>();
  const takenGuids = new Set<string>();
  for (const event of data.events) {
    let guid = eventGuid(event);
    if (takenGuids.has(guid)) guid = uuidV5(`event:${event.id}`);
    for (let n = 2; takenGuids.has(guid); n++) guid = uuidV5(`event:${event.id}#${n}`);
    takenGuids.add(guid);
    guidOf.set(event, guid);
  }
  const idOf = new Map<ScheduleEvent, number>();
  const takenIds = new Set<number>();
  for (const event of data.events) {
    if (event.frabId !== undefined && !takenIds.has(event.frabId)) {
      idOf.set(event, event.frabId);
      takenIds.add(event.frabId);
    }
  }
  for (const event of data.events) {
    if (idOf.has(event)) continue;
    let id = (parseInt(guidOf.get(event)!.slice(0, 8), 16) % 2_000_000_000) + 1;
    while (takenIds.has(id)) id = (id % 2_000_000_000) + 1;
    idOf.set(event, id);
    takenIds.add(id);
  }

  const frabEvent = (event: ScheduleEvent): FrabEvent => {
    const guid = guidOf.get(event)!;
    const id = idOf.get(event)!;
    const wall = wallTime(event.start, timeZone);
    const titleSlug = slugify(event.title, '_').slice(0, 48).replace(/_+$/, '') || 'event';
    const url = options.eventUrl?.(event) ?? event.url;
    return {
      guid,
      id,
      date: isoWithOffset(event.start, timeZone),
      start: `${pad(wall.hour)}:${pad(wall.minute)}`,
      end: isoWithOffset(event.end, timeZone),
      duration: hoursMinutes((event.end - event.start) / 60_000),
      room: roomOf(event).name,
      slug: `${acronym}-${id}-${titleSlug}`,
      url: url ?? `urn:uuid:${guid}`,
      title: event.title,
      subtitle: event.subtitle ?? '',
      track: event.track ?? null,
      type: event.kind ?? 'other',
      language: event.language ?? null,
      abstract: event.abstract ?? '',
      description: event.description,
      persons: event.persons.map((person) => ({ name: person.name })),
      links: event.links.map((link) => {
        const out: FrabLink = { url: link.url };
        if (link.title) out.title = link.title;
        if (link.type && LINK_TYPES.has(link.type)) out.type = link.type;
        return out;
      }),
    };
  };

  const span = data.festival.end - data.festival.start <= 366 * DAY ? { from: data.festival.start, to: data.festival.end } : {};
  const days = scheduleDays(data.events, timeZone, { dayChangeHour, ...span });
  if (days.length === 0)
    days.push(
      ...scheduleDays([{ start: data.festival.start, end: data.festival.start + 1 }], timeZone, { dayChangeHour }).map((day) => ({ ...day, events: [] })),
    );
  const frabDays: FrabDay[] = days.map((day, index) => {
    const byRoom = new Map<FrabRoom, FrabEvent[]>();
    for (const event of day.events) {
      const room = roomOf(event);
      const list = byRoom.get(room);
      if (list) list.push(frabEvent(event));
      else byRoom.set(room, [frabEvent(event)]);
    }
    return {
      index: index + 1,
      date: day.key,
      day_start: isoWithOffset(day.start, timeZone),
      day_end: isoWithOffset(day.end, timeZone),
      rooms: Object.fromEntries([...byRoom].map(([room, events]) => [room.name, events])),
    };
  });
  // Rooms in the order of `rooms` within every day (the "other" room may have been added late).
  const order = new Map(rooms.map(({ room }, index) => [room.name, index]));
  for (const day of frabDays) {
    day.rooms = Object.fromEntries(Object.entries(day.rooms).sort(([a], [b]) => order.get(a)! - order.get(b)!));
  }

  const tracks = [...new Set(data.events.map((event) => event.track).filter((track): track is string => !!track))].sort();
  const conference: FrabScheduleJson['schedule']['conference'] = {
    acronym,
    title: data.festival.name,
    start: frabDays[0]!.date,
    end: frabDays.at(-1)!.date,
    daysCount: frabDays.length,
    timeslot_duration: hoursMinutes(options.timeslotMinutes ?? 15),
    tracks: tracks.map((name) => {
      const slug = slugify(name);
      return SLUG.test(slug) ? { name, slug } : { name };
    }),
    rooms: rooms.map(({ room }) => room),
    days: frabDays,
  };
  if (data.festival.description) conference.description = data.festival.description;
  if (ZONE_NAME.test(timeZone)) conference.time_zone_name = timeZone;
  if (isHttp(data.festival.url)) conference.url = data.festival.url;

  const content = JSON.stringify(conference);
  const schedule: FrabScheduleJson['schedule'] = { version: options.version ?? hex(sha1(new TextEncoder().encode(content))).slice(0, 12), conference };
  if (isHttp(options.baseUrl)) schedule.base_url = options.baseUrl;
  const generator: FrabScheduleJson['generator'] = { name: 'Panda Kit' };
  if (options.generatorVersion) generator.version = options.generatorVersion;
  return { json: { $schema: FRAB_SCHEMA_URL, generator, schedule }, timeZone };
}

/** The schedule as c3voc/frab JSON (v1), as an object: `JSON.stringify` it to publish. */
export function exportFrabJson(data: ScheduleData, options: FrabOptions = {}): FrabScheduleJson {
  return plan(data, options).json;
}

// ---------------------------------------------------------------------------------------
// XML
// ---------------------------------------------------------------------------------------

/** Drops what XML 1.0 cannot hold (controls, lone surrogates, U+FFFE/U+FFFF). */
function xmlChars(text: string): string {
  return text.replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '');
}

export function escapeXml(text: string): string {
  return xmlChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeXml(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

function element(name: string, content: string | number, attributes: Record<string, string | number | undefined> = {}): string {
  const attrs = Object.entries(attributes)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => ` ${key}="${escapeAttribute(String(value))}"`)
    .join('');
  return `<${name}${attrs}>${escapeXml(String(content))}</${name}>`;
}

/** The schedule as frab XML (schedule.xml.xsd). */
export function exportFrabXml(data: ScheduleData, options: FrabOptions = {}): string {
  const { json } = plan(data, options);
  const conference = json.schedule.conference;
  const guidOfRoom = new Map(conference.rooms.map((room) => [room.name, room.guid]));
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', '<schedule>'];
  out.push(`  <generator name="Panda Kit"${json.generator.version ? ` version="${escapeAttribute(json.generator.version)}"` : ''}/>`);
  out.push(`  ${element('version', json.schedule.version)}`);
  out.push('  <conference>');
  out.push(`    ${element('title', conference.title)}`);
  out.push(`    ${element('acronym', conference.acronym)}`);
  out.push(`    ${element('start', conference.start)}`);
  out.push(`    ${element('end', conference.end)}`);
  out.push(`    ${element('days', conference.daysCount)}`);
  out.push(`    ${element('timeslot_duration', conference.timeslot_duration)}`);
  if (isHttp(json.schedule.base_url)) out.push(`    ${element('base_url', json.schedule.base_url)}`);
  if (isHttp(conference.url)) out.push(`    ${element('url', conference.url)}`);
  out.push(`    ${element('time_zone_name', data.festival.timezone)}`);
  for (const track of conference.tracks) out.push(`    <track name="${escapeAttribute(track.name)}"/>`);
  out.push('  </conference>');
  for (const day of conference.days) {
    out.push(`  <day index="${day.index}" date="${day.date}" start="${day.day_start}" end="${day.day_end}">`);
    for (const [roomName, events] of Object.entries(day.rooms)) {
      out.push(`    <room name="${escapeAttribute(roomName)}" guid="${guidOfRoom.get(roomName)}">`);
      for (const event of events) {
        out.push(`      <event guid="${event.guid}" id="${event.id}">`);
        const fields: Array<[string, string]> = [
          ['room', event.room],
          ['title', event.title],
          ['subtitle', event.subtitle],
          ['type', event.type],
          ['date', event.date],
          ['start', event.start],
          ['duration', event.duration],
          ['abstract', event.abstract],
          ['slug', event.slug],
          ['track', event.track ?? ''],
        ];
        for (const [name, value] of fields) out.push(`        ${element(name, value)}`);
        if (event.language) out.push(`        ${element('language', event.language)}`);
        out.push(`        ${element('description', event.description)}`);
        if (event.persons.length === 0) out.push('        <persons/>');
        else out.push('        <persons>', ...event.persons.map((person) => `          ${element('person', person.name)}`), '        </persons>');
        if (event.links.length === 0) out.push('        <links/>');
        else
          out.push(
            '        <links>',
            ...event.links.map((link) => `          ${element('link', link.title ?? link.url, { href: link.url, type: link.type })}`),
            '        </links>',
          );
        if (isHttp(event.url)) out.push(`        ${element('url', event.url)}`);
        out.push('      </event>');
      }
      out.push('    </room>');
    }
    out.push('  </day>');
  }
  out.push('</schedule>', '');
  return out.join('\n');
}

/** A file name for the export, e.g. "hoffnung_3000-schedule.json". */
export function frabFileName(data: ScheduleData, format: 'json' | 'xml'): string {
  return `${frabAcronym(data)}-schedule.${format}`;
}
