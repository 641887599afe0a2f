/**
 * Panda Kit core: p2panda 0.8 data, byte for byte. Runs in pages, extensions, workers and
 * Node alike: no DOM and no extension APIs in here.
 */
export { PandaError, isPandaError, type ErrorCode } from './errors.js';
export { bytesToHex, hexToBytes } from './bytes.js';

export { KeyPair, verifySignature } from './identity/key-pair.js';
export { acceptPairingReply, answerPairingOffer, createPairingOffer, deviceFingerprint } from './identity/pairing.js';
export { decodePairingOffer, decodePairingReply, encodePairingOffer, encodePairingReply } from './identity/pairing.js';
export { MAX_PAIRING_TTL_SECONDS, PAIRING_OFFER_PREFIX, PAIRING_REPLY_PREFIX, PAIRING_TTL_SECONDS } from './identity/pairing.js';
export { openOfferRecord, PAIRING_MEMORY_SECONDS, readOpenOffers } from './identity/pairing.js';
export type { AcceptedPairing, OpenPairingOffer, PairingOffer, PairingReply } from './identity/pairing.js';
export {
  decodeFestivalHandover,
  encodeFestivalHandover,
  FESTIVALS_CODE_PREFIX,
  MAX_HANDED_FESTIVALS,
  type HandedFestival,
} from './identity/pairing-festivals.js';

export { generateHash, hashingReady, isHash, HASH_SIZE, type Hash } from './hash/hash.js';

export type { Entry } from './entry/entry.js';
export { MAX_ENTRY_SIZE, MAX_OPERATION_SIZE } from './entry/entry.js';
export { encodeVarU64, decodeVarU64 } from './entry/varu64.js';
export { lipmaa, isSkiplinkRequired } from './entry/lipmaa.js';
export { signAndEncodeEntry, type EntryArgs } from './entry/encode.js';
export { decodeEntry, parseEntry, type ParsedEntry } from './entry/decode.js';
export { validatePayload, validateLogIntegrity, type LogLinks } from './entry/validate.js';

export { OperationFields, type Operation, type OperationAction, type OperationValue, type EasyValues, type TypedValue } from './operation/operation.js';
export { encodeOperation, type OperationArgs } from './operation/encode.js';
export { decodeOperation, type KnownHeader, type PlainOperation, type PlainValue } from './operation/decode.js';
export { validateOperation } from './operation/validate.js';
export { decodeTypedOperation, decodeStoredFields } from './operation/decode-typed.js';

export { SCHEMA_DEFINITION_V1, SCHEMA_FIELD_DEFINITION_V1, parseSchemaId, schemaIdFor, type SchemaId, type ParsedSchemaId } from './schema/schema-id.js';
export { parseFieldType, formatFieldType, type FieldType, type FieldTypeName } from './schema/field-type.js';
export { Schema, schemaDefinitionV1, schemaFieldDefinitionV1, SYSTEM_SCHEMAS, type SchemaArgs } from './schema/schema.js';
export { SchemaRegistry, type SchemaProvider } from './schema/registry.js';

export type { Store, StoredEntry, StoredOperation, LogInfo, ForkEvidence, EntryRecord } from './storage/store.js';
export { MemoryStore } from './storage/memory-store.js';
export { LayeredStore } from './storage/layered-store.js';
export { DexieStore } from './storage/dexie-store.js';

export { publish, publishOperation, nextArgs, type NextArgs, type PublishResult } from './api/publish.js';

export { sortGraph, type GraphNode, type SortedGraph } from './document/graph.js';
export { materializeDocument, type DocumentOperation, type DocumentView, type FieldValues, type MaterializeOptions } from './document/document.js';

