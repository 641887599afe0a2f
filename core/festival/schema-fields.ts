/**
 * The festival model's application schemas: names, descriptions and fields. Relation
 * fields name their target by schema name; `schema-definitions.ts` (generated from this
 * file) holds the resulting schema ids. Times are Unix seconds (UTC). p2panda has no
 * optional values, so "none" is an empty string; and a schema cannot name its own id, so
 * links to the same schema (a festival's parent, a resource's dependencies) are document
 * ids in text.
 */
export type FestivalSchemaName = 'panda_festival' | 'panda_profile' | 'panda_resource' | 'panda_event' | 'panda_authorization';

export interface FieldSpec {
  /** A p2panda field type; `relation(panda_x)` and the like name the target schema. */
  type: string;
  doc: string;
}

export interface SchemaSpec {
  name: FestivalSchemaName;
  description: string;
  fields: Record<string, FieldSpec>;
}

export const FESTIVAL_SCHEMA_SPECS: readonly SchemaSpec[] = [
  {
    name: 'panda_festival',
    description: 'A festival: a nestable context of resources, events and authorizations, and the boundary of replication.',
    fields: {
      name: { type: 'str', doc: 'Name shown everywhere.' },
      description: { type: 'str', doc: 'What the festival is about.' },
      start: { type: 'int', doc: 'Start, Unix seconds.' },
      end: { type: 'int', doc: 'End, Unix seconds; after start.' },
      timezone: { type: 'str', doc: 'IANA time zone of the festival, e.g. Europe/Berlin.' },
      parent: { type: 'str', doc: 'Document id of the festival this one is part of, or empty.' },
      image: { type: 'str', doc: 'http(s) URL of an image, or empty.' },
      url: { type: 'str', doc: 'http(s) URL of the festival website, or empty.' },
    },
  },
  {
    name: 'panda_profile',
    description: 'How a user presents themselves, and which further device keys act as them.',
    fields: {
      name: { type: 'str', doc: 'Display name.' },
      description: { type: 'str', doc: 'A few words about the user.' },
      avatar: { type: 'str', doc: 'http(s) URL of an avatar image, or empty.' },
      devices: { type: 'str', doc: 'Public keys (hex, space-separated) of further devices that act as this user.' },
    },
  },
  {
    name: 'panda_resource',
    description: 'Anything shareable: a venue, a projector, a skill. Its creator owns it and decides who may use it.',
    fields: {
      festival: { type: 'relation(panda_festival)', doc: 'The festival the resource is offered in.' },
      title: { type: 'str', doc: 'Name of the resource.' },
      description: { type: 'str', doc: 'What it is and how to use it.' },
      kind: { type: 'str', doc: 'thing, skill, location, or another lower-case word.' },
      position: { type: 'str', doc: 'GPS position as an RFC 5870 geo URI (geo:52.52,13.40), or empty.' },
      address: { type: 'str', doc: 'Postal address, or empty.' },
      url: { type: 'str', doc: 'http(s) URL (a web page or an online room), or empty.' },
      coordinate: { type: 'str', doc: '3D coordinate "x,y,z" in metres (a site plan, a virtual world), or empty.' },
      capacity: { type: 'int', doc: 'How many events may hold it at the same time; at least 1.' },
      policy: { type: 'str', doc: 'Authorization policy: first-come-first-served, manual, quorum, or another registered one.' },
      quorum: { type: 'int', doc: 'With the quorum policy: how many members must confirm.' },
      members: { type: 'str', doc: 'With the quorum policy: public keys (hex, space-separated) of the members who vote.' },
      depends_on: { type: 'str', doc: 'Document ids (space-separated) of resources an event must also hold to hold this one.' },
    },
  },
  {
    name: 'panda_event',
    description: 'Something that happens at a festival and needs resources.',
    fields: {
      festival: { type: 'relation(panda_festival)', doc: 'The festival the event is part of.' },
      title: { type: 'str', doc: 'Title.' },
      description: { type: 'str', doc: 'Description.' },
      start: { type: 'int', doc: 'Start, Unix seconds.' },
      end: { type: 'int', doc: 'End, Unix seconds; after start.' },
      resources: { type: 'relation_list(panda_resource)', doc: 'The resources the event requests.' },
      created_at: { type: 'int', doc: 'When the requests were made, Unix seconds, as the author claims: orders first-come-first-served.' },
    },
  },
  {
    name: 'panda_authorization',
    description: "A resource owner's (or member's) decision on one event's use of one resource.",
    fields: {
      festival: { type: 'relation(panda_festival)', doc: 'The festival of the event.' },
      resource: { type: 'relation(panda_resource)', doc: 'The resource decided on.' },
      event: { type: 'relation(panda_event)', doc: 'The event that requested it.' },
      decision: { type: 'str', doc: 'confirm or deny.' },
      note: { type: 'str', doc: 'A note to the requester, or empty.' },
      decided_at: { type: 'int', doc: 'When decided, Unix seconds, as the author claims: the latest decision counts.' },
    },
  },
];
