/**
 * Every failure Panda Kit reports about data is a `PandaError` with a stable `code`.
 * Codes never change meaning once released: UIs, peers and tests switch on them, while
 * `message` is free text for people.
 */
export type ErrorCode =
  // encoding helpers
  | 'HEX_INVALID'
  | 'INPUT_INVALID'
  // keys and signatures
  | 'KEY_INVALID'
  | 'SIGNATURE_INVALID'
  // hashes
  | 'HASH_INVALID'
  // entries
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
  | 'LOG_DOCUMENT_MISMATCH'
  // operations
  | 'OPERATION_TOO_LARGE'
  | 'OPERATION_CBOR_INVALID'
  | 'OPERATION_NON_CANONICAL'
  | 'OPERATION_FORMAT_INVALID'
  | 'OPERATION_VERSION_UNSUPPORTED'
  | 'OPERATION_ACTION_INVALID'
  | 'OPERATION_PREVIOUS_INVALID'
  | 'OPERATION_FIELDS_UNSORTED'
  | 'OPERATION_FIELD_DUPLICATE'
  | 'OPERATION_FIELD_NAME_INVALID'
  | 'OPERATION_FIELD_VALUE_INVALID'
  | 'OPERATION_FIELDS_MISSING'
  | 'OPERATION_FIELD_UNKNOWN'
  | 'OPERATION_TOO_MANY_FIELDS'
  // schemas
  | 'SCHEMA_ID_INVALID'
  | 'SCHEMA_NAME_INVALID'
  | 'SCHEMA_DESCRIPTION_INVALID'
  | 'SCHEMA_FIELD_TYPE_INVALID'
  | 'SCHEMA_FIELDS_INVALID'
  | 'SCHEMA_UNKNOWN'
  | 'SCHEMA_MISMATCH'
  // storage
  | 'STORE_WRITE_FAILED'
  | 'DOCUMENT_UNKNOWN'
  | 'DOCUMENT_DELETED'
  | 'DOCUMENT_INVALID'
  | 'STORE_OPEN_FAILED'
  // replication
  | 'REPLICATION_FRAME_INVALID'
  | 'REPLICATION_MESSAGE_INVALID'
  | 'REPLICATION_MESSAGE_TOO_LARGE'
  | 'REPLICATION_OUT_OF_SCOPE'
  | 'REPLICATION_PEER_BLOCKED'
  | 'REPLICATION_CLOSED'
  | 'BUNDLE_INVALID'
  | 'BUNDLE_SIGNATURE_INVALID'
  // network
  | 'SIGNALING_FAILED'
  | 'SIGNALING_MESSAGE_INVALID'
  | 'TRANSPORT_CLOSED'
  | 'WEBRTC_UNAVAILABLE'
  // command line
  | 'CLI_USAGE'
  // widgets
  | 'SCHEDULE_INVALID';

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
