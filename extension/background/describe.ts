/**
 * A publish request in human words, for the approval prompt: "Create event 'Night of chaos'
 * at Klangkeller, Fri 21:00-23:00, in festival Hoffnung 3000". Names come from the
 * festival model; times are shown in the festival's time zone.
 */
import type { FestivalModel, Hash } from '../../core/index.js';
import type { PublishRequest } from './publish-request.js';

const quote = (text: string) => `'${text.length > 80 ? `${text.slice(0, 79)}…` : text}'`;

export function timeRange(start: number, end: number, timeZone: string, locale = 'en-GB'): string {
  const zone = timeZone || 'UTC';
  const day = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: zone });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone });
  const from = new Date(start * 1000);
  const to = new Date(end * 1000);
  const sameDay = day.format(from) === day.format(to) && end - start < 86400;
  return sameDay ? `${day.format(from)} ${time.format(from)}-${time.format(to)}` : `${day.format(from)} ${time.format(from)} - ${day.format(to)} ${time.format(to)}`;
}

function festivalName(model: FestivalModel, id: Hash | undefined): string {
  if (id === undefined) return 'an unknown festival';
  const festival = model.festivals.get(id);
  return festival ? `festival ${festival.name}` : `festival ${id.slice(4, 12)}…`;
}

function titleOf(model: FestivalModel, id: Hash): string {
  const item = model.events.get(id) ?? model.resources.get(id);
  if (item) return quote(item.title);
  const festival = model.festivals.get(id);
  if (festival) return quote(festival.name);
  const profile = model.profiles.get(id);
  return profile ? quote(profile.name) : `${id.slice(4, 12)}…`;
}

export function describePublish(request: PublishRequest, model: FestivalModel): string {
  const verb = request.action === 'create' ? 'Create' : request.action === 'update' ? 'Change' : 'Delete';
  if (request.action !== 'create') {
    const changes = request.action === 'update' ? ` (${Object.keys(request.fields).join(', ')})` : '';
    return `${verb} ${request.type} ${titleOf(model, request.documentId)}${changes}`;
  }
  const fields = request.fields;
  switch (request.type) {
    case 'event': {
      const festival = model.festivals.get(fields.festival as Hash);
      const places = ((fields.resources as Hash[] | undefined) ?? []).map((id) => model.resources.get(id)).filter((resource) => resource !== undefined);
      const at = places.length > 0 ? ` at ${places.map((resource) => resource.title).join(', ')}` : '';
      const when = timeRange(Number(fields.start), Number(fields.end), festival?.timezone ?? 'UTC');
      return `${verb} event ${quote(String(fields.title))}${at}, ${when}, in ${festivalName(model, fields.festival as Hash)}`;
    }
    case 'resource':
      return `${verb} ${String(fields.kind ?? 'thing')} ${quote(String(fields.title))} in ${festivalName(model, fields.festival as Hash)}`;
    case 'festival':
      return `${verb} festival ${quote(String(fields.name))}${fields.parent ? ` within ${festivalName(model, fields.parent as Hash)}` : ''}`;
    case 'profile':
      return `${verb} your profile ${quote(String(fields.name))}`;
    case 'authorization': {
      const decision = fields.decision === 'confirm' ? 'Confirm' : 'Deny';
      return `${decision} ${titleOf(model, fields.resource as Hash)} for event ${titleOf(model, fields.event as Hash)}`;
    }
  }
}
