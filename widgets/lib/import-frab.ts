/**
 * The frab importer: the view of a static c3voc/frab schedule JSON file (read-only), the
 * counterpart of ./export-frab.ts.
 *
 * DOM-free: runs in Node and in a page.
 */
import { isPandaError } from '../../core/errors.js';
import { array, httpUrl, invalidSchedule, isObject, object, optionalString, slugify, string, timezoneOr } from './schedule-input.js';
import { compareEvents, type FestivalInfo, type Link, type Person, type ScheduleData, type ScheduleEvent, type ScheduleLocation } from './schedule-view.js';
import { addDays, parseDayKey, startOfDay, wallTimeToEpoch } from './time.js';

// ---------------------------------------------------------------------------------------

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const DURATION = /^(\d+):(\d{2})(?::(\d{2}))?$/;

/** An ISO date-time; without an offset it is wall time in `timeZone` (none: the schedule's zone is unknown). */
function parseDateTime(value: string, timeZone: string | undefined, path: string): number {
  const match = DATE_TIME.exec(value.trim());
  if (!match) return invalidSchedule(`"${value.slice(0, 40)}" is not a date and time`, path);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60)
    invalidSchedule(`"${value.slice(0, 40)}" is not a date and time`, path);
  const zone = match[7];
  if (zone === undefined && timeZone === undefined) invalidSchedule(`"${value.slice(0, 40)}" has no offset, and the schedule's time zone is unknown`, path);
  if (zone === undefined) return wallTimeToEpoch({ year, month, day, hour, minute, second }, timeZone!);
  const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  return Date.UTC(year, month - 1, day, hour, minute, second) - offset * 60_000;
}

/** "HH:MM" or "HH:MM:SS" in ms. */
function parseDuration(value: string, path: string): number {
  const match = DURATION.exec(value.trim());
  if (!match) return invalidSchedule(`"${value.slice(0, 20)}" is not a duration`, path);
  const [hours, minutes, secs] = [1, 2, 3].map((i) => Number(match[i] ?? 0)) as [number, number, number];
  if (minutes > 59 || secs > 59) invalidSchedule(`"${value.slice(0, 20)}" is not a duration`, path);
  return ((hours * 60 + minutes) * 60 + secs) * 1000;
}

/** A date or date-time (conference start/end): a date is that day's start in `timeZone`. */
function dateOrDateTime(value: unknown, timeZone: string, path: string, endOfDay: boolean): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    try {
      parseDayKey(value);
    } catch {
      return invalidSchedule(`"${value.slice(0, 20)}" is not a date`, path);
    }
    return startOfDay(endOfDay ? addDays(value, 1) : value, timeZone);
  }
  return parseDateTime(value, timeZone, path);
}

function persons(value: unknown, path: string): Person[] {
  if (value === undefined || value === null) return [];
  return array(value, path, 1000).flatMap((entry, index) => {
    if (typeof entry === 'string') return entry === '' ? [] : [{ name: entry }];
    const person = object(entry, `${path}[${index}]`);
    const name = [person.name, person.public_name, person.full_public_name].find((candidate) => typeof candidate === 'string' && candidate !== '') as
      string | undefined;
    if (name === undefined) return [];
    const id = [person.guid, person.code, person.id].find((candidate) => typeof candidate === 'string' || typeof candidate === 'number');
    return [id === undefined ? { name } : { name, id: String(id) }];
  });
}

function links(value: unknown, path: string, base: string | undefined): Link[] {
  if (value === undefined || value === null) return [];
  return array(value, path, 1000).flatMap((entry) => {
    if (!isObject(entry)) return [];
    const url = httpUrl(entry.url ?? entry.href, base);
    if (!url) return [];
    const link: Link = { url };
    if (typeof entry.title === 'string' && entry.title !== '') link.title = entry.title;
    if (typeof entry.type === 'string' && entry.type !== '') link.type = entry.type;
    return [link];
  });
}

/** A talk left out of a lenient reading, and why. */
export interface SkippedTalk {
  /** The talk as people know it: its title (and guid or id), else where it is in the file. */
  talk: string;
  reason: string;
  /** The id a valid reading would give it (guid, else id, else code), when it has one. */
  key?: string;
}

export interface FrabReading {
  data: ScheduleData;
  /** Talks left out (lenient readings only; a strict one throws instead). */
  skipped: SkippedTalk[];
  /** The time zone the file names when Intl does not know it (times are then read as the options say). */
  unknownTimeZone?: string;
}

export interface FrabReadOptions {
  /** Leave out the talks that break a rule, listing them, instead of throwing (the importer). */
  lenient?: boolean;
  /** Read times without an offset in this zone instead of the schedule's. */
  timeZone?: string;
}