export { FESTIVAL_SCHEMA_SPECS, type FestivalSchemaName, type SchemaSpec, type FieldSpec } from './festival/schema-fields.js';
export {
  AUTHORIZATION_SCHEMA_ID,
  EVENT_SCHEMA_ID,
  FESTIVAL_SCHEMA_ID,
  PROFILE_SCHEMA_ID,
  RESOURCE_SCHEMA_ID,
  FESTIVAL_SCHEMA_IDS,
  FESTIVAL_SCHEMAS,
  festivalSchemaRegistry,
  installFestivalSchemas,
} from './festival/schemas.js';
export {
  parseGeoUri,
  safeUrl,
  type Festival,
  type Profile,
  type Resource,
  type FestivalEvent,
  type Authorization,
  type Decision,
  type Location,
  type GeoPosition,
  type InvalidDocument,
} from './festival/model.js';
export { PolicyRegistry, firstComeFirstServed, manual, quorum, type AuthorizationPolicy, type Verdict, type Vote } from './festival/policies.js';
export { evaluateBookings, requestOrder, type RequestState, type RequestStatus } from './festival/bookings.js';
export {
  FestivalModel,
  toFestivalOperation,
  type FestivalOperation,
  type ModelOperation,
  type ScheduleItem,
  type Booking,
  type PendingRequest,
} from './festival/festival-model.js';
export type { Slot } from './festival/free-slots.js';
export { answerQuery, toPlainData, QUERY_NAMES, type QueryName } from './festival/queries.js';
export { FestivalNode } from './festival/festival-node.js';
export type { FestivalFields, ResourceFields, EventFields } from './festival/document-fields.js';
export {
  deviceOwnerProfile,
  linkDevice,
  linkedDevices,
  pendingActedFor,
  unlinkDevice,
  usersActedFor,
  type DeviceChange,
  type LinkedDevice,
} from './festival/devices.js';

export type { Transport } from './replication/transport.js';
export { MAX_FRAME_SIZE } from './replication/transport.js';
export { memoryLink, type FrameScheduler } from './replication/memory-link.js';
export { FrameReader, FrameWriter } from './replication/framing.js';
export { encodeMessage, decodeMessage, MAX_MESSAGE_SIZE, type Message, type LogHeights, type TargetHeights } from './replication/messages.js';
export { ScopeIndex, syncTarget } from './replication/scope.js';
export {
  Replicator,
  Connection,
  type Clock,
  type ReplicatorOptions,
  type ReplicatorEvent,
  type IngestOutcome,
  type ReplicationHealth,
  type PeerHealth,
  type FestivalHealth,
} from './replication/replicator.js';
export {
  exportBundle,
  readBundle,
  importBundle,
  encodeBundle,
  bundleHeights,
  BUNDLE_MAGIC,
  BUNDLE_VERSION,
  MAX_BUNDLE_SIZE,
  MAX_BUNDLE_ENTRIES,
  MAX_BUNDLE_FESTIVALS,
  type Bundle,
  type BundleEntry,
  type ExportOptions,
  type ImportOptions,
  type ImportResult,
} from './replication/bundle.js';
export { previewBundle, type BundlePreview, type DocumentCounts } from './replication/bundle-preview.js';
export { heightsToText, textToHeights, MAX_HEIGHTS_TEXT } from './replication/heights-text.js';
export {
  bundleToQrTexts,
  parseQrText,
  readQrText,
  qrSeriesOf,
  qrSvg,
  QR_PREFIX,
  DEFAULT_QR_CHARS,
  MAX_QR_CHARS,
  MAX_QR_PARTS,
  type QrPart,
  type QrReadFailure,
  type QrSvgOptions,
} from './replication/qr.js';
export { QrPartCollector, qrTextsToBundle, type QrPartRefusal, type QrPartScan } from './replication/qr-parts.js';

export {
  HyParView,
  decodeOverlayMessage,
  encodeOverlayMessage,
  isOverlayPeerId,
  MAX_OVERLAY_MESSAGE_SIZE,
  type OverlayAction,
  type OverlayMessage,
  type OverlayOptions,
} from './overlay/index.js';
