/**
 * Linking a person's devices from the popup (core/identity/pairing.ts has the protocol and
 * why it holds; core/festival/devices.ts signs the profile updates, as `panda devices` does).
 *
 * On device A, for the identity in use: an offer (shown as its code and a QR code) → the
 * other device's reply, checked against the offers made here → the person compares the
 * fingerprints and links, which signs A's profile update listing B → a festivals code that
 * hands B the festivals A takes part in (core/identity/pairing-festivals.ts: a fresh B knows
 * no festival and no server, so it could not hear of the update otherwise). A can unlink
 * each device later. On device B: the offer code → the reply code for A; then the festivals
 * code → B takes part in the same festivals, receives A's profile with them, and from then
 * on shows itself linked (and the requests for A's resources, popup-api.ts).
 *
 * The background does the crypto and keeps the secrets: the vault's keys stay in the vault,
 * the offers' secrets in `storage.session` (gone with the browser session, as ten-minute
 * offers may be; trusted contexts only). The popup only shows codes and fingerprints, and
 * survives being closed between the steps (copying a code to the other device closes it).
 * A refusal is a -32602 whose `data.code` is the PandaError's (PAIRING_EXPIRED, ...), and
 * nothing is signed then. No browser APIs in here.
 */
import {
  acceptPairingReply,
  answerPairingOffer,
  createPairingOffer,
  decodeFestivalHandover,
  decodePairingOffer,
  decodePairingReply,
  deviceFingerprint,
  deviceOwnerProfile,
  encodeFestivalHandover,
  encodePairingOffer,
  encodePairingReply,
  linkDevice,
  linkedDevices,
  MAX_HANDED_FESTIVALS,
  openOfferRecord,
  PandaError,
  readOpenOffers,
  unlinkDevice,
  type FestivalModel,
  type FestivalNode,
  type KeyPair,
  type OpenPairingOffer,
} from '../../core/index.js';
import type { Identity, Vault } from '../vault/vault.js';
import type { DevicesView } from '../shared/popup-protocol.js';
import type { FestivalSettings } from './festival-settings.js';
import { invalid, rethrowAsInvalid } from './request-params.js';
import type { KeyValueStorage } from './stored-records.js';

export interface DevicePairingServices {
  vault: Vault;
  node: FestivalNode;
  settings: FestivalSettings;
  /** storage.session: the open offers with their secrets, and A's steps in between. */
  session: KeyValueStorage;
  /** storage.local: B's answer, and the names A gave the devices it linked. */
  local: KeyValueStorage;
  /** The festivals changed (B took A's): the peer is configured again. */
  reconfigure(): Promise<void>;
  /** Seconds since 1970 (tests move it). */
  now?: () => number;
}

const SESSION_KEY = 'device-pairing';
const ANSWER_KEY = 'device-answer';
const NAMES_KEY = 'device-names';
const MAX_CODE_LENGTH = 20_000;
const MAX_NAME_LENGTH = 64;

/** What A keeps between the steps. */
interface SessionRecord {
  offers: ReturnType<typeof openOfferRecord>[];
  /** The offer shown (by vault and expiry; the secret stays in `offers`). */
  shown?: { vault: string; code: string; expiresAt: number };
  accepted?: { vault: string; device: string };
  handover?: { vault: string; device: string; name: string | null; code: string };
}

/** What B keeps of its answer. */
interface AnswerRecord {
  identity: string;
  vault: string;
  reply: string;
  expiresAt: number;
  festivals: number | null;
}

type Names = Record<string, { name: string | null; linkedAt: number }>;

const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});
const text = (value: unknown, what: string, max = MAX_CODE_LENGTH): string => {
  if (typeof value !== 'string' || value.length > max) invalid(`${what} is a string of at most ${max} characters`);
  return value;
};

