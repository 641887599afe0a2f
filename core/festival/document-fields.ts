/**
 * What a festival, a resource and an event are made of when written through FestivalNode
 * (festival-node.ts): the fields callers give, and the operation values they become, with the
 * defaults the schemas (schemas.ts) expect for what was left out.
 */
import type { Hash } from '../hash/hash.js';
import { OperationFields, type EasyValues } from '../operation/operation.js';

/** Now, in the seconds since the epoch that the schemas' times count. */
export const unixNow = () => Math.floor(Date.now() / 1000);

export interface FestivalFields {
  name: string;
  description?: string;
  start: number;
  end: number;
  timezone?: string;
  parent?: Hash;
  image?: string;
  url?: string;
}

export interface ResourceFields {
  festival: Hash;
  title: string;
  description?: string;
  kind?: string;
  position?: string;
  address?: string;
  url?: string;
  coordinate?: string;
  capacity?: number;
  policy?: string;
  quorum?: number;
  members?: string[];
  dependsOn?: Hash[];
}

export interface EventFields {
  festival: Hash;
  title: string;
  description?: string;
  start: number;
  end: number;
  resources?: Hash[];
  /** Default: now. */
  createdAt?: number;
}

/** A festival's fields as operation values, the optional ones given their defaults. */
export function festivalValues(fields: FestivalFields): EasyValues {
  return {
    name: fields.name,
    description: fields.description ?? '',
    start: BigInt(fields.start),
    end: BigInt(fields.end),
    timezone: fields.timezone ?? 'UTC',
    parent: fields.parent ?? '',
    image: fields.image ?? '',
    url: fields.url ?? '',
  };
}

/** A resource's fields as operation values: its festival a relation, lists as space-separated text. */
export function resourceValues(fields: ResourceFields): OperationFields {
  const values = new OperationFields({
    title: fields.title,
    description: fields.description ?? '',
    kind: fields.kind ?? 'thing',
    position: fields.position ?? '',
    address: fields.address ?? '',
    url: fields.url ?? '',
    coordinate: fields.coordinate ?? '',
    capacity: BigInt(fields.capacity ?? 1),
    policy: fields.policy ?? 'first-come-first-served',
    quorum: BigInt(fields.quorum ?? 0),
    members: (fields.members ?? []).join(' '),
    depends_on: (fields.dependsOn ?? []).join(' '),
  });
  values.insert('festival', 'relation', fields.festival);
  return values;
}

/** An event's fields as operation values: its festival a relation, its resources a relation list. */
export function eventValues(fields: EventFields): OperationFields {
  const values = new OperationFields({
    title: fields.title,
    description: fields.description ?? '',
    start: BigInt(fields.start),
    end: BigInt(fields.end),
    created_at: BigInt(fields.createdAt ?? unixNow()),
  });
  values.insert('festival', 'relation', fields.festival);
  values.insert('resources', 'relation_list', fields.resources ?? []);
  return values;
}
