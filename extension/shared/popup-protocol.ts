/**
 * How the extension's own pages (the toolbar popup and the approval window) talk to the
 * background: one entry point, `request({ method, params })`, over `runtime.sendMessage`,
 * answered with `{ result }` or `{ error: { code, message } }`, and a port (`POPUP_PORT`)
 * the background uses to say "the state changed" and to know that the popup is open. Only
 * pages of the extension itself are answered (the background checks `sender.url`); content
 * scripts and web pages never reach these methods. No browser APIs in here.
 */
import type { ProviderErrorShape } from './protocol.js';
import type { FestivalFileMethods } from './festival-file-protocol.js';

export type Decision = 'approve-once' | 'approve-always' | 'deny';

/** `runtime.sendMessage` payloads for the background carry this target. */
export const POPUP_TARGET = 'panda-kit:popup';
/** The port an open popup or approval window keeps to the background; it receives `{ type: 'changed' }`. */
export const POPUP_PORT = 'panda-kit/popup';

export interface IdentityView {
  id: string;
  name: string;
  /** Ed25519 public key, 64 hex characters. */
  publicKey: string;
}

/** One signed field of a question: the extension's label, and the value as data (page text, stored names). */
export interface PromptDetail {
  label: string;
  value: string;
  /** For a change: the value it replaces. */
  old?: string;
}

/** An identity the person may pick for a site at its first connect. */
export interface IdentityChoice {
  id: string;
  name: string;
  publicKey: string;
  /** The name of its published profile, where there is one. */
  profileName?: string;
}

/** A question waiting for the person, oldest first; the first is the one on screen. */
export interface PendingView {
  id: number;
  origin: string;
  /** "connect", "join", "publish:event:create", ... */
  kind: string;
  /** The request in the extension's own words (nothing a page sent). */
  description: string;
  /** What will be signed or stored, field by field: shown as quoted data. */
  details?: PromptDetail[];
  /** Whether "always allow" is offered (never for connecting, joining or identities). */
  allowAlways?: boolean;
  /** Connecting: which identity the site is to see (the first is preselected), or a new one. */
  identities?: IdentityChoice[];
  /** The identity that would sign. */
  publicKey?: string;
  createdAt: number;
}

export interface SiteView {
  origin: string;
  connected: boolean;
  /** Request kinds allowed for good. */
  always: string[];
  connectedAt: number;
  /** The identity this site sees. */
  identityId: string;
  /** Festivals it may see: it created or joined them, or the person shared them. */
  festivals: string[];
}

export interface FestivalView {
  id: string;
  /** The festival's name, or null while its data has not arrived yet. */
  name: string | null;
  /** Connected peers that share this festival. */
  peers: number;
  /** Entries some connected peer has and this one does not yet. */
  missing: number;
  /** Entries held here. */
  entries: number;
  /** When an author of this festival was last seen writing (ms since 1970), or null. */
  lastActive: number | null;
}

/** A festival as the popup shows it. */
export interface PopupFestivalView extends FestivalView {
  /** Signaling servers it meets peers through (0: this device only). */
  servers: number;
  /** Peers of it known around the overlay besides the connected ones (0 off the overlay). */
  known: number;
  /** Who made it (public key), or null while its data has not arrived. */
  owner: string | null;
}

/** One of the active identity's events and where its requests stand. */
export interface MyEventView {
  id: string;
  title: string;
  /** "Fri 21:00-23:00" in the festival's time zone. */
  when: string;
  festivalName: string | null;
  /** confirmed: everything requested is confirmed (or nothing was); declined: a request was refused or lost to an earlier one. */
  state: 'confirmed' | 'waiting' | 'declined';
  /** "Confirmed", "Waiting for Klangkeller", "Declined by Werkstatt", "2 of 3 resources confirmed · Waiting for Bühne". */
  headline: string;
  /** Each request in words: "waiting for Mira to decide". */
  requests: Array<{ resourceTitle: string; words: string }>;
}

