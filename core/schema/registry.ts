import { SYSTEM_SCHEMAS, type Schema } from './schema.js';
import type { SchemaId } from './schema-id.js';

/** Where validation looks schemas up. May answer asynchronously (from a store). */
export interface SchemaProvider {
  get(id: SchemaId): Schema | undefined | Promise<Schema | undefined>;
}

/** Schemas known by id, starting with the system schemas. */
export class SchemaRegistry implements SchemaProvider {
  readonly #schemas = new Map<SchemaId, Schema>();

  constructor(schemas: Iterable<Schema> = []) {
    for (const schema of SYSTEM_SCHEMAS) this.add(schema);
    for (const schema of schemas) this.add(schema);
  }

  add(schema: Schema): void {
    this.#schemas.set(schema.id, schema);
  }

  get(id: SchemaId): Schema | undefined {
    return this.#schemas.get(id);
  }

  /** `get` as a function bound to this registry (for `decodeTypedOperation`). */
  readonly lookUp = (id: SchemaId): Schema | undefined => this.#schemas.get(id);

  all(): Schema[] {
    return [...this.#schemas.values()];
  }
}
