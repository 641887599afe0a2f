/**
 * A c3voc/frab schedule.xml (c3voc-schedule.xml.xsd, as frab, pretalx and Panda Kit's
 * ./export-frab.ts write it) as the JSON v1 value ./import-frab.ts reads: one reader of
 * times, rooms, persons and links for every format. Only the shape changes here: elements
 * become fields, attributes the ids; values are checked where JSON's are.
 *
 * DOM-free: runs in Node and in a page.
 */
import type { Json } from './schedule-input.js';
import { child, childrenNamed, childText, type XmlElement } from './xml-reader.js';

/** `id="10386"` as the number JSON has; anything else as written (the reader then ignores it). */
const numberOr = (value: string | undefined) => (value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : value);

function eventJson(event: XmlElement, roomName: string): Json {
  const json: Json = {
    guid: event.attributes['guid'],
    id: numberOr(event.attributes['id']),
    code: event.attributes['code'],
    room: childText(event, 'room') ?? roomName,
    persons: childrenNamed(child(event, 'persons') ?? event, 'person').map((person) => ({
      public_name: person.text.trim(),
      ...(person.attributes['guid'] ? { guid: person.attributes['guid'] } : {}),
    })),
    links: childrenNamed(child(event, 'links') ?? event, 'link').map((link) => ({
      url: link.attributes['href'],
      title: link.text.trim(),
      ...(link.attributes['type'] ? { type: link.attributes['type'] } : {}),
    })),
  };
  for (const name of ['title', 'subtitle', 'type', 'date', 'start', 'end', 'duration', 'abstract', 'track', 'language', 'description', 'url']) {
    // Titles keep their spaces as written; the rest is trimmed.
    const value = name === 'title' ? child(event, name)?.text : childText(event, name);
    if (value !== undefined) json[name] = value;
  }
  return json;
}

/** The JSON v1 value of a `<schedule>` root element. */
export function frabXmlToJson(root: XmlElement): Json {
  const conferenceElement = child(root, 'conference');
  const conference: Json = {};
  if (conferenceElement) {
    for (const name of ['title', 'acronym', 'start', 'end', 'time_zone_name', 'url', 'logo', 'description']) {
      const value = childText(conferenceElement, name);
      if (value !== undefined) conference[name] = value;
    }
  }
  const rooms = new Map<string, Json>();
  conference['days'] = childrenNamed(root, 'day').map((day) => {
    const dayRooms: Record<string, Json[]> = {};
    for (const room of childrenNamed(day, 'room')) {
      const name = room.attributes['name'] ?? '';
      if (name !== '' && !rooms.has(name)) rooms.set(name, room.attributes['guid'] ? { name, guid: room.attributes['guid'] } : { name });
      (dayRooms[name] ??= []).push(...childrenNamed(room, 'event').map((event) => eventJson(event, name)));
    }
    return { index: numberOr(day.attributes['index']), date: day.attributes['date'], rooms: dayRooms };
  });
  conference['rooms'] = [...rooms.values()];
  const baseUrl = conferenceElement ? childText(conferenceElement, 'base_url') : undefined;
  return { schedule: { version: childText(root, 'version'), ...(baseUrl ? { base_url: baseUrl } : {}), conference } };
}
