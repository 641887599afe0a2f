/**
 * A c3voc schedule in JSON format v2 (c3voc-schedule-schema2.json: one flat list of events
 * with start and end, rooms named by guid, participants, texts per language) as the JSON v1
 * value ./import-frab.ts reads: one reader of times, rooms, persons and links for every
 * format. Only the shape changes here; values are checked where v1's are.
 *
 * DOM-free: runs in Node and in a page.
 */
import { isObject, type Json } from './schedule-input.js';

/** Whether a parsed JSON value is a v2 schedule (its events are one list beside the conference). */
export const isFrabV2 = (value: unknown): boolean => isObject(value) && isObject(value.schedule) && Array.isArray(value.schedule.events);

/** A LocalizableString: text, null, or texts by language (`language` first, else English, else the first). */
function localized(value: unknown, language: string | undefined): unknown {
  if (!isObject(value)) return value;
  const texts = Object.values(value);
  return (language !== undefined ? value[language] : undefined) ?? value['en'] ?? texts[0];
}

/** ISO 8601 durations of events (PT1H30M) as v1's "01:30". */
function clockDuration(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(value);
  if (!match || (match[1] === undefined && match[2] === undefined)) return value;
  const minutes = Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The JSON v1 value of a v2 schedule (check with isFrabV2 first). */
export function frabV2ToJson(value: Json): Json {
  const schedule = value.schedule as Json;
  const conference = isObject(schedule.conference) ? schedule.conference : {};
  const defaults = isObject(conference.defaults) ? conference.defaults : {};
  const language = typeof defaults.language === 'string' ? defaults.language : undefined;
  const rooms = Array.isArray(conference.rooms) ? conference.rooms.filter(isObject) : [];
  const roomByGuid = new Map(rooms.filter((room) => typeof room.guid === 'string').map((room) => [room.guid as string, room.name]));
  const tracks = Array.isArray(conference.tracks) ? conference.tracks.filter(isObject) : [];
  const trackBySlug = new Map(tracks.filter((track) => typeof track.slug === 'string').map((track) => [track.slug as string, track.name]));

  const roomName = (reference: unknown): string => {
    if (!isObject(reference)) return typeof reference === 'string' ? reference : '';
    const name = (typeof reference.guid === 'string' ? roomByGuid.get(reference.guid) : undefined) ?? reference.name;
    return typeof name === 'string' ? name : '';
  };
  const byRoom: Record<string, unknown[]> = {};
  for (const event of schedule.events as unknown[]) {
    if (!isObject(event)) {
      (byRoom[''] ??= []).push(event);
      continue;
    }
    const track = isObject(event.track) ? (trackBySlug.get(event.track.slug as string) ?? event.track.slug) : event.track;
    const room = roomName(event.room);
    (byRoom[room] ??= []).push({
      guid: event.guid,
      code: event.code,
      title: event.title,
      subtitle: event.subtitle,
      type: event.type,
      language: event.language,
      url: event.url,
      date: event.start,
      end: event.end,
      duration: clockDuration(event.duration),
      room,
      track,
      abstract: localized(event.abstract, language),
      description: localized(event.description, language),
      persons: Array.isArray(event.participants)
        ? event.participants.filter(isObject).map((person) => ({ name: person.name, ...(typeof person.guid === 'string' ? { guid: person.guid } : {}) }))
        : event.participants,
      links: event.links,
    });
  }
  const logo = isObject(conference.logo) ? conference.logo.url : conference.logo;
  return {
    schedule: {
      version: schedule.version,
      conference: {
        acronym: conference.acronym,
        title: conference.title,
        description: localized(conference.description, language),
        start: conference.start,
        end: conference.end,
        time_zone_name: conference.time_zone_name,
        url: conference.url,
        logo,
        rooms: rooms.map((room) => ({ ...room, description: localized(room.description, language) })),
        days: [{ index: 1, rooms: byRoom }],
      },
    },
  };
}
