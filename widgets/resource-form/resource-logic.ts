/**
 * A resource's form without the DOM, for `<panda-resource-form>` and the planner alike: the
 * values as inputs hold them, validation with the festival model's own rules
 * (core/festival/rules.ts), the RFC 5870 geo URI and its public map link, and the
 * `panda_publish` parameters.
 *
 * Beyond the model's rules, the form asks for a title, a kind that is one lower-case word,
 * both halves of a position and all three of a coordinate, and dependencies among the
 * festival's known resources (the model accepts any document id: one may arrive later).
 */
import { checkCount, checkGlobe, checkPublicKeys, checkQuorum, isPublicKey, parseCoordinate, parseGeoUri, safeUrl, words } from '../../core/festival/rules.js';
import { fieldError, ruleError, type FieldError } from '../lib/form-i18n.js';
import { mapUrl } from '../resource/resource-data.js';

export const RESOURCE_KINDS = ['location', 'thing', 'skill'] as const;
/** The policies the model has built in, by their names in documents. */
export const POLICIES = ['first-come-first-served', 'manual', 'quorum'] as const;
export type Policy = (typeof POLICIES)[number];

export interface ResourceValues {
  /** location, thing, skill, or 'other' (then `otherKind` says which). */
  kind: string;
  otherKind: string;
  title: string;
  description: string;
  address: string;
  /** Decimal degrees as typed ("" for none). */
  latitude: string;
  longitude: string;
  url: string;
  /** A 3D coordinate in metres, as typed. */
  x: string;
  y: string;
  z: string;
  capacity: string;
  policy: Policy;
  /** Members picked from known profiles (public keys). */
  members: string[];
  /** Further members' keys, pasted (one per line or space-separated). */
  memberKeys: string;
  quorum: string;
  /** Resource ids it depends on. */
  dependsOn: string[];
}

export type ResourceField = 'kind' | 'title' | 'latitude' | 'longitude' | 'url' | 'coordinate' | 'capacity' | 'members' | 'quorum' | 'dependsOn';
export type ResourceErrors = Partial<Record<ResourceField, FieldError>>;

/** The fields of a resource document, checked (as `panda_publish` takes them for a create). */
export interface ResourceFields {
  title: string;
  description: string;
  kind: string;
  position: string;
  address: string;
  url: string;
  coordinate: string;
  capacity: number;
  policy: string;
  quorum: number;
  members: string[];
  dependsOn: string[];
}

export interface CheckedResource {
  errors: ResourceErrors;
  /** Present exactly when there are no errors. */
  fields?: ResourceFields;
}

export function emptyResource(kind = 'location'): ResourceValues {
  return {
    kind,
    otherKind: '',
    title: '',
    description: '',
    address: '',
    latitude: '',
    longitude: '',
    url: '',
    x: '',
    y: '',
    z: '',
    capacity: '1',
    policy: 'manual',
    members: [],
    memberKeys: '',
    quorum: '1',
    dependsOn: [],
  };
}

/** A resource as the `resource` query answers it (festival-model JSON). */
export interface ResourceInput {
  title: string;
  description?: string;
  kind: string;
  location?: { position?: { latitude: number; longitude: number }; address?: string; url?: string; coordinate?: { x: number; y: number; z: number } };
  capacity?: number;
  policy?: string;
  quorum?: number;
  members?: readonly string[];
  dependsOn?: readonly string[];
}

/** The form's values for an existing resource; members not among `known` go to the pasted keys. */
export function resourceValuesOf(resource: ResourceInput, known: readonly string[] = []): ResourceValues {
  const builtIn = (RESOURCE_KINDS as readonly string[]).includes(resource.kind);
  const { position, coordinate } = resource.location ?? {};
  const members = [...(resource.members ?? [])];
  return {
    kind: builtIn ? resource.kind : 'other',
    otherKind: builtIn ? '' : resource.kind,
    title: resource.title,
    description: resource.description ?? '',
    address: resource.location?.address ?? '',
    latitude: position ? String(position.latitude) : '',
    longitude: position ? String(position.longitude) : '',
    url: resource.location?.url ?? '',
    x: coordinate ? String(coordinate.x) : '',
    y: coordinate ? String(coordinate.y) : '',
    z: coordinate ? String(coordinate.z) : '',
    capacity: String(resource.capacity ?? 1),
    policy: (POLICIES as readonly string[]).includes(resource.policy ?? '') ? (resource.policy as Policy) : 'manual',
    members: members.filter((key) => known.includes(key)),
    memberKeys: members.filter((key) => !known.includes(key)).join('\n'),
    quorum: String(resource.quorum || 1),
    dependsOn: [...(resource.dependsOn ?? [])],
  };
}

const DECIMAL = /^[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$/;
/** A decimal number as typed (a comma as decimal separator too), or undefined. */
export function decimal(value: string): number | undefined {
  const trimmed = value.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed.replace(',', '.')) : undefined;
}

/** The RFC 5870 geo URI of a position ("geo:52.52,13.405"). */
export const geoUri = (latitude: number, longitude: number) => `geo:${latitude},${longitude}`;

