/**
 * `panda resource create|update|delete`, `panda event create|update|delete` and `panda
 * authorize`, signed as this peer. Event times are ISO 8601 in the festival's time zone
 * unless they carry an offset.
 */
import { OperationFields, PandaError, type EasyValues, type Hash, type Resource } from '../core/index.js';
import type { DocumentContext, Output } from './document-context.js';
import { flagInvalid, flagMissing, quoted, usage, type Flags } from './flags.js';

export const RESOURCE_FLAGS = [
  'festival',
  'kind',
  'title',
  'description',
  'address',
  'geo',
  'url',
  'coordinate',
  'capacity',
  'policy',
  'members',
  'quorum',
  'depends-on',
] as const;
export const EVENT_FLAGS = ['festival', 'title', 'description', 'start', 'end', 'resources'] as const;
export const AUTHORIZE_FLAGS = ['resource', 'event', 'note'] as const;

const KIND = /^[a-z][a-z0-9-]*$/;

function nothingToChange(flags: readonly string[]): never {
  return usage(
    `nothing to change: give one or more of ${flags
      .filter((flag) => flag !== 'festival')
      .map((flag) => `--${flag}`)
      .join(' ')}`,
  );
}

/** The resource fields the flags give (the model checks their values when signing). */
function resourceValues(flags: Flags, context: DocumentContext, existing?: Resource): EasyValues {
  const values: EasyValues = {};
  const title = flags.text('title');
  if (title !== undefined) values['title'] = title;
  const kind = flags.get('kind');
  if (kind !== undefined && !KIND.test(kind)) flagInvalid('kind', `${quoted(kind)} is not one lower-case word such as location, thing or skill`);
  if (kind !== undefined) values['kind'] = kind;
  for (const field of ['description', 'address', 'url'] as const) {
    const value = flags.get(field);
    if (value !== undefined) values[field] = value;
  }
  const geo = flags.get('geo')?.replace(/\s+/g, '');
  // "38.71,-9.14" or the RFC 5870 URI itself; empty removes the position.
  if (geo !== undefined) values['position'] = geo === '' || geo.startsWith('geo:') ? geo : `geo:${geo}`;
  const coordinate = flags.get('coordinate')?.replace(/\s+/g, '');
  if (coordinate !== undefined) values['coordinate'] = coordinate;
  const capacity = flags.integer('capacity');
  if (capacity !== undefined) values['capacity'] = BigInt(capacity);

  const policy = flags.get('policy');
  const names = context.node.policies.names();
  if (policy !== undefined && !names.includes(policy)) flagInvalid('policy', `${quoted(policy)} is none of ${names.join(', ')}`);
  const members = flags.list('members');
  const quorum = flags.integer('quorum');
  const voting = members !== undefined || quorum !== undefined;
  const effective = policy ?? existing?.policy ?? (voting ? 'quorum' : 'first-come-first-served');
  if (voting && effective !== 'quorum')
    flagInvalid(members !== undefined ? 'members' : 'quorum', `goes with --policy quorum only (this resource's policy is ${effective})`);
  if (effective === 'quorum' && !existing) {
    if (members === undefined) flagMissing('members', 'a quorum resource needs the public keys of the members who vote');
    if (quorum === undefined) flagMissing('quorum', 'how many of the members must confirm');
  }
  if (policy !== undefined || !existing) values['policy'] = effective;
  if (members !== undefined) values['members'] = members.join(' ');
  if (quorum !== undefined) values['quorum'] = BigInt(quorum);

  const dependsOn = flags.list('depends-on');
  if (dependsOn !== undefined) values['depends_on'] = dependsOn.map((id) => context.resource('--depends-on', id).id).join(' ');
  return values;
}

export async function createResource(flags: Flags, context: DocumentContext, output: Output): Promise<void> {
  const festival = context.festival('--festival', flags.require('festival', 'the festival the resource is offered in'));
  if (!flags.has('title')) flagMissing('title', 'what the resource is called');
  const values = resourceValues(flags, context);
  const text = (field: string) => (values[field] as string | undefined) ?? '';
  const words = (field: string) =>
    text(field)
      .split(' ')
      .filter((word) => word !== '');
  const result = await context.sign((signer) =>
    context.node.createResource(signer, {
      festival: festival.id,
      title: text('title'),
      kind: text('kind') || 'thing',
      description: text('description'),
      address: text('address'),
      url: text('url'),
      position: text('position'),
      coordinate: text('coordinate'),
      capacity: Number(values['capacity'] ?? 1n),
      policy: text('policy'),
      quorum: Number(values['quorum'] ?? 0n),
      members: words('members'),
      dependsOn: words('depends_on'),
    }),
  );
  output(result.documentId);
}

