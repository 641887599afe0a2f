/**
 * The form of a hash in ids, without any hashing code: forms and widgets check document ids
 * with it and load none of BLAKE3.
 */
const HASH_HEX = /^0020[0-9a-f]{64}$/;

/** Whether `value` is a hash in its canonical hex form (lower case, 68 characters). */
export function isHash(value: unknown): value is string {
  return typeof value === 'string' && HASH_HEX.test(value);
}
