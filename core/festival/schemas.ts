import { publish } from '../api/publish.js';
import { Schema } from '../schema/schema.js';
import { SchemaRegistry } from '../schema/registry.js';
import type { Store } from '../storage/store.js';
import { FESTIVAL_SCHEMA_SPECS, type FestivalSchemaName } from './schema-fields.js';
import {
  AUTHORIZATION_SCHEMA_ID,
  EVENT_SCHEMA_ID,
  FESTIVAL_SCHEMA_ID,
  PROFILE_SCHEMA_ID,
  RESOURCE_SCHEMA_ID,
  SCHEMA_DEFINITION_ENTRIES,
} from './schema-definitions.js';

export { AUTHORIZATION_SCHEMA_ID, EVENT_SCHEMA_ID, FESTIVAL_SCHEMA_ID, PROFILE_SCHEMA_ID, RESOURCE_SCHEMA_ID };

export const FESTIVAL_SCHEMA_IDS: Readonly<Record<FestivalSchemaName, string>> = {
  panda_festival: FESTIVAL_SCHEMA_ID,
  panda_profile: PROFILE_SCHEMA_ID,
  panda_resource: RESOURCE_SCHEMA_ID,
  panda_event: EVENT_SCHEMA_ID,
  panda_authorization: AUTHORIZATION_SCHEMA_ID,
};

const resolveType = (type: string) => type.replace(/\((panda_[a-z_]+)\)$/, (_, name: FestivalSchemaName) => `(${FESTIVAL_SCHEMA_IDS[name]})`);

/** The five festival schemas. */
export const FESTIVAL_SCHEMAS: readonly Schema[] = FESTIVAL_SCHEMA_SPECS.map(
  (spec) =>
    new Schema({
      id: FESTIVAL_SCHEMA_IDS[spec.name],
      description: spec.description,
      fields: Object.fromEntries(Object.entries(spec.fields).map(([name, { type }]) => [name, resolveType(type)])),
    }),
);

/** A registry with the system schemas and the festival schemas. */
export function festivalSchemaRegistry(): SchemaRegistry {
  return new SchemaRegistry(FESTIVAL_SCHEMAS);
}

/**
 * Stores the festival schemas' definition documents (their signed entries ship with Panda
 * Kit), so that this peer can hand them to p2panda nodes that do not know the schemas yet.
 * Idempotent.
 */
export async function installFestivalSchemas(store: Store): Promise<void> {
  const registry = new SchemaRegistry();
  for (const [entry, operation] of SCHEMA_DEFINITION_ENTRIES) await publish(store, registry, entry, operation);
}