export async function updateResource(flags: Flags, context: DocumentContext, output: Output, id: string): Promise<void> {
  const resource = context.resource('the resource id', id);
  context.assertOwns(resource, 'Resource');
  if (flags.has('festival')) usage('a resource stays in its festival; --festival is only for panda resource create');
  const values = resourceValues(flags, context, resource);
  if (Object.keys(values).length === 0) nothingToChange(RESOURCE_FLAGS);
  await context.sign((signer) => context.node.update(signer, resource.id, values));
  output(resource.id);
}

/** The requested resources: known, and of this festival or one it is nested in or that is nested in it. */
function requested(flags: Flags, context: DocumentContext, festival: Hash): Hash[] | undefined {
  const family = context.festivalFamily(festival);
  return flags.list('resources')?.map((id) => {
    const resource = context.resource('--resources', id);
    if (!family.has(resource.festival))
      flagInvalid(
        'resources',
        `names ${resource.title} (${id}), which is offered in another festival (${context.model.festivals.get(resource.festival)?.name ?? resource.festival})`,
      );
    return resource.id;
  });
}

export async function createEvent(flags: Flags, context: DocumentContext, output: Output): Promise<void> {
  const festival = context.festival('--festival', flags.require('festival', 'the festival the event is part of'));
  const title = flags.text('title') ?? flagMissing('title', 'what the event is called');
  const start =
    flags.time('start', festival.timezone, context.note) ?? flagMissing('start', `when the event begins (in ${festival.timezone} unless you give an offset)`);
  const end =
    flags.time('end', festival.timezone, context.note) ?? flagMissing('end', `when the event ends (in ${festival.timezone} unless you give an offset)`);
  const resources = requested(flags, context, festival.id) ?? [];
  context.noteOutside('the event', { start, end }, festival);
  const result = await context.sign((signer) =>
    context.node.createEvent(signer, { festival: festival.id, title, description: flags.get('description') ?? '', start, end, resources }),
  );
  output(result.documentId);
}

export async function updateEvent(flags: Flags, context: DocumentContext, output: Output, id: string): Promise<void> {
  const event = context.event('the event id', id);
  context.assertOwns(event, 'Event');
  if (flags.has('festival')) usage('an event stays in its festival; --festival is only for panda event create');
  const festival = context.model.festivals.get(event.festival);
  const zone = festival?.timezone ?? 'UTC';
  const values: EasyValues = {};
  const title = flags.text('title');
  if (title !== undefined) values['title'] = title;
  const description = flags.get('description');
  if (description !== undefined) values['description'] = description;
  const start = flags.time('start', zone, context.note);
  const end = flags.time('end', zone, context.note);
  if (start !== undefined) values['start'] = BigInt(start);
  if (end !== undefined) values['end'] = BigInt(end);
  const resources = requested(flags, context, event.festival);
  if (Object.keys(values).length === 0 && resources === undefined) nothingToChange(EVENT_FLAGS);
  const fields = new OperationFields(values);
  if (resources !== undefined) fields.insert('resources', 'relation_list', resources);
  context.noteOutside('the event', { start: start ?? event.start, end: end ?? event.end }, festival);
  await context.sign((signer) => context.node.update(signer, event.id, fields));
  output(event.id);
}

export async function deleteResource(_flags: Flags, context: DocumentContext, output: Output, id: string): Promise<void> {
  const resource = context.resource('the resource id', id);
  context.assertOwns(resource, 'Resource');
  await context.sign((signer) => context.node.delete(signer, resource.id));
  output(resource.id);
}

export async function deleteEvent(_flags: Flags, context: DocumentContext, output: Output, id: string): Promise<void> {
  const event = context.event('the event id', id);
  context.assertOwns(event, 'Event');
  await context.sign((signer) => context.node.delete(signer, event.id));
  output(event.id);
}

/** A decision on an event's request for a resource, by its owner or (quorum) one of its members. */
export async function authorize(flags: Flags, context: DocumentContext, output: Output, decision: string): Promise<void> {
  if (decision !== 'confirm' && decision !== 'deny')
    usage(`decide with confirm or deny, not ${quoted(decision)}: panda authorize --resource ID --event ID confirm|deny`);
  const resource = context.resource('--resource', flags.require('resource', 'the resource decided on'));
  const event = context.event('--event', flags.require('event', 'the event whose request is decided'));
  if (!event.resources.includes(resource.id)) flagInvalid('event', `names ${event.title}, which does not request ${resource.title}`);
  const voters = context.node.policies.get(resource.policy)?.voters(resource) ?? [resource.owner];
  const self = context.publicKey;
  if (self === undefined || !voters.some((voter) => context.model.actsFor(self, voter))) {
    throw new PandaError(
      'CLI_NOT_ALLOWED',
      `${resource.title} is decided by ${voters.map((voter) => context.nameOf(voter)).join(', ')} (${resource.policy}); this peer (${self ?? 'no identity yet'}) is not among them`,
      { id: resource.id },
    );
  }
  const note = flags.get('note') ?? '';
  const result = await context.sign((signer) => context.node.authorize(signer, resource.id, event.id, decision, note));
  output(result.documentId);
}
