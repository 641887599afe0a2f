/**
 * A Node peer's data directory: its identity (the key file, readable by its owner only),
 * its settings (festivals joined, signaling servers) and its SQLite database.
 *
 *   identity.json  { "publicKey", "privateKey" }   mode 0600
 *   config.json    { "festivals": [{ "id", "secret"? }], "signaling": [urls] }
 *   panda.sqlite   entries, operations, logs, fork evidence
 *   status.json    the running peer's health figures, rewritten every few seconds
 *   feeds.json     what the schedule feeds of `panda serve --http` remember (node/feed-revisions.ts)
 *   pairing.json   open device-pairing offers with their secrets (`panda devices`)   mode 0600
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KeyPair, openOfferRecord, PandaError, readOpenOffers, isHash, type Hash, type OpenPairingOffer } from '../core/index.js';

export interface FestivalSetting {
  id: Hash;
  /** Encrypts signaling for this festival (as a y-webrtc room password does). */
  secret?: string;
}

export interface PeerConfig {
  festivals: FestivalSetting[];
  signaling: string[];
}

export const DEFAULT_SIGNALING = 'ws://127.0.0.1:4444';

export function defaultDataDir(): string {
  return process.env.PANDA_DATA ?? join(homedir(), '.panda-kit');
}

function usage(message: string): never {
  throw new PandaError('CLI_USAGE', message);
}

/** Writes a file whole or not at all (a crash mid-write leaves the old one). */
function writeAtomic(path: string, text: string, mode = 0o644): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, path);
}

export class DataDir {
  constructor(readonly path: string) {}

  get databasePath(): string {
    return join(this.path, 'panda.sqlite');
  }

  get statusPath(): string {
    return join(this.path, 'status.json');
  }

  get feedsPath(): string {
    return join(this.path, 'feeds.json');
  }

  /** Makes the directory (owner only) if it does not exist yet. */
  ensure(): void {
    mkdirSync(this.path, { recursive: true, mode: 0o700 });
  }

  hasIdentity(): boolean {
    return existsSync(join(this.path, 'identity.json'));
  }

  /** Makes a new key pair; refuses to replace one unless `force` (the old key would be lost). */
  createIdentity(force = false): KeyPair {
    if (this.hasIdentity() && !force) usage(`${join(this.path, 'identity.json')} exists already; pass --force to replace it (the old key is then gone)`);
    this.ensure();
    const keyPair = KeyPair.generate();
    const file = join(this.path, 'identity.json');
    writeAtomic(file, `${JSON.stringify({ publicKey: keyPair.publicKey(), privateKey: keyPair.privateKey() }, null, 2)}\n`, 0o600);
    chmodSync(file, 0o600);
    return keyPair;
  }

  identity(): KeyPair {
    const file = join(this.path, 'identity.json');
    if (!existsSync(file)) usage(`No identity in ${this.path}; run "panda identity create" first`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      usage(`${file} is not valid JSON`);
    }
    const privateKey = (parsed as { privateKey?: unknown }).privateKey;
    if (typeof privateKey !== 'string') usage(`${file} holds no private key`);
    return KeyPair.fromPrivateKey(privateKey);
  }

  /** The identity, made on first use. */
  identityOrCreate(): KeyPair {
    return this.hasIdentity() ? this.identity() : this.createIdentity();
  }

  config(): PeerConfig {
    const file = join(this.path, 'config.json');
    if (!existsSync(file)) return { festivals: [], signaling: [DEFAULT_SIGNALING] };
    let parsed: Partial<PeerConfig>;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PeerConfig>;
    } catch {
      usage(`${file} is not valid JSON`);
    }
    const festivals = Array.isArray(parsed.festivals) ? parsed.festivals.filter((festival) => isHash(festival?.id)) : [];
    const signaling = Array.isArray(parsed.signaling) ? parsed.signaling.filter((url) => typeof url === 'string') : [DEFAULT_SIGNALING];
    return { festivals, signaling };
  }

  saveConfig(config: PeerConfig): void {
    this.ensure();
    writeAtomic(join(this.path, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  }

  join(festivalId: string, secret?: string): PeerConfig {
    // isHash narrows a string that fails it to never, hence the cast back for the message.
    if (!isHash(festivalId)) usage(`"${festivalId as string}" is not a festival id (68 hex characters starting with 0020)`);
    const config = this.config();
    config.festivals = config.festivals.filter((festival) => festival.id !== festivalId);
    config.festivals.push(secret === undefined ? { id: festivalId } : { id: festivalId, secret });
    this.saveConfig(config);
    return config;
  }

  leave(festivalId: string): PeerConfig {
    const config = this.config();
    config.festivals = config.festivals.filter((festival) => festival.id !== festivalId);
    this.saveConfig(config);
    return config;
  }

  writeStatus(status: unknown): void {
    this.ensure();
    writeAtomic(this.statusPath, `${JSON.stringify(status, null, 2)}\n`);
  }

  status(): unknown {
    return this.#readJson(this.statusPath);
  }

  /** feeds.json as stored: undefined when missing or not JSON (the feeds then start afresh). */
  feedRevisions(): unknown {
    return this.#readJson(this.feedsPath);
  }

  saveFeedRevisions(value: unknown): void {
    this.ensure();
    writeAtomic(this.feedsPath, JSON.stringify(value));
  }

  get pairingPath(): string {
    return join(this.path, 'pairing.json');
  }

  /** The pairing offers made here that are open, used or expired less than a day ago. */
  pairingOffers(now: number): OpenPairingOffer[] {
    return readOpenOffers(this.#readJson(this.pairingPath), now);
  }

  /** Keeps `offers` (secrets included: owner only), forgetting those expired more than a day ago. */
  savePairingOffers(offers: readonly OpenPairingOffer[], now: number): void {
    this.ensure();
    const kept = readOpenOffers(offers.map(openOfferRecord), now);
    writeAtomic(this.pairingPath, `${JSON.stringify(kept.map(openOfferRecord), null, 2)}\n`, 0o600);
    chmodSync(this.pairingPath, 0o600);
  }

  #readJson(path: string): unknown {
    if (!existsSync(path)) return undefined;
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return undefined;
    }
  }
}
