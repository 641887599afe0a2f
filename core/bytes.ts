import { bytesToHex as nobleBytesToHex, hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js';
import { PandaError } from './errors.js';

/** Lower-case hexadecimal encoding of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  return nobleBytesToHex(bytes);
}

/** Decodes hexadecimal text; throws `HEX_INVALID` for odd lengths or non-hex characters. */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new PandaError('HEX_INVALID', 'Expected a hexadecimal string');
  try {
    return nobleHexToBytes(hex);
  } catch {
    throw new PandaError('HEX_INVALID', `Not a valid hexadecimal string (${describeLength(hex)})`);
  }
}

/** Accepts bytes as given or as hex text, the two forms p2panda-js users pass around. */
export function toBytes(value: Uint8Array | string, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return hexToBytes(value);
  throw new PandaError('INPUT_INVALID', `${what} must be a Uint8Array or a hexadecimal string`);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describeLength(text: string): string {
  return text.length > 40 ? `${text.length} characters` : JSON.stringify(text);
}
