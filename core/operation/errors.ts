/**
 * The error codes of the operation pipeline, one set per stage (p2panda-rs's
 * operation/error.rs has an error type per stage likewise). A code may be raised by more than
 * one stage: each set lists what its stage can raise. Code strings never change.
 */

/** cbor-decode.ts / cbor-encode.ts: bytes -> CBOR items, and canonical encoding. */
export type CborErrorCode = 'OPERATION_CBOR_INVALID' | 'OPERATION_NON_CANONICAL' | 'OPERATION_FORMAT_INVALID' | 'OPERATION_FIELD_VALUE_INVALID';

/** decode.ts: CBOR items -> plain operation (form, header, field names). */
export type DecodeOperationErrorCode =
  | CborErrorCode
  | 'OPERATION_TOO_LARGE'
  | 'OPERATION_VERSION_UNSUPPORTED'
  | 'OPERATION_ACTION_INVALID'
  | 'OPERATION_PREVIOUS_INVALID'
  | 'OPERATION_FIELDS_UNSORTED'
  | 'OPERATION_FIELD_DUPLICATE'
  | 'OPERATION_FIELD_NAME_INVALID'
  | 'OPERATION_FIELDS_MISSING'
  | 'OPERATION_TOO_MANY_FIELDS';

/** validate.ts and decode-typed.ts: plain -> operation, against a schema. */
export type ValidateOperationErrorCode =
  'OPERATION_FIELD_VALUE_INVALID' | 'OPERATION_FIELDS_MISSING' | 'OPERATION_FIELD_UNKNOWN' | 'SCHEMA_UNKNOWN' | 'SCHEMA_MISMATCH';

/** encode.ts and operation.ts: building operation fields and encoding them. */
export type EncodeOperationErrorCode =
  | 'OPERATION_ACTION_INVALID'
  | 'OPERATION_PREVIOUS_INVALID'
  | 'OPERATION_FORMAT_INVALID'
  | 'OPERATION_FIELDS_MISSING'
  | 'OPERATION_FIELD_DUPLICATE'
  | 'OPERATION_FIELD_VALUE_INVALID'
  | 'OPERATION_TOO_MANY_FIELDS';

export type OperationErrorCode = DecodeOperationErrorCode | ValidateOperationErrorCode | EncodeOperationErrorCode;
