/**
 * `panda festival create|update|delete` and `panda profile set`, signed as this peer. Times
 * are ISO 8601, read in the festival's time zone unless they carry an offset; a festival
 * made here is joined at once (config.json), so `panda serve` replicates it.
 */
import type { EasyValues } from '../core/index.js';
import { isValidTimeZone, localTimeZone } from '../widgets/lib/time.js';
import type { DocumentContext, Output } from './document-context.js';
import { flagInvalid, flagMissing, quoted, usage, type Flags } from './flags.js';

export const FESTIVAL_FLAGS = ['name', 'description', 'start', 'end', 'timezone', 'parent', 'url', 'image'] as const;
export const PROFILE_FLAGS = ['name', 'description', 'avatar'] as const;

/** --timezone, checked as the model checks it (Intl knows it). */
function zoneFlag(flags: Flags): string | undefined {
  const zone = flags.get('timezone');
  if (zone !== undefined && !isValidTimeZone(zone)) flagInvalid('timezone', `${quoted(zone)} is not an IANA time zone such as Europe/Lisbon`);
  return zone;
}

/** The fields to change, or a usage error when there are none. */
function someChange(values: EasyValues, flags: readonly string[]): EasyValues {
  if (Object.keys(values).length === 0) usage(`nothing to change: give one or more of ${flags.map((flag) => `--${flag}`).join(' ')}`);
  return values;
}

export async function createFestival(flags: Flags, context: DocumentContext, output: Output): Promise<void> {
  const name = flags.text('name') ?? flagMissing('name', 'what the festival is called');
  let timezone = zoneFlag(flags);
  if (timezone === undefined) {
    timezone = localTimeZone();
    context.note(`note: times read in ${timezone}, this machine's time zone; --timezone chooses the festival's`);
  }
  const start = flags.time('start', timezone, context.note) ?? flagMissing('start', 'when the festival begins, e.g. 2027-06-04T14:00');
  const end = flags.time('end', timezone, context.note) ?? flagMissing('end', 'when the festival ends, e.g. 2027-06-06T23:00');
  const parentId = flags.get('parent');
  const parent = parentId === undefined ? undefined : context.festival('--parent', parentId);
  context.noteOutside('the festival', { start, end }, parent);
  const result = await context.sign((signer) =>
    context.node.createFestival(signer, {
      name,
      description: flags.get('description') ?? '',
      start,
      end,
      timezone,
      url: flags.get('url') ?? '',
      image: flags.get('image') ?? '',
      ...(parent ? { parent: parent.id } : {}),
    }),
  );
  context.data.join(result.documentId);
  output(result.documentId);
}

export async function updateFestival(flags: Flags, context: DocumentContext, output: Output, id: string): Promise<void> {
  const festival = context.festival('the festival id', id);
  context.assertOwns(festival, 'Festival');
  const timezone = zoneFlag(flags);
  const zone = timezone ?? festival.timezone;
  const values: EasyValues = {};
  const name = flags.text('name');
  if (name !== undefined) values['name'] = name;
  for (const field of ['description', 'url', 'image'] as const) {
    const value = flags.get(field);
    if (value !== undefined) values[field] = value;
  }
  if (timezone !== undefined) values['timezone'] = timezone;
  const start = flags.time('start', zone, context.note);
  const end = flags.time('end', zone, context.note);
  if (start !== undefined) values['start'] = BigInt(start);
  if (end !== undefined) values['end'] = BigInt(end);
  const parentId = flags.get('parent');
  // --parent "" makes it a festival of its own again.
  if (parentId !== undefined) values['parent'] = parentId === '' ? '' : context.festival('--parent', parentId).id;
  const parentAfter = parentId === undefined ? festival.parent : (values['parent'] as string);
  const parent = parentAfter ? context.model.festivals.get(parentAfter) : undefined;
  context.noteOutside('the festival', { start: start ?? festival.start, end: end ?? festival.end }, parent);
  await context.sign((signer) => context.node.update(signer, festival.id, someChange(values, FESTIVAL_FLAGS)));
  output(festival.id);
}

export async function deleteFestival(_flags: Flags, context: DocumentContext, output: Output, id: string): Promise<void> {
  const festival = context.festival('the festival id', id);
  context.assertOwns(festival, 'Festival');
  await context.sign((signer) => context.node.delete(signer, festival.id));
  output(festival.id);
}

/** Creates this peer's profile, or changes the one it has. */
export async function setProfile(flags: Flags, context: DocumentContext, output: Output): Promise<void> {
  const self = context.publicKey;
  const profile = self === undefined ? undefined : context.model.profileOf(self);
  const name = flags.text('name');
  if (profile === undefined) {
    const fields = {
      name: name ?? flagMissing('name', 'the name people see for this peer'),
      description: flags.get('description') ?? '',
      avatar: flags.get('avatar') ?? '',
    };
    output((await context.sign((signer) => context.node.createProfile(signer, fields))).documentId);
    return;
  }
  const values: EasyValues = {};
  if (name !== undefined) values['name'] = name;
  for (const field of ['description', 'avatar'] as const) {
    const value = flags.get(field);
    if (value !== undefined) values[field] = value;
  }
  await context.sign((signer) => context.node.update(signer, profile.id, someChange(values, PROFILE_FLAGS)));
  output(profile.id);
}
