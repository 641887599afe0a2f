import { bytesToHex, toBytes } from '../bytes.js';
import { PandaError } from '../errors.js';
import { PRIVATE_KEY_SIZE, PUBLIC_KEY_SIZE, SIGNATURE_SIZE, createSigner, publicKeyFromPrivate, randomPrivateKey, verify } from './ed25519.js';

/**
 * An Ed25519 key pair: one p2panda user (a person's installation, or a bot).
 * Mirrors p2panda-js's `KeyPair`; `sign` is asynchronous because it runs on WebCrypto.
 */
export class KeyPair {
  readonly #privateKey: Uint8Array;
  readonly #publicKey: Uint8Array;
  readonly #publicKeyHex: string;
  readonly #sign: (message: Uint8Array) => Promise<Uint8Array>;

  /** A new random key pair, or the one belonging to `privateKey` (hex or 32 bytes). */
  constructor(privateKey?: string | Uint8Array) {
    const secret = privateKey === undefined ? randomPrivateKey() : toBytes(privateKey, 'private key').slice();
    if (secret.length !== PRIVATE_KEY_SIZE) {
      throw new PandaError('KEY_INVALID', `A private key has ${PRIVATE_KEY_SIZE} bytes, got ${secret.length}`);
    }
    this.#privateKey = secret;
    this.#publicKey = publicKeyFromPrivate(secret);
    this.#publicKeyHex = bytesToHex(this.#publicKey);
    this.#sign = createSigner(secret);
  }

  static generate(): KeyPair {
    return new KeyPair();
  }

  static fromPrivateKey(privateKey: string | Uint8Array): KeyPair {
    return new KeyPair(privateKey);
  }

  /** The public key as 64 hex characters. */
  publicKey(): string {
    return this.#publicKeyHex;
  }

  publicKeyBytes(): Uint8Array {
    return this.#publicKey.slice();
  }

  /** The private key as 64 hex characters. Whoever holds it can sign as this user. */
  privateKey(): string {
    return bytesToHex(this.#privateKey);
  }

  privateKeyBytes(): Uint8Array {
    return this.#privateKey.slice();
  }

  /**
   * Signs a message; returns the 64-byte Ed25519 signature. A string is signed as its UTF-8
   * text, as p2panda-js 0.8.1 does (its documentation says hex, its code signs the text), so
   * signatures over strings agree between the two libraries.
   */
  sign(message: Uint8Array | string): Promise<Uint8Array> {
    return this.#sign(messageBytes(message));
  }
}

const textEncoder = new TextEncoder();

function messageBytes(message: Uint8Array | string): Uint8Array {
  if (typeof message === 'string') return textEncoder.encode(message);
  return toBytes(message, 'message');
}

/**
 * Whether `signature` is a valid signature of `message` by `publicKey` under Panda Kit's
 * strict rule (see ed25519.ts). Public key and signature are bytes or hex; a string message
 * is its UTF-8 text, as in `KeyPair.sign`. Malformed input is simply not valid: never throws.
 */
export async function verifySignature(publicKey: Uint8Array | string, message: Uint8Array | string, signature: Uint8Array | string): Promise<boolean> {
  let key: Uint8Array, bytes: Uint8Array, sig: Uint8Array;
  try {
    key = toBytes(publicKey, 'public key');
    bytes = messageBytes(message);
    sig = toBytes(signature, 'signature');
  } catch {
    return false;
  }
  if (key.length !== PUBLIC_KEY_SIZE || sig.length !== SIGNATURE_SIZE) return false;
  return verify(key, bytes, sig);
}
