import { PandaError } from '../errors.js';
import { isHash, type Hash } from '../hash/hash.js';
import type { FieldTypeName } from '../schema/field-type.js';
import { assertSortedUnique } from '../schema/schema-id.js';
import { assertFieldName, MAX_FIELDS } from '../schema/schema.js';

export type OperationAction = 'create' | 'update' | 'delete';
export const OPERATION_VERSION = 1;
export const ACTION_CODES: Readonly<Record<OperationAction, number>> = { create: 0, update: 1, delete: 2 };

/**
 * A field value, typed by its field type: str -> string, int -> bigint, float -> number,
 * bool -> boolean, bytes -> Uint8Array, relation -> document id, relation_list -> document
 * ids, pinned_relation -> a view id (sorted operation ids), pinned_relation_list -> view ids.
 */
export type OperationValue = string | bigint | number | boolean | Uint8Array | Hash[] | Hash[][];

export interface TypedValue {
  type: FieldTypeName;
  value: OperationValue;
}

/** "Easy" values whose type is clear from the JS type, as in p2panda-js. */
export type EasyValues = Record<string, string | number | bigint | boolean | Uint8Array>;

function invalid(name: string, message: string): never {
  throw new PandaError('OPERATION_FIELD_VALUE_INVALID', `Field "${name}": ${message}`, { field: name });
}

function assertHashes(name: string, value: unknown, what: string): Hash[] {
  if (!Array.isArray(value) || !value.every(isHash)) invalid(name, `a ${what} is an array of operation or document ids`);
  return [...value];
}

function assertViewId(name: string, value: unknown): Hash[] {
  const ids = assertHashes(name, value, 'document view id');
  if (ids.length === 0) invalid(name, 'a document view id has at least one operation id');
  assertSortedUnique(ids, 'OPERATION_FIELD_VALUE_INVALID', 'document view id');
  return ids;
}

/** Checks that `value` is a valid value of `type`; returns it in its canonical form. */
export function checkValue(name: string, type: FieldTypeName, value: unknown): OperationValue {
  switch (type) {
    case 'str':
      if (typeof value !== 'string') invalid(name, 'a str value is a string');
      return value;
    case 'int':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
      if (typeof value !== 'bigint' || value > 2n ** 63n - 1n || value < -(2n ** 63n)) invalid(name, 'an int value is a 64-bit signed integer');
      return value;
    case 'float':
      if (typeof value !== 'number') invalid(name, 'a float value is a number');
      return value;
    case 'bool':
      if (typeof value !== 'boolean') invalid(name, 'a bool value is true or false');
      return value;
    case 'bytes':
      if (!(value instanceof Uint8Array)) invalid(name, 'a bytes value is a Uint8Array');
      return value.slice();
    case 'relation':
      if (!isHash(value)) invalid(name, 'a relation value is a document id');
      return value;
    case 'relation_list':
      return assertHashes(name, value, 'relation list');
    case 'pinned_relation':
      return assertViewId(name, value);
    case 'pinned_relation_list':
      if (!Array.isArray(value)) invalid(name, 'a pinned relation list is an array of document view ids');
      return (value as unknown[]).map((viewId) => assertViewId(name, viewId));
    default:
      throw new PandaError('SCHEMA_FIELD_TYPE_INVALID', `Field "${name}": unknown field type "${String(type)}"`);
  }
}

/** Something that says a field's type: a schema's field map, or fields' own. */
type FieldTypes = ReadonlyMap<string, { readonly type: FieldTypeName }>;

const NO_NAMES: readonly string[] = Object.freeze([]);
const NO_VALUES = Object.freeze([]) as unknown as OperationValue[];

/** Up to this many fields, a name is found by scanning; beyond it, through an index. */
const SCAN_LIMIT = 16;

/** Typed operation fields, in the style of p2panda-js's `OperationFields`. */
export class OperationFields {
  // Names and values side by side, no Map: operations are decoded by the thousand and most
  // have a handful of fields; the Map views are made only when asked for. Decoded fields
  // share their (frozen) names with the schema, and new fields these empty arrays, until
  // the first `insert` copies them.
  #names: readonly string[] = NO_NAMES;
  #values: OperationValue[] = NO_VALUES;
  #index: Map<string, number> | undefined;
  #map: Map<string, OperationValue> | undefined;
  // Decoded fields take their types from the schema (no object per field); fields built
  // with `insert` keep their own.
  #types: FieldTypes | undefined;
  #ownTypes = true;
  // Whether the names are in canonical order (decoded fields always are).
  #sorted = true;

