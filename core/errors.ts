/**
 * Every failure Panda Kit reports about data is a `PandaError` with a stable `code`.
 * Codes never change meaning once released: UIs, peers and tests switch on them, while
 * `message` is free text for people. The codes are grouped by the module that raises
 * them (the operation pipeline's, per stage, in operation/errors.ts).
 */
import type { OperationErrorCode } from './operation/errors.js';

/** bytes.ts: hex and byte inputs. */
export type EncodingErrorCode = 'HEX_INVALID' | 'INPUT_INVALID';

/** identity/: keys and signatures. */
export type IdentityErrorCode = 'KEY_INVALID' | 'SIGNATURE_INVALID';

/** identity/pairing.ts and festival/devices.ts: linking a second device; each refusal its own code. */
export type PairingErrorCode =
  | 'PAIRING_CODE_INVALID'
  | 'PAIRING_EXPIRED'
  | 'PAIRING_USED'
  | 'PAIRING_NOT_FOR_THIS_VAULT'
  | 'PAIRING_INVALID'
  | 'PAIRING_UNKNOWN'
  | 'PAIRING_SELF'
  | 'DEVICE_NOT_LINKED';

/** hash/. */
export type HashErrorCode = 'HASH_INVALID';

/** entry/: Bamboo entries and the integrity of logs. */
export type EntryErrorCode =
  | 'ENTRY_TOO_LARGE'
  | 'ENTRY_TRUNCATED'
  | 'ENTRY_TRAILING_BYTES'
  | 'ENTRY_TAG_UNSUPPORTED'
  | 'ENTRY_VARU64_INVALID'
  | 'ENTRY_SEQ_NUM_INVALID'
  | 'ENTRY_LINKS_INVALID'
  | 'ENTRY_SIGNATURE_INVALID'
  | 'ENTRY_PAYLOAD_SIZE_MISMATCH'
  | 'ENTRY_PAYLOAD_HASH_MISMATCH'
  | 'ENTRY_BACKLINK_MISSING'
  | 'ENTRY_BACKLINK_MISMATCH'
  | 'ENTRY_SKIPLINK_MISSING'
  | 'ENTRY_SKIPLINK_MISMATCH'
  | 'ENTRY_DUPLICATE'
  | 'LOG_FORK'
  | 'LOG_SEQ_GAP'
  | 'ENTRY_NUMBER_TOO_LARGE'
  | 'LOG_DOCUMENT_MISMATCH';

/** schema/: schema ids, names, descriptions and field types. */
export type SchemaErrorCode =
  | 'SCHEMA_ID_INVALID'
  | 'SCHEMA_NAME_INVALID'
  | 'SCHEMA_DESCRIPTION_INVALID'
  | 'SCHEMA_FIELD_TYPE_INVALID'
  | 'SCHEMA_FIELDS_INVALID'
  | 'SCHEMA_UNKNOWN'
  | 'SCHEMA_MISMATCH';

/** storage/ and document/. */
export type StorageErrorCode = 'STORE_WRITE_FAILED' | 'DOCUMENT_UNKNOWN' | 'DOCUMENT_DELETED' | 'DOCUMENT_INVALID' | 'STORE_OPEN_FAILED' | 'STORE_CORRUPT';

/** replication/: messages, scope, sessions and bundles. */
export type ReplicationErrorCode =
  | 'REPLICATION_FRAME_INVALID'
  | 'REPLICATION_MESSAGE_INVALID'
  | 'REPLICATION_MESSAGE_TOO_LARGE'
  | 'REPLICATION_OUT_OF_SCOPE'
  | 'REPLICATION_ENTRY_UNRESOLVED'
  | 'REPLICATION_PEER_BLOCKED'
  | 'REPLICATION_CLOSED'
  | 'BUNDLE_INVALID'
  | 'BUNDLE_SIGNATURE_INVALID'
  | 'HEIGHTS_TEXT_INVALID';

/** overlay/: the membership layer's messages and options. */
export type OverlayErrorCode =
  | 'OVERLAY_MESSAGE_TOO_LARGE'
  | 'OVERLAY_MESSAGE_TRUNCATED'
  | 'OVERLAY_MESSAGE_TRAILING_BYTES'
  | 'OVERLAY_MESSAGE_TYPE_UNKNOWN'
  | 'OVERLAY_PEER_ID_INVALID'
  | 'OVERLAY_FIELD_INVALID'
  | 'OVERLAY_OPTIONS_INVALID';

// Codes raised outside core/ (core imports nothing from there, so their sets live here).

/** peer/: signaling and WebRTC. */
export type NetworkErrorCode = 'SIGNALING_FAILED' | 'SIGNALING_MESSAGE_INVALID' | 'TRANSPORT_CLOSED' | 'WEBRTC_UNAVAILABLE' | 'WEBRTC_PEER_LIMIT';

/** node/: the feed server of `panda serve --http`. */
export type FeedErrorCode = 'HTTP_LISTEN_FAILED';

/** cli/. */
export type CliErrorCode =
  'CLI_USAGE' | 'CLI_FLAG_MISSING' | 'CLI_FLAG_INVALID' | 'CLI_NOT_FOUND' | 'CLI_NOT_ALLOWED' | 'CLI_PEER_RUNNING' | 'CLI_WRITE_FAILED' | 'CLI_WIDGETS_MISSING';

/** widgets/. */
export type WidgetErrorCode = 'SCHEDULE_INVALID' | 'SCHEDULE_FORMAT_UNKNOWN' | 'PEER_WORKER_FAILED';

export type ErrorCode =
  | EncodingErrorCode
  | IdentityErrorCode
  | PairingErrorCode
  | HashErrorCode
  | EntryErrorCode
  | OperationErrorCode
  | SchemaErrorCode
  | StorageErrorCode
  | ReplicationErrorCode
  | OverlayErrorCode
  | NetworkErrorCode
  | FeedErrorCode
  | CliErrorCode
  | WidgetErrorCode;

export class PandaError extends Error {
  readonly code: ErrorCode;
  /** Machine-readable context (field name, expected and actual values, ...). */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'PandaError';
    this.code = code;
    this.details = details;
  }
}

export function isPandaError(error: unknown, code?: ErrorCode): error is PandaError {
  return error instanceof PandaError && (code === undefined || error.code === code);
}
