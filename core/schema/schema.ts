import { PandaError } from '../errors.js';
import type { Hash } from '../hash/hash.js';
import { parseFieldType, formatFieldType, type FieldType } from './field-type.js';
import { SCHEMA_DEFINITION_V1, SCHEMA_FIELD_DEFINITION_V1, assertSchemaName, parseSchemaId, schemaIdFor, type SchemaId } from './schema-id.js';

export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const MAX_FIELDS = 1024;
export const MAX_DESCRIPTION_LENGTH = 256;

// Names already found valid: every operation repeats its schema's field names.
const VALID_NAMES_LIMIT = 4096;
const validNames = new Set<string>();

export function assertFieldName(name: unknown): string {
  if (typeof name === 'string' && validNames.has(name)) return name;
  if (typeof name !== 'string' || !FIELD_NAME.test(name)) {
    throw new PandaError('OPERATION_FIELD_NAME_INVALID', 'A field name has 1 to 64 characters: letters, digits and underscores, starting with a letter', {
      name: typeof name === 'string' ? name.slice(0, 80) : name,
    });
  }
  if (validNames.size >= VALID_NAMES_LIMIT) validNames.clear();
  validNames.add(name);
  return name;
}

export function assertDescription(description: unknown): string {
  if (typeof description !== 'string' || [...description].length > MAX_DESCRIPTION_LENGTH) {
    throw new PandaError('SCHEMA_DESCRIPTION_INVALID', `A schema description is text of at most ${MAX_DESCRIPTION_LENGTH} characters`);
  }
  return description;
}

export interface SchemaArgs {
  id: SchemaId;
  description: string;
  /** Field name -> type, as `FieldType` objects or p2panda type text (`str`, `relation(<id>)`). */
  fields: Record<string, FieldType | string>;
}

/** A schema: which fields an operation on its documents has, and of which types. */
export class Schema {
  readonly id: SchemaId;
  /** The schema name: for application schemas the part of the id before the view id. */
  readonly name: string;
  readonly description: string;
  readonly fields: ReadonlyMap<string, FieldType>;
  /** The field names in canonical order (frozen). */
  readonly fieldNames: readonly string[];

  constructor(args: SchemaArgs) {
    const parsed = parseSchemaId(args.id);
    this.id = parsed.id;
    this.name = parsed.kind === 'application' ? parsed.name : parsed.id.replace(/_v1$/, '');
    this.description = assertDescription(args.description);
    const entries = Object.entries(args.fields);
    if (entries.length === 0 || entries.length > MAX_FIELDS) {
      throw new PandaError('SCHEMA_FIELDS_INVALID', `A schema has 1 to ${MAX_FIELDS} fields, got ${entries.length}`);
    }
    const fields = new Map<string, FieldType>();
    for (const [name, type] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      fields.set(assertFieldName(name), typeof type === 'string' ? parseFieldType(type) : parseFieldType(formatFieldType(type)));
    }
    this.fields = fields;
    this.fieldNames = Object.freeze([...fields.keys()]);
  }

  /** The view id of the schema_definition document, for application schemas. */
  get viewId(): Hash[] | undefined {
    const parsed = parseSchemaId(this.id);
    return parsed.kind === 'application' ? [...parsed.viewId] : undefined;
  }

  /**
   * The application schema whose schema_definition document is at `viewId`, from that
   * definition's name and description and its field definitions' names and types.
   */
  static fromDefinition(
    viewId: readonly Hash[],
    definition: { name: string; description: string; fields: ReadonlyArray<{ name: string; type: string }> },
  ): Schema {
    const fields: Record<string, string> = {};
    for (const field of definition.fields) {
      if (Object.hasOwn(fields, field.name)) {
        throw new PandaError('SCHEMA_FIELDS_INVALID', `The schema defines field "${field.name}" twice`);
      }
      fields[field.name] = field.type;
    }
    return new Schema({ id: schemaIdFor(assertSchemaName(definition.name), viewId), description: definition.description, fields });
  }
}

export const schemaFieldDefinitionV1 = new Schema({
  id: SCHEMA_FIELD_DEFINITION_V1,
  description: 'Define fields for application data schemas.',
  fields: { name: 'str', type: 'str' },
});

export const schemaDefinitionV1 = new Schema({
  id: SCHEMA_DEFINITION_V1,
  description: 'Publish data schemas for your application.',
  fields: { name: 'str', description: 'str', fields: `pinned_relation_list(${SCHEMA_FIELD_DEFINITION_V1})` },
});

export const SYSTEM_SCHEMAS: readonly Schema[] = [schemaDefinitionV1, schemaFieldDefinitionV1];
