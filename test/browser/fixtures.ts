/**
 * Shared fixtures for the browser tests: two application schemas, fixed key pairs and
 * helpers to run a promise that must reject with a given PandaError code.
 */
import { expect } from 'chai';
import { KeyPair, Schema, SchemaRegistry, generateHash, isPandaError, type ErrorCode, type PandaError } from '../../core/index.js';

// Application schema ids are `<name>_<view id of the schema definition>`; the registry only
// maps ids to schemas, so any well-formed view id will do.
export const EVENT_SCHEMA = new Schema({
  id: `festival_event_${generateHash(new TextEncoder().encode('festival_event definition'))}`,
  description: 'A festival event',
  fields: { title: 'str', slot: 'int', cancelled: 'bool' },
});

export const VENUE_SCHEMA = new Schema({
  id: `venue_${generateHash(new TextEncoder().encode('venue definition'))}`,
  description: 'A stage or a tent',
  fields: { name: 'str', capacity: 'int' },
});

export const registry = new SchemaRegistry([EVENT_SCHEMA, VENUE_SCHEMA]);

export const alice = KeyPair.fromPrivateKey('a1'.repeat(32));
export const bob = KeyPair.fromPrivateKey('b0'.repeat(32));

let counter = 0;
/** A database name no other test (or earlier run) uses. */
export function uniqueDbName(label: string): string {
  counter += 1;
  return `panda-kit-test-${label}-${Date.now()}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Awaits `promise`, which must reject with a PandaError of `code`; returns that error. */
export async function expectPandaError(promise: Promise<unknown>, code: ErrorCode): Promise<PandaError> {
  let outcome: unknown;
  try {
    await promise;
  } catch (error) {
    outcome = error;
  }
  expect(outcome, `expected a rejection with ${code}`).to.be.instanceOf(Error);
  expect(isPandaError(outcome), `expected a PandaError, got ${String(outcome)}`).to.equal(true);
  expect((outcome as PandaError).code).to.equal(code);
  return outcome as PandaError;
}

export const byId = <T extends { id: string }>(rows: T[]): T[] => [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
