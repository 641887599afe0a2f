/**
 * What importing a bundle would add, found without storing anything: the bundle is imported
 * (`importBundle`, every entry checked exactly as one from a peer) into a `LayeredStore`
 * over the store, which keeps the writes in memory; what landed there is counted by kind of
 * document. A person sees this before they choose to add a festival file to their copy.
 */
import { AUTHORIZATION_SCHEMA_ID, EVENT_SCHEMA_ID, FESTIVAL_SCHEMA_ID, PROFILE_SCHEMA_ID, RESOURCE_SCHEMA_ID } from '../festival/schemas.js';
import type { Hash } from '../hash/hash.js';
import type { SchemaRegistry } from '../schema/registry.js';
import { LayeredStore } from '../storage/layered-store.js';
import type { Store } from '../storage/store.js';
import { importBundle, type ImportResult } from './bundle.js';
import { Replicator } from './replicator.js';

/** Documents of one kind the import would touch: made by it, or changed (updated or deleted) by it. */
export interface DocumentCounts {
  added: number;
  changed: number;
}

export interface BundlePreview extends ImportResult {
  events: DocumentCounts;
  resources: DocumentCounts;
  festivalDocuments: DocumentCounts;
  profiles: DocumentCounts;
  /** Authorization documents (decisions on requests for resources) made or changed. */
  decisions: number;
  /** Festivals whose creation is in the bundle and not held yet. */
  newFestivals: Hash[];
  /** The store as it would be after the import (read it; writes to it go nowhere). */
  after: Store;
}

const KINDS = new Map<string, 'events' | 'resources' | 'festivalDocuments' | 'profiles' | 'decisions'>([
  [EVENT_SCHEMA_ID, 'events'],
  [RESOURCE_SCHEMA_ID, 'resources'],
  [FESTIVAL_SCHEMA_ID, 'festivalDocuments'],
  [PROFILE_SCHEMA_ID, 'profiles'],
  [AUTHORIZATION_SCHEMA_ID, 'decisions'],
]);

/**
 * Imports `bytes` into a layer over `store` and says what it added. Rejects as
 * `readBundle` does (BUNDLE_INVALID, BUNDLE_SIGNATURE_INVALID) for a bundle that is not one;
 * invalid entries are in `rejected`. `store` is only read.
 */
export async function previewBundle(store: Store, bytes: Uint8Array, options: { schemas?: SchemaRegistry } = {}): Promise<BundlePreview> {
  const after = new LayeredStore(store);
  const replicator = await Replicator.open(after, options.schemas ? { schemas: options.schemas } : {});
  let result: ImportResult;
  try {
    result = await importBundle(replicator, bytes);
  } finally {
    replicator.close();
  }
  const touched = new Map<string, { created: Set<Hash>; changed: Set<Hash> }>();
  for (const kind of new Set(KINDS.values())) touched.set(kind, { created: new Set(), changed: new Set() });
  for (const { operation } of after.added()) {
    const kind = KINDS.get(operation.schemaId);
    if (!kind) continue;
    const documents = touched.get(kind)!;
    if (operation.action === 'create') documents.created.add(operation.documentId);
    else if (!documents.created.has(operation.documentId)) documents.changed.add(operation.documentId);
  }
  const counts = (kind: string): DocumentCounts => ({ added: touched.get(kind)!.created.size, changed: touched.get(kind)!.changed.size });
  const decisions = touched.get('decisions')!;
  return {
    ...result,
    events: counts('events'),
    resources: counts('resources'),
    festivalDocuments: counts('festivalDocuments'),
    profiles: counts('profiles'),
    decisions: decisions.created.size + decisions.changed.size,
    newFestivals: result.festivals.filter((festival) => touched.get('festivalDocuments')!.created.has(festival)),
    after,
  };
}
