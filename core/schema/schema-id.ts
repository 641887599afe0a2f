import { PandaError } from '../errors.js';
import { isHash, type Hash } from '../hash/hash.js';

/**
 * Schema ids. System schemas have fixed ids (`schema_definition_v1`); an application
 * schema's id is its name and the view id of its schema_definition document:
 * `<name>_<operation id>[_<operation id>...]`, operation ids sorted.
 */
export type SchemaId = string;

export const SCHEMA_DEFINITION_V1 = 'schema_definition_v1';
export const SCHEMA_FIELD_DEFINITION_V1 = 'schema_field_definition_v1';
export const SYSTEM_SCHEMA_IDS: readonly SchemaId[] = [SCHEMA_DEFINITION_V1, SCHEMA_FIELD_DEFINITION_V1];

export const SCHEMA_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}[A-Za-z0-9]$/;

export type ParsedSchemaId = { kind: 'system'; id: SchemaId } | { kind: 'application'; id: SchemaId; name: string; viewId: Hash[] };

/** Throws `SCHEMA_NAME_INVALID` unless `name` is a valid application schema name. */
export function assertSchemaName(name: unknown): string {
  if (typeof name !== 'string' || !SCHEMA_NAME.test(name)) {
    throw new PandaError(
      'SCHEMA_NAME_INVALID',
      'A schema name has 2 to 64 characters: letters, digits and underscores, starting with a letter and not ending with an underscore',
      { name },
    );
  }
  return name;
}

/** Throws `OPERATION_PREVIOUS_INVALID`-style errors with `code` unless ids are sorted and unique. */
export function assertSortedUnique(
  ids: readonly string[],
  code: 'SCHEMA_ID_INVALID' | 'OPERATION_PREVIOUS_INVALID' | 'OPERATION_FIELD_VALUE_INVALID',
  what: string,
): void {
  for (let i = 1; i < ids.length; i++) {
    if (ids[i - 1]! >= ids[i]!) throw new PandaError(code, `The operation ids of a ${what} must be sorted and unique`);
  }
}

// Every operation names its schema, and a festival has only a handful: parse each once.
const PARSED_CACHE_LIMIT = 512;
const parsedIds = new Map<string, ParsedSchemaId>();

/** Parses and checks a schema id; throws `SCHEMA_ID_INVALID`. The result is frozen. */
export function parseSchemaId(id: unknown): ParsedSchemaId {
  if (typeof id !== 'string') throw new PandaError('SCHEMA_ID_INVALID', 'A schema id is a string');
  let parsed = parsedIds.get(id);
  if (!parsed) {
    parsed = Object.freeze(parseUncached(id));
    if (parsedIds.size >= PARSED_CACHE_LIMIT) parsedIds.delete(parsedIds.keys().next().value!);
    parsedIds.set(id, parsed);
  }
  return parsed;
}

function parseUncached(id: string): ParsedSchemaId {
  if (SYSTEM_SCHEMA_IDS.includes(id)) return { kind: 'system', id };
  const parts = id.split('_');
  let firstHash = parts.length;
  while (firstHash > 0 && isHash(parts[firstHash - 1])) firstHash--;
  const viewId = parts.slice(firstHash);
  const name = parts.slice(0, firstHash).join('_');
  if (viewId.length === 0 || !SCHEMA_NAME.test(name)) {
    throw new PandaError('SCHEMA_ID_INVALID', `"${truncate(id)}" is neither a system schema id nor <name>_<schema definition view id>`, { id: truncate(id) });
  }
  assertSortedUnique(viewId, 'SCHEMA_ID_INVALID', 'schema id');
  return { kind: 'application', id, name, viewId: Object.freeze(viewId) as Hash[] };
}

/** The id p2panda gives the schema named `name` whose definition is at `viewId`. */
export function schemaIdFor(name: string, viewId: readonly Hash[]): SchemaId {
  assertSchemaName(name);
  if (viewId.length === 0 || !viewId.every(isHash)) {
    throw new PandaError('SCHEMA_ID_INVALID', 'A schema definition view id is one or more operation ids');
  }
  const sorted = [...viewId].sort();
  assertSortedUnique(sorted, 'SCHEMA_ID_INVALID', 'schema id');
  return `${name}_${sorted.join('_')}`;
}

function truncate(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
