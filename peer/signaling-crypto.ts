/**
 * Encrypted signaling, as y-webrtc's src/crypto.js does it for a room password: `data` is a
 * base64 string of lib0 `varString('AES-GCM') varUint8Array(iv) varUint8Array(ciphertext)`,
 * the ciphertext being AES-GCM (random 12-byte IV) of lib0 `writeAny` of the message, under
 * a key derived with PBKDF2-SHA256 (100,000 iterations) from the password with the UTF-8 room
 * name (here: the festival topic) as salt. Byte for byte what y-webrtc sends and reads.
 */
import { base64 } from '@scure/base';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { PandaError } from '../core/errors.js';
import { decodeAny, encodeAny } from './signaling-messages.js';

const utf8Encoder = new TextEncoder();
const ALGORITHM = 'AES-GCM';

function subtle(): SubtleCrypto {
  const value = globalThis.crypto?.subtle;
  if (!value) throw new PandaError('SIGNALING_FAILED', 'Encrypted signaling needs crypto.subtle (a secure context)');
  return value;
}

/**
 * y-webrtc's `deriveKey(secret, roomName)`: PBKDF2-SHA256, 100,000 iterations, salt = the
 * UTF-8 room name (for Panda Kit the festival topic), giving an AES-GCM-256 key.
 */
export async function deriveSignalingKey(secret: string, topic: string): Promise<CryptoKey> {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new PandaError('INPUT_INVALID', 'A festival secret must be a non-empty string');
  }
  const material = await subtle().importKey('raw', utf8Encoder.encode(secret), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'PBKDF2', salt: utf8Encoder.encode(topic), iterations: 100_000, hash: 'SHA-256' },
    material,
    { name: ALGORITHM, length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** y-webrtc's `encryptJson` followed by base64: the `data` of an encrypted `publish`. */
export async function encryptSignalingData(value: unknown, key: CryptoKey): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = new Uint8Array(await subtle().encrypt({ name: ALGORITHM, iv }, key, encodeAny(value)));
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, ALGORITHM);
  encoding.writeVarUint8Array(encoder, iv);
  encoding.writeVarUint8Array(encoder, cipher);
  return base64.encode(encoding.toUint8Array(encoder));
}

/**
 * Reverses `encryptSignalingData` (and y-webrtc's encryption). Throws
 * `SIGNALING_MESSAGE_INVALID` if the text is not base64 of that format or does not decrypt
 * under `key` (another secret, or tampered with).
 */
export async function decryptSignalingData(data: string, key: CryptoKey): Promise<unknown> {
  let iv: Uint8Array;
  let cipher: Uint8Array;
  try {
    const decoder = decoding.createDecoder(base64.decode(data));
    if (decoding.readVarString(decoder) !== ALGORITHM) throw new Error('unknown algorithm');
    iv = decoding.readVarUint8Array(decoder);
    cipher = decoding.readVarUint8Array(decoder);
  } catch {
    throw new PandaError('SIGNALING_MESSAGE_INVALID', 'Encrypted signaling data is not in y-webrtc format');
  }
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(await subtle().decrypt({ name: ALGORITHM, iv: iv.slice() }, key, cipher.slice()));
  } catch {
    throw new PandaError('SIGNALING_MESSAGE_INVALID', 'Signaling data does not decrypt with this festival secret');
  }
  return decodeAny(plain);
}