/** A request for one of the active identity's resources that waits for its decision. */
export interface OwnerRequestView {
  resourceId: string;
  resourceTitle: string;
  eventId: string;
  eventTitle: string;
  /** "Fri 21:00-23:00, in festival Hoffnung 3000" */
  when: string;
  /** The requester's public key. */
  requestedBy: string;
}

/** A device the active identity's profile lists. */
export interface LinkedDeviceView {
  publicKey: string;
  /** What both devices showed while pairing: four groups of four digits and letters. */
  fingerprint: string;
  /** What the person called it when linking it here, else the device's own profile name; null: neither. */
  name: string | null;
  /** When it was linked here (ms since 1970); null when linked elsewhere (another device of the person, the `panda` command). */
  linkedAt: number | null;
}

/**
 * Linking devices (device-pairing.ts), for the active identity: on device A the offer shown,
 * the reply that passed its checks and waits for "Link this device", then the festivals code
 * for the linked device; on device B its answer to an offer; and which devices are linked.
 */
export interface DevicesView {
  /** This identity's fingerprint, as the other device shows it while pairing. */
  fingerprint: string;
  linked: LinkedDeviceView[];
  /** The person this identity is a further device of (their profile lists it), or null. */
  deviceOf: { publicKey: string; name: string } | null;
  /** A: the offer to show (its code and QR code), until it is answered, cancelled or expires (ms since 1970). */
  offer: { code: string; expiresAt: number } | null;
  /** A: a reply that passed every check; the person compares the fingerprints, then links. */
  accepted: { fingerprint: string } | null;
  /** A: the device just linked, and the code that hands it this identity's festivals. */
  handover: { fingerprint: string; name: string | null; code: string } | null;
  /** B: its reply to an offer, and the festivals it took part in since (null: not yet). */
  answer: { reply: string; fingerprint: string; expiresAt: number; festivals: number | null } | null;
}

export interface PopupState {
  locked: boolean;
  /** Whether the keys are encrypted with a passphrase (only then can the vault lock). */
  hasPassphrase: boolean;
  /** Empty while locked. */
  identities: IdentityView[];
  /** The identity used for sites without their own choice; null while locked. */
  activeIdentityId: string | null;
  pending: PendingView[];
  sites: SiteView[];
  festivals: PopupFestivalView[];
  /** Connected peers in all. */
  peers: number;
  ownerRequests: OwnerRequestView[];
  /** The active identity's events; empty while locked. */
  myEvents: MyEventView[];
  /** Profile names by public key, for users who made a profile (shown instead of keys). */
  names: Record<string, string>;
  /** Festival data found missing at start (the browser reset its database), until it is back or dismissed. */
  dataLoss: { hadDocuments: number; foundDocuments: number; noticedAt: number } | null;
  /** Whether a backup of the identities was ever saved (first start nudges the person to make one). */
  backedUp: boolean;
  /** Whether to show the first-run welcome (until the person finished or skipped it). */
  welcome: boolean;
  /** Linking further devices; null while locked. */
  devices: DevicesView | null;
}

