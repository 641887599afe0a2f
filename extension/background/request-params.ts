/**
 * Checking the parameters of a request to the background: anything malformed is a
 * ProviderRpcError -32602 (INVALID_PARAMS) whose message names what was expected, thrown
 * before the person is ever asked about the request.
 */
import { isHash, isPandaError, type Hash } from '../../core/index.js';
import { ProviderErrorCode, ProviderRpcError } from '../shared/protocol.js';

/** Throws -32602 with `message` (and `data`, e.g. the PandaError code of invalid festival data). */
export function invalid(message: string, data?: unknown): never {
  throw new ProviderRpcError(ProviderErrorCode.INVALID_PARAMS, message, data);
}

/** A request's params as an object (JSON-RPC's `[params]` too; none: `{}`). */
export function paramsObject(params: unknown): Record<string, unknown> {
  const value: unknown = Array.isArray(params) ? params[0] : params;
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) invalid('params is an object');
  return value as Record<string, unknown>;
}

/** `value` as a document id; `name` says which parameter or field it was. */
export function documentIdParam(value: unknown, name: string): Hash {
  if (!isHash(value)) invalid(`${name} is a document id`);
  return value;
}

/** Rethrows a PandaError of the node (festival data that breaks its rules) as -32602 with its code; anything else as it is. */
export function rethrowAsInvalid(error: unknown): never {
  if (isPandaError(error)) invalid(error.message, { code: error.code });
  throw error;
}

/** The file's name as the errors say it (a page could send anything: kept short, one line). */
export function fileNameParam(value: unknown): string {
  const name =
    typeof value === 'string'
      ? value
          .replace(/[\r\n]+/g, ' ')
          .trim()
          .slice(0, 120)
      : '';
  return name === '' ? 'The file' : name;
}