/** The position the values describe (if both halves are valid numbers on the globe), with its map link. */
export function positionOf(values: Pick<ResourceValues, 'latitude' | 'longitude'>): { uri: string; mapUrl: string } | undefined {
  const latitude = decimal(values.latitude);
  const longitude = decimal(values.longitude);
  if (latitude === undefined || longitude === undefined || ruleError(() => checkGlobe(latitude, longitude))) return undefined;
  return { uri: geoUri(latitude, longitude), mapUrl: mapUrl({ latitude, longitude }) };
}

/** Every member: those picked and those pasted, without repeats. */
export const allMembers = (values: Pick<ResourceValues, 'members' | 'memberKeys'>): string[] => [...new Set([...values.members, ...words(values.memberKeys)])];

function wholeNumber(value: string, min: number, name: string): number | FieldError {
  const trimmed = value.trim();
  if (!/^[-+]?\d+$/.test(trimmed)) return fieldError(trimmed === '' ? 'required' : 'number', { min }, 'f.error.wholeNumber');
  const count = Number(trimmed);
  return ruleError(() => checkCount(count, name, min), { min }) ?? count;
}

/**
 * Validates the values. `resources` are the ids of the festival's known resources (what it
 * may depend on); `self` is the id of the resource being edited.
 */
export function validateResource(values: ResourceValues, context: { resources: readonly string[]; self?: string }): CheckedResource {
  const errors: ResourceErrors = {};
  const title = values.title.trim();
  if (title === '') errors.title = fieldError('required', undefined, 'f.error.titleRequired');
  const kind = values.kind === 'other' ? values.otherKind.trim() : values.kind;
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(kind)) errors.kind = fieldError('kind-word');

  let position = '';
  const [latitude, longitude] = [values.latitude.trim(), values.longitude.trim()];
  if (latitude !== '' || longitude !== '') {
    const [lat, lon] = [decimal(latitude), decimal(longitude)];
    if (latitude === '' || longitude === '') errors[latitude === '' ? 'latitude' : 'longitude'] = fieldError('geo-incomplete');
    else if (lat === undefined) errors.latitude = fieldError('number');
    else if (lon === undefined) errors.longitude = fieldError('number');
    else {
      position = geoUri(lat, lon);
      const broken = ruleError(() => parseGeoUri(position));
      const half = Math.abs(lat) > 90 ? 'latitude' : 'longitude';
      if (broken) errors[half] = fieldError(broken.code, undefined, half === 'latitude' ? 'f.error.latitudeRange' : 'f.error.longitudeRange');
    }
  }

  const url = values.url.trim();
  const urlError = ruleError(() => safeUrl(url, 'url'));
  if (urlError) errors.url = urlError;

  let coordinate = '';
  const axes = [values.x, values.y, values.z].map((axis) => axis.trim());
  if (axes.some((axis) => axis !== '')) {
    const numbers = axes.map(decimal);
    if (numbers.some((axis) => axis === undefined)) errors.coordinate = fieldError(axes.some((axis) => axis === '') ? 'coordinate-incomplete' : 'number');
    else {
      coordinate = numbers.join(',');
      const broken = ruleError(() => parseCoordinate(coordinate));
      if (broken) errors.coordinate = broken;
    }
  }

  const capacity = wholeNumber(values.capacity, 1, 'capacity');
  if (typeof capacity !== 'number') errors.capacity = capacity;

  let members: string[] = [];
  let quorum = 0;
  if (values.policy === 'quorum') {
    const pasted = words(values.memberKeys);
    const membersError = ruleError(() => checkPublicKeys(pasted.join(' '), 'members'));
    if (membersError || !values.members.every(isPublicKey)) errors.members = membersError ?? fieldError('public-key');
    members = allMembers(values);
    const count = wholeNumber(values.quorum, 1, 'quorum');
    if (typeof count !== 'number') errors.quorum = count;
    else {
      const broken = errors.members ? undefined : ruleError(() => checkQuorum('quorum', count, members.length), { count: members.length });
      if (broken) errors.quorum = broken;
      quorum = count;
    }
  }

  const dependsOn = [...new Set(values.dependsOn)];
  if (dependsOn.some((id) => id === context.self || !context.resources.includes(id))) errors.dependsOn = fieldError('resource-unknown');

  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    fields: {
      title,
      description: values.description,
      kind,
      position,
      address: values.address.trim(),
      url: url === '' ? '' : safeUrl(url, 'url')!,
      coordinate,
      capacity: capacity as number,
      policy: values.policy,
      quorum,
      members,
      dependsOn,
    },
  };
}

/**
 * `panda_publish` parameters: create the resource in `festivalId`, or update `documentId`
 * (an update names fields as the schema does: `depends_on`, members space-separated).
 */
export function resourcePublishParams(fields: ResourceFields, target: { festivalId: string } | { documentId: string }) {
  if ('festivalId' in target)
    return {
      type: 'resource',
      action: 'create',
      fields: { festival: target.festivalId, ...fields, members: [...fields.members], dependsOn: [...fields.dependsOn] },
    };
  const { dependsOn, members, ...rest } = fields;
  return {
    type: 'resource',
    action: 'update',
    documentId: target.documentId,
    fields: { ...rest, members: members.join(' '), depends_on: dependsOn.join(' ') },
  };
}
