/**
 * Errors from the background in words for people. The background answers with
 * `{ code, message, data }`; the vault's failures carry a stable `data.code`, switched on
 * here rather than on the message, which is for developers.
 */
import { ProviderErrorCode } from '../shared/protocol.js';
import type { VaultErrorCode } from '../vault/errors.js';

const VAULT_MESSAGES: Partial<Record<VaultErrorCode, string>> = {
  VAULT_LOCKED: 'Panda Kit is locked. Unlock it first.',
  VAULT_PASSPHRASE_WRONG: 'Wrong passphrase.',
  VAULT_PASSPHRASE_WEAK: 'The passphrase is too short: use at least 8 characters.',
  VAULT_IDENTITY_UNKNOWN: 'That identity does not exist any more.',
  VAULT_BACKUP_INVALID: 'This file is not a Panda Kit backup, or it is damaged.',
  VAULT_NAME_INVALID: 'A name needs 1 to 64 characters and no control characters.',
  VAULT_STORAGE_FAILED: 'Saving failed; nothing was changed.',
};

/** The `data.code` of an error from the background, if it has one. */
export function errorCodeOf(error: unknown): string | undefined {
  const data = typeof error === 'object' && error !== null ? (error as { data?: unknown }).data : undefined;
  const code = typeof data === 'object' && data !== null ? (data as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

export function errorMessage(error: unknown): string {
  const code = errorCodeOf(error);
  const known = code === undefined ? undefined : VAULT_MESSAGES[code as VaultErrorCode];
  if (known) return known;
  if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === ProviderErrorCode.DISCONNECTED) {
    return 'Panda Kit is not responding. Close this window and open it again.';
  }
  return error instanceof Error ? error.message : String(error);
}
