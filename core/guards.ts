/**
 * Type guards for values from outside (messages, JSON, storage): one home, so that every
 * reader of untrusted data checks shapes the same way.
 */

/** An object (a record of named values, possibly an array), not null. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
