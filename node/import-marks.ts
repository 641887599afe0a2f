/**
 * What `panda import-schedule` writes into the documents it makes, and how it knows them
 * again. The last line of an imported document's description names where it came from —
 * the talk (its guid, else its id), the room, or the schedule — so the mapping from talks
 * to documents lives in the signed documents themselves: it replicates with them, cannot
 * drift from them, and a crash between two documents leaves nothing to repair (the next
 * run reads what is there and goes on).
 *
 * DOM-free and Node-free (the planner can import schedules too).
 */
import type { ScheduleEvent, ScheduleLocation } from '../widgets/lib/schedule-view.js';

export type MarkKind = 'talk' | 'room' | 'festival';

const MARK = /(?:^|\n)\[imported from a schedule: (talk|room|festival)(?: ([^\]\n]*))?\]$/;

/** A key as a mark can hold it (no brackets or line breaks; guids and ids have none). */
const markKey = (key: string) => key.replace(/[\]\n\r]/g, '');

/** `text`, then a blank line and the mark. */
export function withMark(text: string, kind: MarkKind, key = ''): string {
  const mark = `[imported from a schedule: ${kind}${key === '' ? '' : ` ${markKey(key)}`}]`;
  return text.trim() === '' ? mark : `${text.trim()}\n\n${mark}`;
}

/** The mark a description ends with, if any. */
export function markOf(description: string): { kind: MarkKind; key: string } | undefined {
  const match = MARK.exec(description);
  return match ? { kind: match[1] as MarkKind, key: match[2] ?? '' } : undefined;
}

/** An event's description: subtitle, abstract and description, persons, track and links, then the mark. */
export function talkDescription(event: ScheduleEvent): string {
  const sections = [event.subtitle, event.abstract, event.description === event.abstract ? undefined : event.description]
    .map((text) => text?.trim())
    .filter((text) => text !== undefined && text !== '');
  const facts: string[] = [];
  if (event.persons.length > 0) facts.push(`${event.persons.length === 1 ? 'Speaker' : 'Speakers'}: ${event.persons.map((person) => person.name).join(', ')}`);
  if (event.track) facts.push(`Track: ${event.track}`);
  if (event.kind) facts.push(`Type: ${event.kind}${event.language ? ` (${event.language})` : ''}`);
  if (event.url) facts.push(`Talk page: ${event.url}`);
  if (facts.length > 0) sections.push(facts.join('\n'));
  if (event.links.length > 0) sections.push(['Links:', ...event.links.map((link) => `- ${link.title ? `${link.title}: ` : ''}${link.url}`)].join('\n'));
  return withMark(sections.join('\n\n'), 'talk', event.id);
}

/** A room's description: the schedule's, its seats, then the mark. */
export function roomDescription(location: ScheduleLocation): string {
  const lines = [location.description?.trim() ?? ''];
  if (location.capacity !== undefined && location.capacity > 0) lines.push(`Seats: ${location.capacity}`);
  return withMark(lines.filter((line) => line !== '').join('\n\n'), 'room');
}