  /**
   * Fields from values that are already checked (names valid, unique and in canonical order,
   * values of the types `types` gives them): decoding has checked everything `insert` would.
   * The fields take the arrays over (no copy) and their types from the schema.
   */
  static fromChecked(names: readonly string[], values: OperationValue[], types: FieldTypes): OperationFields {
    const fields = new OperationFields();
    fields.#names = names;
    fields.#values = values;
    fields.#types = types;
    fields.#ownTypes = false;
    return fields;
  }

  /** Fields from "easy" values: whole numbers become int, other numbers float. */
  constructor(values?: EasyValues) {
    if (values) for (const [name, value] of Object.entries(values)) this.insert(name, easyType(name, value), value);
  }

  #position(name: string): number {
    const names = this.#names;
    if (names.length <= SCAN_LIMIT) {
      for (let i = 0; i < names.length; i++) if (names[i] === name) return i;
      return -1;
    }
    if (!this.#index) this.#index = new Map(names.map((field, i) => [field, i]));
    return this.#index.get(name) ?? -1;
  }

  /** Adds a field; throws if it is already set or the value does not fit the type. */
  insert(name: string, type: FieldTypeName, value: OperationValue): void {
    assertFieldName(name);
    if (this.#position(name) >= 0) throw new PandaError('OPERATION_FIELD_DUPLICATE', `Field "${name}" is already set`);
    if (this.#names.length >= MAX_FIELDS) throw new PandaError('OPERATION_TOO_MANY_FIELDS', `An operation has at most ${MAX_FIELDS} fields`);
    const checked = checkValue(name, type, value);
    if (!this.#ownTypes || !this.#types) {
      const types = this.#types;
      this.#types = new Map(this.#names.map((field) => [field, { type: types!.get(field)!.type }]));
      this.#ownTypes = true;
      this.#names = [...this.#names];
      this.#values = [...this.#values];
    }
    (this.#types as Map<string, { type: FieldTypeName }>).set(name, { type });
    const last = this.#names.at(-1);
    if (last !== undefined && compareNames(last, name) > 0) this.#sorted = false;
    this.#index?.set(name, this.#names.length);
    this.#map?.set(name, checked);
    (this.#names as string[]).push(name);
    this.#values.push(checked);
  }

  get(name: string): OperationValue | undefined {
    const position = this.#position(name);
    return position < 0 ? undefined : this.#values[position];
  }

  getTyped(name: string): TypedValue | undefined {
    const value = this.get(name);
    return value === undefined ? undefined : { type: this.#types!.get(name)!.type, value };
  }

  has(name: string): boolean {
    return this.#position(name) >= 0;
  }

  length(): number {
    return this.#names.length;
  }

  isEmpty(): boolean {
    return this.#names.length === 0;
  }

  /** Field names in canonical (byte-lexical) order. */
  names(): string[] {
    return this.#sorted ? [...this.#names] : [...this.#names].sort(compareNames);
  }

  /** [name, typed value] pairs in canonical order. */
  entries(): Array<[string, TypedValue]> {
    return this.names().map((name) => [name, this.getTyped(name)!]);
  }

  /** Calls `callback` with each value and its name, in the order the fields were set. */
  forEach(callback: (value: OperationValue, name: string) => void): void {
    for (let i = 0; i < this.#names.length; i++) callback(this.#values[i]!, this.#names[i]!);
  }

  /** The values by name (canonical order for decoded fields). A read-only view, not a copy. */
  values(): ReadonlyMap<string, OperationValue> {
    if (!this.#map) this.#map = new Map(this.#names.map((name, i) => [name, this.#values[i]!]));
    return this.#map;
  }
}

/** Byte-lexical order of field names (they are ASCII, so UTF-16 order is the same). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function easyType(name: string, value: unknown): FieldTypeName {
  switch (typeof value) {
    case 'string':
      return 'str';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float';
    default:
      if (value instanceof Uint8Array) return 'bytes';
      throw new PandaError('OPERATION_FIELD_VALUE_INVALID', `Field "${name}": easy values are strings, numbers, bigints, booleans or bytes`, { field: name });
  }
}

/** An operation with typed fields. */
export interface Operation {
  version: number;
  action: OperationAction;
  schemaId: string;
  /** Document view id of the operations this one follows (update and delete). */
  previous?: Hash[];
  fields?: OperationFields;
}
