/**
 * A tour of Panda Kit core (what `npm start` runs for now): make a key pair, define an
 * application schema through the system schemas, publish a document and update it, and
 * replay the whole log into a second store as a receiving peer would.
 */
import {
  KeyPair,
  MemoryStore,
  OperationFields,
  Schema,
  SchemaRegistry,
  SCHEMA_DEFINITION_V1,
  SCHEMA_FIELD_DEFINITION_V1,
  bytesToHex,
  decodeEntry,
  decodeOperation,
  publish,
  publishOperation,
} from '../core/index.js';

const store = new MemoryStore();
const schemas = new SchemaRegistry();
const alice = new KeyPair();
console.log(`Alice's public key: ${alice.publicKey()}`);

// A schema is a schema_definition document pointing at schema_field_definition documents.
const fields = { name: 'str', capacity: 'int' };
const fieldViewIds: string[][] = [];
for (const [name, type] of Object.entries(fields)) {
  const field = await publishOperation(store, schemas, alice, { schemaId: SCHEMA_FIELD_DEFINITION_V1, fields: { name, type } });
  fieldViewIds.push([field.hash]);
}
const definitionFields = new OperationFields({ name: 'venue', description: 'A place where things happen' });
definitionFields.insert('fields', 'pinned_relation_list', fieldViewIds);
const definition = await publishOperation(store, schemas, alice, { schemaId: SCHEMA_DEFINITION_V1, fields: definitionFields });
const venue = Schema.fromDefinition([definition.hash], {
  name: 'venue',
  description: 'A place where things happen',
  fields: Object.entries(fields).map(([name, type]) => ({ name, type })),
});
schemas.add(venue);
console.log(`Schema id: ${venue.id}`);

const created = await publishOperation(store, schemas, alice, { schemaId: venue.id, fields: { name: 'Klangkeller', capacity: 80 } });
const updated = await publishOperation(store, schemas, alice, { schemaId: venue.id, action: 'update', previous: [created.hash], fields: { capacity: 120 } });
console.log(`Venue document ${created.documentId}`);
console.log(`  create: log ${created.entry.logId}, seq ${created.entry.seqNum}, entry ${bytesToHex(created.entryBytes)}`);
console.log(`  update: log ${updated.entry.logId}, seq ${updated.entry.seqNum}, backlink ${updated.entry.backlink}`);

const decoded = await decodeEntry(updated.entryBytes);
console.log(`Decoded update entry: signature verified, payload ${decoded.payloadSize} bytes`);
console.log('Decoded update operation:', decodeOperation(updated.operationBytes));

// A second peer receives everything in log order and validates it all again.
const peer = new MemoryStore();
let received = 0;
for (const log of await store.getLogs()) {
  for (const entry of await store.getEntries(log.publicKey, log.logId, 1)) {
    const operation = await store.getOperation(entry.hash);
    await publish(peer, schemas, entry.bytes, operation!.bytes);
    received++;
  }
}
console.log(`A second peer validated and stored all ${received} entries.`);