/** A talk left out: its name for a problem line, and its id as a valid reading would give it. */
function skippedTalk(input: Record<string, unknown>, path: string, reason: string): SkippedTalk {
  const title = typeof input.title === 'string' && input.title.trim() !== '' ? JSON.stringify(input.title.trim().slice(0, 80)) : undefined;
  const guid = typeof input.guid === 'string' && input.guid !== '' ? input.guid : undefined;
  const frabId = typeof input.id === 'number' && Number.isSafeInteger(input.id) && input.id > 0 ? String(input.id) : undefined;
  const code = typeof input.code === 'string' && input.code !== '' ? input.code : undefined;
  const key = guid ?? frabId ?? code;
  const id = guid ? `guid ${guid}` : frabId ? `id ${frabId}` : code ? `code ${code}` : undefined;
  const talk = title && id ? `${title} (${id})` : (title ?? (id ? `the talk with ${id}` : `the talk at ${path}`));
  return key === undefined ? { talk, reason } : { talk, reason, key };
}

/**
 * The view of a c3voc/frab schedule (JSON format v1, as frab and pretalx publish it; a JSON
 * text or the parsed value). Read-only. Times come from each event's `date` (its offset
 * kept; wall time in the conference's `time_zone_name` without one), else from its day's
 * date and `start`; ends from `end`, else `duration`. Rooms become locations (id = room
 * name, as events name their room); events' ids are their guids (else numeric ids).
 * Throws SCHEDULE_INVALID for anything that is not such a schedule.
 */
export function fromFrabJson(json: unknown): ScheduleData {
  return readFrabJson(json).data;
}

/**
 * fromFrabJson, with options: `lenient` leaves out (and lists) the talks that break a rule,
 * where a strict reading throws; the file as a whole must still be a schedule.
 */