export class DevicePairing {
  readonly #now: () => number;
  // One change at a time: two popups (or a double click) must not both use one offer.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly services: DevicePairingServices) {
    this.#now = services.now ?? (() => Math.floor(Date.now() / 1000));
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run.catch(rethrowAsInvalid);
  }

  async #session(): Promise<SessionRecord> {
    const stored = record(await this.services.session.get(SESSION_KEY));
    const offers = readOpenOffers(stored.offers, this.#now()).map(openOfferRecord);
    return { ...(stored as Partial<SessionRecord>), offers };
  }

  #saveSession(session: SessionRecord): Promise<void> {
    return this.services.session.set(SESSION_KEY, session);
  }

  async #answer(): Promise<AnswerRecord | undefined> {
    const stored = record(await this.services.local.get(ANSWER_KEY));
    return typeof stored.identity === 'string' && typeof stored.vault === 'string' && typeof stored.reply === 'string'
      ? (stored as unknown as AnswerRecord)
      : undefined;
  }

  async #names(): Promise<Names> {
    return record(await this.services.local.get(NAMES_KEY)) as Names;
  }

  /** The identity in use and its keys; VAULT_LOCKED while locked (nothing of pairing works then, as nothing can be signed). */
  #active(): { identity: Identity; keyPair: KeyPair } {
    const identity = this.services.vault.activeIdentity();
    return { identity, keyPair: this.services.vault.keyPair(identity.id) };
  }

  #identityOf(publicKey: string): Identity {
    const identity = this.services.vault.identities().find((item) => item.publicKey === publicKey);
    if (!identity) throw new PandaError('PAIRING_UNKNOWN', 'The identity that made this offer is no longer here: make a new offer');
    return identity;
  }

  /** A: a new offer for the identity in use; the one shown before can no longer be answered. */
  offer(): Promise<{ code: string; expiresAt: number }> {
    return this.#exclusive(async () => {
      const vault = this.#active().identity.publicKey;
      const session = await this.#session();
      const offer = createPairingOffer(vault, this.#now());
      const code = encodePairingOffer(offer);
      const offers = session.offers.filter((item) => !isShown(item, session.shown));
      await this.#saveSession({ offers: [...offers, openOfferRecord(offer)], shown: { vault, code, expiresAt: offer.expiresAt } });
      return { code, expiresAt: offer.expiresAt * 1000 };
    });
  }

  /** A: checks a reply code (pairing.ts's refusals, in its order); the offer is used up now, whatever the person decides. */
  checkReply(params: unknown): Promise<{ fingerprint: string }> {
    const reply = text(record(params).reply, 'reply');
    return this.#exclusive(async () => {
      const vault = this.#active().identity.publicKey;
      const decoded = decodePairingReply(reply);
      const session = await this.#session();
      const offers: OpenPairingOffer[] = readOpenOffers(session.offers, this.#now());
      const accepted = await acceptPairingReply(vault, offers, decoded, this.#now());
      accepted.offer.usedBy = accepted.device;
      await this.#saveSession({ offers: offers.map(openOfferRecord), accepted: { vault, device: accepted.device } });
      return { fingerprint: accepted.fingerprint };
    });
  }

  /** A: the person saw the same fingerprint on both devices: signs the profile update, and makes the festivals code. */
  link(params: unknown): Promise<{ fingerprint: string; code: string }> {
    const name = text(record(params).name ?? '', 'name', MAX_NAME_LENGTH).trim() || null;
    return this.#exclusive(async () => {
      const session = await this.#session();
      if (!session.accepted) throw new PandaError('PAIRING_UNKNOWN', 'No reply waits to be linked: make a new offer');
      const { vault, device } = session.accepted;
      const identity = this.#identityOf(vault);
      const keyPair = this.services.vault.keyPair(identity.id);
      await linkDevice(this.services.node, keyPair, device, { name: identity.name });
      const names = await this.#names();
      await this.services.local.set(NAMES_KEY, { ...names, [device]: { name, linkedAt: this.#now() * 1000 } });
      const festivals = this.services.settings
        .list()
        .filter((setting) => setting.signaling.length > 0)
        .slice(0, MAX_HANDED_FESTIVALS)
        .map(({ festivalId, signaling, secret }) => (secret === undefined ? { festivalId, signaling } : { festivalId, signaling, secret }));
      const code = await encodeFestivalHandover(keyPair, device, festivals);
      await this.#saveSession({ offers: session.offers, handover: { vault, device, name, code } });
      return { fingerprint: deviceFingerprint(device), code };
    });
  }

  /** A: stops adding a device: the offer shown can no longer be answered, a reply checked is not linked. */
  cancel(): Promise<true> {
    return this.#exclusive(async () => {
      const session = await this.#session();
      await this.#saveSession({ offers: session.offers.filter((item) => !isShown(item, session.shown)) });
      return true as const;
    });
  }

  unlink(params: unknown): Promise<true> {
    const device = text(record(params).device, 'device', 64);
    return this.#exclusive(async () => {
      await unlinkDevice(this.services.node, this.#active().keyPair, device);
      const { [device]: _gone, ...names } = await this.#names();
      await this.services.local.set(NAMES_KEY, names);
      return true as const;
    });
  }

  /** B: answers an offer code with the identity in use. */
  answer(params: unknown): Promise<{ reply: string; fingerprint: string }> {
    const offerText = text(record(params).offer, 'offer');
    return this.#exclusive(async () => {
      const offer = decodePairingOffer(offerText);
      const { identity, keyPair } = this.#active();
      const reply = encodePairingReply(await answerPairingOffer(offer, keyPair, this.#now()));
      const answer: AnswerRecord = { identity: identity.publicKey, vault: offer.vault, reply, expiresAt: offer.expiresAt, festivals: null };
      await this.services.local.set(ANSWER_KEY, answer);
      return { reply, fingerprint: deviceFingerprint(identity.publicKey) };
    });
  }

  /** B: takes part in the festivals a code from the identity it answered hands it. */
  takeFestivals(params: unknown): Promise<{ festivals: number }> {
    const code = text(record(params).code, 'code');
    return this.#exclusive(async () => {
      const identity = this.#active().identity.publicKey;
      const answer = await this.#answer();
      if (!answer || answer.identity !== identity)
        throw new PandaError('PAIRING_UNKNOWN', 'This device has answered no pairing offer: enter the other device’s offer code first');
      const festivals = await decodeFestivalHandover(code, { vault: answer.vault, device: identity });
      for (const { festivalId, signaling, secret } of festivals)
        await this.services.settings.joinAsPerson(festivalId, secret === undefined ? { signaling } : { signaling, secret });
      await this.services.reconfigure();
      await this.services.local.set(ANSWER_KEY, { ...answer, festivals: festivals.length });
      return { festivals: festivals.length };
    });
  }

  forgetAnswer(): Promise<true> {
    return this.#exclusive(async () => {
      await this.services.local.set(ANSWER_KEY, null);
      return true as const;
    });
  }

  /** What the popup shows for the identity `me` (its public key). */
  async view(model: FestivalModel, me: string): Promise<DevicesView> {
    const [session, answer, names] = await Promise.all([this.#session(), this.#answer(), this.#names()]);
    const owner = deviceOwnerProfile(model, me);
    const used = (vault: string, expiresAt: number) => session.offers.some((item) => item.vault === vault && item.expiresAt === expiresAt && item.usedBy);
    const shown = session.shown?.vault === me && !used(me, session.shown.expiresAt) ? session.shown : undefined;
    // B's answer is done with once the profile it answered lists it: forgotten, so that an
    // unlink later does not bring back "waiting to hear from it".
    const done = answer?.identity === me && owner?.owner === answer.vault;
    if (done) await this.forgetAnswer();
    const waiting = answer?.identity === me && !done ? answer : undefined;
    return {
      fingerprint: deviceFingerprint(me),
      linked: linkedDevices(model, me).map((device) => ({
        publicKey: device.publicKey,
        fingerprint: device.fingerprint,
        name: names[device.publicKey]?.name ?? device.name ?? null,
        linkedAt: names[device.publicKey]?.linkedAt ?? null,
      })),
      deviceOf: owner ? { publicKey: owner.owner, name: owner.name } : null,
      offer: shown ? { code: shown.code, expiresAt: shown.expiresAt * 1000 } : null,
      accepted: session.accepted?.vault === me ? { fingerprint: deviceFingerprint(session.accepted.device) } : null,
      handover:
        session.handover?.vault === me
          ? { fingerprint: deviceFingerprint(session.handover.device), name: session.handover.name, code: session.handover.code }
          : null,
      answer: waiting ? { reply: waiting.reply, fingerprint: deviceFingerprint(me), expiresAt: waiting.expiresAt * 1000, festivals: waiting.festivals } : null,
    };
  }
}

const isShown = (offer: { vault: string; expiresAt: number; usedBy?: string }, shown: SessionRecord['shown']) =>
  shown !== undefined && offer.vault === shown.vault && offer.expiresAt === shown.expiresAt && offer.usedBy === undefined;
