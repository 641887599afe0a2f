import { PandaError } from '../errors.js';
import { parseSchemaId, type SchemaId } from './schema-id.js';

export type ScalarFieldType = 'bool' | 'int' | 'float' | 'str' | 'bytes';
export type RelationFieldType = 'relation' | 'relation_list' | 'pinned_relation' | 'pinned_relation_list';
/** The nine p2panda field types, by the names p2panda-js uses. */
export type FieldTypeName = ScalarFieldType | RelationFieldType;

/** A schema field's type; relations also name the schema of the documents they point to. */
export type FieldType = { type: ScalarFieldType } | { type: RelationFieldType; schema: SchemaId };

const SCALARS: readonly string[] = ['bool', 'int', 'float', 'str', 'bytes'];
const RELATION = /^(relation|relation_list|pinned_relation|pinned_relation_list)\((.+)\)$/;

/** Parses a field type as written in schema_field_definition_v1: `str`, `relation(<id>)`, ... */
export function parseFieldType(text: unknown): FieldType {
  if (typeof text === 'string') {
    if (SCALARS.includes(text)) return { type: text as ScalarFieldType };
    const match = RELATION.exec(text);
    if (match) {
      try {
        return { type: match[1] as RelationFieldType, schema: parseSchemaId(match[2]).id };
      } catch {
        // reported below with the whole type text
      }
    }
  }
  throw new PandaError(
    'SCHEMA_FIELD_TYPE_INVALID',
    `"${String(text).slice(0, 120)}" is not a field type: use bool, int, float, str, bytes, or relation, relation_list, pinned_relation, pinned_relation_list with a schema id in parentheses`,
  );
}

export function formatFieldType(fieldType: FieldType): string {
  return 'schema' in fieldType ? `${fieldType.type}(${fieldType.schema})` : fieldType.type;
}
