import { bytesToHex } from '../bytes.js';
import { PandaError } from '../errors.js';
import { HASH_SIZE } from '../hash/hash.js';
import { parseFieldType } from '../schema/field-type.js';
import { SCHEMA_DEFINITION_V1, SCHEMA_FIELD_DEFINITION_V1, assertSchemaName } from '../schema/schema-id.js';
import { assertDescription, assertFieldName, MAX_FIELDS, type Schema } from '../schema/schema.js';
import type { PlainOperation, PlainValue } from './decode.js';
import { checkValue, OperationFields, type Operation, type OperationValue } from './operation.js';
import type { FieldTypeName } from '../schema/field-type.js';

function hashText(name: string, bytes: unknown): string {
  if (!(bytes instanceof Uint8Array) || bytes.length !== HASH_SIZE || bytes[0] !== 0 || bytes[1] !== 32) {
    throw new PandaError('OPERATION_FIELD_VALUE_INVALID', `Field "${name}": expected an operation or document id`, { field: name });
  }
  return bytesToHex(bytes);
}

function hashList(name: string, value: PlainValue): string[] {
  if (!Array.isArray(value)) {
    throw new PandaError('OPERATION_FIELD_VALUE_INVALID', `Field "${name}": expected a list of ids`, { field: name });
  }
  return (value as unknown[]).map((item) => hashText(name, item));
}

/** Gives a plain value the type its schema field has, or throws. */
function typedValue(name: string, type: FieldTypeName, value: PlainValue): OperationValue {
  switch (type) {
    case 'int':
      // Decoded integers are bigints and floats numbers; a float never fills an int field,
      // or one value would have two valid encodings (04 and f94400).
      if (typeof value !== 'bigint') {
        throw new PandaError('OPERATION_FIELD_VALUE_INVALID', `Field "${name}": an int value must be encoded as a CBOR integer`, { field: name });
      }
      return value;
    case 'relation':
      return hashText(name, value);
    case 'relation_list':
    case 'pinned_relation':
      return hashList(name, value);
    case 'pinned_relation_list':
      if (!Array.isArray(value)) {
        throw new PandaError('OPERATION_FIELD_VALUE_INVALID', `Field "${name}": expected a list of view ids`, { field: name });
      }
      return (value as PlainValue[]).map((viewId) => hashList(name, viewId));
    default:
      return value as OperationValue;
  }
}

/** Relation values are fully checked by `typedValue` (hash bytes) except view id order. */
function isRelation(type: FieldTypeName): boolean {
  return type === 'relation' || type === 'relation_list';
}

/** Extra rules for the system schemas' own fields (p2panda validates these too). */
export function validateSystemFields(schemaId: string, fields: OperationFields): void {
  if (schemaId === SCHEMA_DEFINITION_V1) {
    if (fields.has('name')) assertSchemaName(fields.get('name'));
    if (fields.has('description')) assertDescription(fields.get('description'));
    const list = fields.get('fields') as string[][] | undefined;
    if (list !== undefined && (list.length === 0 || list.length > MAX_FIELDS)) {
      throw new PandaError('SCHEMA_FIELDS_INVALID', `A schema has 1 to ${MAX_FIELDS} fields, got ${list.length}`);
    }
  } else if (schemaId === SCHEMA_FIELD_DEFINITION_V1) {
    if (fields.has('name')) assertFieldName(fields.get('name'));
    if (fields.has('type')) parseFieldType(fields.get('type'));
  }
}

/**
 * Checks a plain operation against its schema: same schema id, every field known and of
 * the schema's type, all fields on create, at least one on update, none on delete.
 */
export function validateOperation(operation: PlainOperation, schema: Schema): Operation {
  if (operation.schemaId !== schema.id) {
    throw new PandaError('SCHEMA_MISMATCH', `The operation is for schema ${operation.schemaId}, not ${schema.id}`);
  }
  const result: Operation = { version: operation.version, action: operation.action, schemaId: operation.schemaId };
  if (operation.previous) result.previous = [...operation.previous];
  if (!operation.fields) return result;

  // Names were checked (valid, sorted, unique) when decoding; values are checked here.
  const names: string[] = [];
  const values: OperationValue[] = [];
  for (const [name, value] of operation.fields) {
    const fieldType = schema.fields.get(name);
    if (!fieldType) {
      throw new PandaError('OPERATION_FIELD_UNKNOWN', `Schema ${schema.name} has no field "${name}"`, { field: name });
    }
    const type = fieldType.type;
    names.push(name);
    values.push(isRelation(type) ? typedValue(name, type, value) : checkValue(name, type, typedValue(name, type, value)));
  }
  const fields = OperationFields.fromChecked(names, values, schema.fields);
  if (operation.action === 'create' && names.length !== schema.fields.size) {
    const missing = [...schema.fields.keys()].filter((name) => !fields.has(name));
    if (missing.length > 0) {
      throw new PandaError('OPERATION_FIELDS_MISSING', `A create operation sets every field; missing: ${missing.join(', ')}`, { fields: missing });
    }
  }
  validateSystemFields(schema.id, fields);
  result.fields = fields;
  return result;
}