export function readFrabJson(json: unknown, options: FrabReadOptions = {}): FrabReading {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      invalidSchedule('is not JSON');
    }
  }
  const root = object(value, '');
  const schedule = object(root.schedule, 'schedule');
  if (Array.isArray(schedule.events) && schedule.conference !== undefined && !isObject(schedule.conference))
    invalidSchedule('schedule format v2 is not supported', 'schedule');
  const conference = object(schedule.conference, 'schedule.conference');
  const title = optionalString(conference.title, 'schedule.conference.title') ?? optionalString(conference.acronym, 'schedule.conference.acronym');
  if (title === undefined) invalidSchedule('has neither title nor acronym', 'schedule.conference');
  const declaredZone = conference.time_zone_name;
  const unknownTimeZone = typeof declaredZone === 'string' && declaredZone !== '' && timezoneOr(declaredZone, '') === '' ? declaredZone : undefined;
  const timezone = options.timeZone ?? timezoneOr(declaredZone, 'UTC');
  // A lenient reading does not guess: talks whose times need the unknown zone are left out.
  const wallZone = options.lenient && unknownTimeZone !== undefined && options.timeZone === undefined ? undefined : timezone;
  const baseUrl = httpUrl(schedule.base_url);
  const festivalId = optionalString(conference.acronym, 'schedule.conference.acronym') ?? (slugify(title) || 'schedule');

  const locations = new Map<string, ScheduleLocation>();
  const roomOf = (name: string): ScheduleLocation => {
    let location = locations.get(name);
    if (!location) locations.set(name, (location = { id: name, name, kind: 'room' }));
    return location;
  };
  if (conference.rooms !== undefined && conference.rooms !== null) {
    array(conference.rooms, 'schedule.conference.rooms', 10_000).forEach((entry, index) => {
      const path = `schedule.conference.rooms[${index}]`;
      const room = object(entry, path);
      const location = roomOf(string(room.name, `${path}.name`));
      if (typeof room.type === 'string' && room.type !== '') location.kind = room.type;
      if (typeof room.guid === 'string' && room.guid !== '') location.guid = room.guid;
      if (typeof room.description === 'string' && room.description !== '') location.description = room.description;
      if (typeof room.capacity === 'number' && Number.isFinite(room.capacity)) location.capacity = room.capacity;
      const url = httpUrl(room.url, baseUrl);
      if (url) location.url = url;
    });
  }

  const events: ScheduleEvent[] = [];
  const skipped: SkippedTalk[] = [];
  const ids = new Set<string>();
  const readEvent = (input: Record<string, unknown>, path: string, roomName: string, date: string | undefined, dayPath: string): ScheduleEvent => {
    const eventTitle = string(input.title, `${path}.title`);
    let start: number;
    const dateTime = optionalString(input.date, `${path}.date`);
    if (dateTime !== undefined) start = parseDateTime(dateTime, wallZone, `${path}.date`);
    else {
      const clock = CLOCK.exec(optionalString(input.start, `${path}.start`) ?? '');
      if (!clock || date === undefined) return invalidSchedule('has neither date nor day date and start', path);
      if (wallZone === undefined) return invalidSchedule(`its start ${clock[0]} has no offset, and the schedule's time zone is unknown`, path);
      const {
        year,
        month,
        day: dayOfMonth,
      } = (() => {
        try {
          return parseDayKey(date);
        } catch {
          return invalidSchedule('is not a date', `${dayPath}.date`);
        }
      })();
      start = wallTimeToEpoch({ year, month, day: dayOfMonth, hour: Number(clock[1]), minute: Number(clock[2]), second: Number(clock[3] ?? 0) }, wallZone);
    }
    const endText = optionalString(input.end, `${path}.end`);
    const durationText = optionalString(input.duration, `${path}.duration`);
    let end: number;
    if (endText !== undefined) end = parseDateTime(endText, wallZone, `${path}.end`);
    else if (durationText !== undefined) end = start + parseDuration(durationText, `${path}.duration`);
    else return invalidSchedule('has neither end nor duration', path);
    if (end < start) invalidSchedule('ends before it starts', path);

    const room = optionalString(input.room, `${path}.room`) ?? roomName;
    const frabId = typeof input.id === 'number' && Number.isSafeInteger(input.id) && input.id > 0 ? input.id : undefined;
    let id =
      optionalString(input.guid, `${path}.guid`) ??
      (frabId !== undefined ? String(frabId) : (optionalString(input.code, `${path}.code`) ?? `${festivalId}-${events.length + 1}`));
    // The same guid twice (a talk in two slots): the later ones get a suffix.
    for (let n = 2; ids.has(id); n++) id = `${id.replace(/#\d+$/, '')}#${n}`;
    const description = optionalString(input.description, `${path}.description`);
    const abstract = optionalString(input.abstract, `${path}.abstract`);
    const event: ScheduleEvent = {
      id,
      title: eventTitle,
      description: description ?? abstract ?? '',
      start,
      end,
      festivalId,
      festivalName: title,
      locationIds: room === '' ? [] : [roomOf(room).id],
      resources: [],
      confirmed: 0,
      requested: 0,
      confirmation: 1,
      persons: persons(input.persons, `${path}.persons`),
      links: links(input.links, `${path}.links`, baseUrl),
    };
    const subtitle = optionalString(input.subtitle, `${path}.subtitle`);
    const track = optionalString(input.track, `${path}.track`);
    const kind = optionalString(input.type, `${path}.type`);
    const language = optionalString(input.language, `${path}.language`);
    const url = httpUrl(input.url, baseUrl);
    if (subtitle) event.subtitle = subtitle;
    if (abstract) event.abstract = abstract;
    if (track) event.track = track;
    if (kind) event.kind = kind;
    if (language) event.language = language;
    if (url) event.url = url;
    if (frabId !== undefined) event.frabId = frabId;
    ids.add(id);
    return event;
  };

  array(conference.days, 'schedule.conference.days', 10_000).forEach((dayValue, d) => {
    const dayPath = `schedule.conference.days[${d}]`;
    const day = object(dayValue, dayPath);
    const date = optionalString(day.date, `${dayPath}.date`);
    const rooms = object(day.rooms, `${dayPath}.rooms`);
    for (const [roomName, list] of Object.entries(rooms)) {
      if (roomName !== '') roomOf(roomName);
      const roomPath = `${dayPath}.rooms[${JSON.stringify(roomName.slice(0, 40))}]`;
      array(list, roomPath).forEach((eventValue, e) => {
        if (events.length + skipped.length >= 100_000) invalidSchedule('has more than 100000 events', 'schedule');
        const path = `${roomPath}[${e}]`;
        const input = object(eventValue, path);
        try {
          events.push(readEvent(input, path, roomName, date, dayPath));
        } catch (error) {
          if (!options.lenient || !isPandaError(error, 'SCHEDULE_INVALID')) throw error;
          // "…rooms["Curie"][3].duration: "long" is not a duration" → "duration: "long" is not a duration"
          const reason = error.message.startsWith(path) ? error.message.slice(path.length).replace(/^[.:]\s*/, '') : error.message;
          skipped.push(skippedTalk(input, path, reason));
        }
      });
    }
  });

  events.sort(compareEvents);
  const conferenceZone = wallZone ?? 'UTC';
  const start = dateOrDateTime(conference.start, conferenceZone, 'schedule.conference.start', false) ?? events[0]?.start;
  const end =
    dateOrDateTime(conference.end, conferenceZone, 'schedule.conference.end', true) ?? events.reduce((max, event) => Math.max(max, event.end), -Infinity);
  if (start === undefined || !Number.isFinite(end)) invalidSchedule('has neither start and end nor events', 'schedule.conference');
  const festival: FestivalInfo = {
    id: festivalId,
    name: title,
    description: optionalString(conference.description, 'schedule.conference.description') ?? '',
    timezone,
    start,
    end: Math.max(start, end),
  };
  const url = httpUrl(conference.url) ?? baseUrl;
  if (url) festival.url = url;
  const logo = httpUrl(conference.logo, baseUrl);
  if (logo) festival.image = logo;
  const data: ScheduleData = {
    festival,
    festivals: [festival],
    locations: [...locations.values()],
    events,
    source: 'frab',
    readOnly: true,
  };
  return unknownTimeZone === undefined ? { data, skipped } : { data, skipped, unknownTimeZone };
}