/** Every method, its params and its result. */
export interface PopupMethods {
  popup_state: { params: undefined; result: PopupState };
  /** `identity`: for a connect question, the identity picked for the site (an id, or 'new'). */
  popup_decide: { params: { id: number; decision: Decision; identity?: string }; result: boolean };
  popup_revoke: { params: { origin: string }; result: true };
  /** Stop replicating a festival (its servers' sockets close); its data stays. */
  popup_leaveFestival: { params: { festivalId: string }; result: true };
  /** Let a connected site see a festival. */
  popup_shareFestival: { params: { origin: string; festivalId: string }; result: true };
  popup_setIdentityFor: { params: { origin: string; identityId: string }; result: true };
  popup_setActiveIdentity: { params: { identityId: string }; result: true };
  popup_createIdentity: { params: { name: string }; result: IdentityView };
  popup_renameIdentity: { params: { identityId: string; name: string }; result: IdentityView };
  popup_setPassphrase: { params: { passphrase: string; current?: string }; result: true };
  popup_lock: { params: undefined; result: true };
  /** The person read the notice that festival data went missing. */
  popup_dismissDataLoss: { params: undefined; result: true };
  popup_unlock: { params: { passphrase: string }; result: true };
  /** An encrypted backup file's text (JSON). */
  popup_exportBackup: { params: { passphrase: string }; result: string };
  popup_restoreBackup: { params: { text: string; passphrase: string }; result: { added: number; existing: number } };
  /** The active identity confirms or denies a request for its resource (signed at once: the person is the one asking). */
  popup_authorize: { params: { resourceId: string; eventId: string; decision: 'confirm' | 'deny'; note?: string }; result: true };
  /** The welcome's first step: the active identity takes `name`, and its profile says so (signed at once). */
  popup_nameYourself: { params: { name: string }; result: IdentityView };
  /** The welcome was finished or skipped: it does not come back. */
  popup_closeWelcome: { params: { outcome: 'done' | 'skipped' }; result: true };
  /** The approval window answered its last question: whether it may close (false: another one came meanwhile). */
  popup_approvalDone: { params: undefined; result: boolean };
  /** Device A: a new pairing offer for the active identity (an earlier one shown is replaced). */
  popup_offerDevice: { params: undefined; result: { code: string; expiresAt: number } };
  /** Device A: checks the other device's reply code against the offers made here; PAIRING_* codes when refused. */
  popup_checkDeviceReply: { params: { reply: string }; result: { fingerprint: string } };
  /** Device A: the person saw the same fingerprint on both devices: signs the profile update listing it. */
  popup_linkDevice: { params: { name?: string }; result: { fingerprint: string; code: string } };
  /** Device A: stops adding a device (the offer shown can no longer be answered) or closes the festivals code. */
  popup_cancelPairing: { params: undefined; result: true };
  popup_unlinkDevice: { params: { device: string }; result: true };
  /** Device B: answers an offer code with the active identity; the reply code to give device A. */
  popup_answerOffer: { params: { offer: string }; result: { reply: string; fingerprint: string } };
  /** Device B: takes part in the festivals the festivals code hands it. */
  popup_takeFestivals: { params: { code: string }; result: { festivals: number } };
  /** Device B: forgets its answer (to answer another offer). */
  popup_forgetAnswer: { params: undefined; result: true };
}

export type PopupMethod = keyof PopupMethods;

export const POPUP_METHODS: readonly PopupMethod[] = [
  'popup_state',
  'popup_decide',
  'popup_revoke',
  'popup_leaveFestival',
  'popup_shareFestival',
  'popup_setIdentityFor',
  'popup_setActiveIdentity',
  'popup_createIdentity',
  'popup_renameIdentity',
  'popup_setPassphrase',
  'popup_lock',
  'popup_dismissDataLoss',
  'popup_unlock',
  'popup_exportBackup',
  'popup_restoreBackup',
  'popup_authorize',
  'popup_nameYourself',
  'popup_closeWelcome',
  'popup_approvalDone',
  'popup_offerDevice',
  'popup_checkDeviceReply',
  'popup_linkDevice',
  'popup_cancelPairing',
  'popup_unlinkDevice',
  'popup_answerOffer',
  'popup_takeFestivals',
  'popup_forgetAnswer',
];

/** What the popup may ask: its own methods, and the festival files' (answered by the planner's API, as for the planner). */
export type PopupPageMethods = PopupMethods & FestivalFileMethods;
export type PopupPageMethod = keyof PopupPageMethods;

export type PopupMessage = { target: typeof POPUP_TARGET; method: PopupPageMethod; params?: unknown };
/** `error.data.code` names a vault error (VAULT_PASSPHRASE_WRONG, ...) where there is one. */
export type PopupReply = { result: unknown } | { error: ProviderErrorShape };

/** What the popup's elements use: the background in the extension, a fake in component tests. */
export interface PopupClient {
  request<M extends PopupPageMethod>(method: M, params?: PopupPageMethods[M]['params']): Promise<PopupPageMethods[M]['result']>;
  /** Called whenever the background's state changed; returns an unsubscribe function. */
  onChanged(listener: () => void): () => void;
}
