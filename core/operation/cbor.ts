/**
 * The CBOR subset p2panda operations use: its values, encoded canonically (cbor-encode.ts)
 * and decoded strictly (cbor-decode.ts).
 *
 * Why not cbor-x here (it frames replication messages elsewhere): operations must be
 * byte-identical to p2panda's, which writes every float in its smallest lossless width
 * (4.5 -> f9 4480), and cbor-x never writes half-precision floats. Decoding must keep the
 * int/float distinction (4 and 4.0 are different values of different field types), reject
 * every non-canonical form so that one operation has one encoding, and never allocate more
 * than the input justifies; cbor-x decodes to plain JS numbers and is lenient by design.
 *
 * Values: text -> string, integer -> bigint, float -> number, bool -> boolean,
 * byte string -> Uint8Array (a view into the decoded input), array -> CborValue[],
 * map (text keys only) -> CborMap.
 */

export type CborValue = string | bigint | number | boolean | Uint8Array | CborValue[] | CborMap;

/** A CBOR map with text keys, in the order the keys appear in the bytes. */
export class CborMap {
  constructor(readonly entries: ReadonlyArray<readonly [string, CborValue]>) {}
}

/** Integers are 64-bit signed in operations, as in p2panda. */
export const MAX_I64 = 2n ** 63n - 1n;
export const MIN_I64 = -(2n ** 63n);
