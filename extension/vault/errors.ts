/**
 * Every failure the vault reports is a `VaultError` with a stable `code`, in the manner of
 * core's `PandaError`: the popup and the background switch on `code`, `message` is for people.
 */
export type VaultErrorCode =
  /** The vault has a passphrase and is locked: private keys are not in memory. */
  | 'VAULT_LOCKED'
  /** The passphrase does not open the vault or the backup (or the ciphertext was altered: AES-GCM cannot tell which). */
  | 'VAULT_PASSPHRASE_WRONG'
  /** A new passphrase is shorter than 8 characters. */
  | 'VAULT_PASSPHRASE_WEAK'
  | 'VAULT_IDENTITY_UNKNOWN'
  /** The last identity cannot be removed. */
  | 'VAULT_LAST_IDENTITY'
  /** A backup file is not JSON, not a Panda Kit vault backup, or its content is malformed. */
  | 'VAULT_BACKUP_INVALID'
  /** What is stored is not a vault this version understands; it is left untouched. */
  | 'VAULT_CORRUPT'
  /** An identity name is empty, longer than 64 characters or has control characters. */
  | 'VAULT_NAME_INVALID'
  /** Writing to storage failed; nothing changed (the previous state is still stored and in use). */
  | 'VAULT_STORAGE_FAILED';

export class VaultError extends Error {
  readonly code: VaultErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: VaultErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VaultError';
    this.code = code;
    this.details = details;
  }
}

export function isVaultError(error: unknown, code?: VaultErrorCode): error is VaultError {
  return error instanceof VaultError && (code === undefined || error.code === code);
}
