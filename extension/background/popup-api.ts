/**
 * The background's answers to the extension's own pages (popup and approval window): the
 * state they show and what the person does there. The person is the one acting here, so
 * nothing is asked again; the pages are told apart from web content by the browser (the
 * caller checks `sender.url`). No browser APIs in here.
 */
import type { FestivalNode, Hash } from '../../core/index.js';
import type { FestivalPeerHealth } from '../../peer/index.js';
import { isHash, pendingActedFor } from '../../core/index.js';
import { type Vault, isVaultError, type Identity, MemoryVaultStorage } from '../vault/vault.js';
import type { PeerLink } from '../peer/peer-link.js';
import type { Decision, IdentityView, OwnerRequestView, PopupFestivalView, PopupMethod, PopupMethods, PopupState } from '../shared/popup-protocol.js';
import { POPUP_METHODS } from '../shared/popup-protocol.js';
import { ProviderErrorCode, ProviderRpcError } from '../shared/protocol.js';
import type { ApprovalQueue } from './approvals.js';
import { timeRange } from './describe.js';
import type { DataWatch } from './data-watch.js';
import { DevicePairing } from './device-pairing.js';
import type { FestivalSettings } from './festival-settings.js';
import type { KeyValueStorage } from './stored-records.js';
import type { Permissions } from './permissions.js';
import { myEventViews } from './my-events.js';
import { profileNames } from './planner-views.js';
import type { ProviderRouter } from './provider-router.js';
import { invalid } from './request-params.js';
import { Welcome } from './welcome.js';

export interface PopupApiServices {
  vault: Vault;
  approvals: ApprovalQueue;
  permissions: Permissions;
  router: ProviderRouter;
  node: FestivalNode;
  peer: PeerLink;
  settings: FestivalSettings;
  /** What the festival store held, and a loss noticed at start (data-watch.ts); still comparing while it is pending. */
  dataWatch?: Promise<DataWatch | undefined>;
  /** Extension storage, for the popup's own notes (whether a backup was made, the devices linked here). */
  storage?: KeyValueStorage;
  /** Storage for this browser session only (storage.session): the secrets of pairing offers. */
  session?: KeyValueStorage;
  /** Whether the approval window may close now (./approval-window.ts); false when a question came meanwhile. */
  closeApproval?: () => boolean;
}

const BACKUP_MADE_KEY = 'backup-made';

const DECISIONS: readonly Decision[] = ['approve-once', 'approve-always', 'deny'];
/** How long the popup waits for the peer's health before showing the festivals without it. */
const HEALTH_TIMEOUT = 1_500;

function object(params: unknown): Record<string, unknown> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) invalid('params is an object');
  return params as Record<string, unknown>;
}

function string(params: Record<string, unknown>, name: string, { optional = false } = {}): string {
  const value = params[name];
  if (optional && value === undefined) return '';
  if (typeof value !== 'string' || value.length > 1_000_000) invalid(`${name} is a string`);
  return value;
}

const view = ({ id, name, publicKey }: Identity): IdentityView => ({ id, name, publicKey });

const emptyHealth = (): FestivalPeerHealth => ({ peers: [], festivals: [], authors: [], forks: 0, blocked: [], overlay: [] });

export class PopupApi {
  readonly #welcome: Welcome;
  readonly #pairing: DevicePairing;

  constructor(private readonly services: PopupApiServices) {
    this.#welcome = new Welcome(services.storage);
    const { vault, node, settings, peer } = services;
    this.#pairing = new DevicePairing({
      vault,
      node,
      settings,
      session: services.session ?? new MemoryVaultStorage(),
      local: services.storage ?? new MemoryVaultStorage(),
      reconfigure: () => peer.configure(settings.peerConfig()),
    });
  }

  /**
   * How many requests wait for the person's decision (the toolbar badge): the sites'
   * questions, and requests for the active identity's resources it has not voted on (and,
   * on a linked device, for those of the person it is a device of).
   */
  async waitingCount(): Promise<number> {
    const { vault, approvals, node } = this.services;
    const sites = approvals.pending().length;
    if (vault.isLocked) return sites;
    return sites + pendingActedFor(await node.model(), vault.activeIdentity().publicKey).length;
  }

  async handle(method: string, params?: unknown): Promise<unknown> {
    if (!POPUP_METHODS.includes(method as PopupMethod))
      throw new ProviderRpcError(ProviderErrorCode.UNSUPPORTED_METHOD, `Method ${method.slice(0, 60)} is not supported`);
    try {
      return await this.#dispatch(method as PopupMethod, params);
    } catch (error) {
      if (!isVaultError(error)) throw error;
      const code =
        error.code === 'VAULT_LOCKED'
          ? ProviderErrorCode.UNAUTHORIZED
          : error.code === 'VAULT_STORAGE_FAILED' || error.code === 'VAULT_CORRUPT'
            ? ProviderErrorCode.INTERNAL
            : ProviderErrorCode.INVALID_PARAMS;
      throw new ProviderRpcError(code, error.message, { code: error.code });
    }
  }

  async #dispatch(method: PopupMethod, params: unknown): Promise<PopupMethods[PopupMethod]['result']> {
    const { vault, approvals, router } = this.services;
    const pairing = this.#pairing;
    switch (method) {
      case 'popup_offerDevice':
        return pairing.offer();
      case 'popup_checkDeviceReply':
        return pairing.checkReply(params);
      case 'popup_linkDevice':
        return this.#told(pairing.link(params));
      case 'popup_cancelPairing':
        return pairing.cancel();
      case 'popup_unlinkDevice':
        return this.#told(pairing.unlink(params));
      case 'popup_answerOffer':
        return pairing.answer(params);
      case 'popup_takeFestivals':
        return pairing.takeFestivals(params);
      case 'popup_forgetAnswer':
        return pairing.forgetAnswer();
      case 'popup_state':
        return this.state();
      case 'popup_approvalDone':
        return this.services.closeApproval?.() ?? false;
      case 'popup_decide': {
        const { id, decision, identity } = object(params);
        if (typeof id !== 'number' || !DECISIONS.includes(decision as Decision)) invalid('{ id, decision } with decision approve-once, approve-always or deny');
        if (identity !== undefined && (typeof identity !== 'string' || identity.length > 64)) invalid('identity is an identity id or "new"');
        return approvals.decide(id, decision as Decision, identity);
      }
      case 'popup_revoke':
        await router.revoke(string(object(params), 'origin'));
        return true;
      case 'popup_leaveFestival': {
        const { festivalId } = object(params);
        if (!isHash(festivalId)) invalid('festivalId is a document id');
        await this.services.settings.leave(festivalId);
        await this.services.peer.configure(this.services.settings.peerConfig());
        return true;
      }
      case 'popup_shareFestival': {
        const p = object(params);
        if (!isHash(p.festivalId)) invalid('festivalId is a document id');
        await router.share(string(p, 'origin'), p.festivalId);
        return true;
      }
      case 'popup_setIdentityFor': {
        const p = object(params);
        await vault.setIdentityFor(string(p, 'origin'), string(p, 'identityId'));
        return true;
      }
      case 'popup_setActiveIdentity':
        await vault.setActiveIdentity(string(object(params), 'identityId'));
        return true;
      case 'popup_createIdentity':
        return view(await vault.createIdentity(string(object(params), 'name')));
      case 'popup_renameIdentity': {
        const p = object(params);
        return view(await vault.renameIdentity(string(p, 'identityId'), string(p, 'name')));
      }
      case 'popup_setPassphrase': {
        const p = object(params);
        const current = string(p, 'current', { optional: true });
        await vault.setPassphrase(string(p, 'passphrase'), current === '' ? undefined : current);
        return true;
      }
      case 'popup_lock':
        await vault.lock();
        return true;
      case 'popup_unlock':
        await vault.unlock(string(object(params), 'passphrase'));
        // Sites that asked while the vault was locked were waiting for this.
        for (const item of approvals.pending()) if (item.kind === 'unlock') approvals.decide(item.id, 'approve-once');
        return true;
      case 'popup_exportBackup': {
        const backup = await vault.exportBackup(string(object(params), 'passphrase'));
        await this.services.storage?.set(BACKUP_MADE_KEY, Date.now());
        return backup;
      }
      case 'popup_dismissDataLoss':
        await (await this.services.dataWatch)?.dismiss();
        return true;
      case 'popup_restoreBackup': {
        const p = object(params);
        const result = await vault.restoreBackup(string(p, 'text'), string(p, 'passphrase'));
        return { added: result.added.length, existing: result.existing.length };
      }
      case 'popup_authorize':
        return this.#authorize(object(params));
      case 'popup_nameYourself':
        return this.#nameYourself(string(object(params), 'name').trim());
      case 'popup_closeWelcome': {
        const { outcome } = object(params);
        if (outcome !== 'done' && outcome !== 'skipped') invalid('outcome is done or skipped');
        await this.#welcome.close(outcome);
        return true;
      }
    }
  }

  /** Sites are told after a profile update the person signed here (in the background; notifyChanged logs its own failure). */
  async #told<T>(signing: Promise<T>): Promise<T> {
    const result = await signing;
    void this.services.router.notifyChanged();
    return result;
  }

  /** The identity is renamed first (the vault checks the name), then its profile created or changed. */
  async #nameYourself(name: string): Promise<IdentityView> {
    const { vault, node, router } = this.services;
    const identity = await vault.renameIdentity(vault.activeIdentity().id, name);
    const profile = (await node.model()).profileOf(identity.publicKey);
    await router.publishAsPerson(
      vault.keyPair(identity.id),
      profile ? { type: 'profile', action: 'update', documentId: profile.id, fields: { name } } : { type: 'profile', action: 'create', fields: { name } },
    );
    return view(identity);
  }

  async #authorize(params: Record<string, unknown>): Promise<true> {
    const { resourceId, eventId, decision, note } = params;
    if (!isHash(resourceId) || !isHash(eventId)) invalid('resourceId and eventId are document ids');
    if (decision !== 'confirm' && decision !== 'deny') invalid('decision is confirm or deny');
    if (note !== undefined && (typeof note !== 'string' || note.length > 1_000)) invalid('note is a string of at most 1,000 characters');
    const { vault, node, router } = this.services;
    const keyPair = vault.keyPair(vault.activeIdentity().id);
    try {
      await node.authorize(keyPair, resourceId, eventId, decision, note ?? '');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string') throw new ProviderRpcError(ProviderErrorCode.INVALID_PARAMS, (error as Error).message, { code });
      throw error;
    }
    void router.notifyChanged(); // sites are told in the background; notifyChanged logs its own failure
    return true;
  }

  async state(): Promise<PopupState> {
    const { vault, approvals, permissions, node, settings, dataWatch, storage } = this.services;
    const locked = vault.isLocked;
    const [model, health, backupMade, watch] = await Promise.all([node.model(), this.#health(), storage?.get(BACKUP_MADE_KEY), dataWatch]);
    const loss = watch?.loss();
    const choices = new Map(vault.originChoices());
    const active = locked ? null : vault.activeIdentity();
    const servers = new Map(settings.list().map((setting) => [setting.festivalId, setting.signaling.length]));
    const festivals: PopupFestivalView[] = settings.ids().map((id) => this.#festivalView(id, model, health, servers.get(id) ?? 0));
    let ownerRequests: OwnerRequestView[] = [];
    if (active) {
      ownerRequests = pendingActedFor(model, active.publicKey).map(({ resource, event }) => {
        const festival = model.festivals.get(event.festival);
        const when = timeRange(event.start, event.end, festival?.timezone ?? 'UTC');
        return {
          resourceId: resource.id,
          resourceTitle: resource.title,
          eventId: event.id,
          eventTitle: event.title,
          when: festival ? `${when}, in festival ${festival.name}` : when,
          requestedBy: event.owner,
        };
      });
    }
    const names = locked ? {} : profileNames(model);
    const backedUp = typeof backupMade === 'number';
    return {
      locked,
      hasPassphrase: vault.hasPassphrase,
      identities: locked ? [] : vault.identities().map(view),
      activeIdentityId: active?.id ?? null,
      pending: approvals.pending(),
      sites: permissions.sites().map((site) => ({ ...site, identityId: choices.get(site.origin) ?? active?.id ?? '' })),
      festivals,
      peers: health.peers.length,
      ownerRequests,
      myEvents: active ? myEventViews(model, active.publicKey, names) : [],
      names,
      dataLoss: loss ? { hadDocuments: loss.had.logs, foundDocuments: loss.found.logs, noticedAt: loss.noticedAt } : null,
      backedUp,
      welcome: !locked && (await this.#welcome.isOpen(backedUp)),
      devices: active ? await this.#pairing.view(model, active.publicKey) : null,
    };
  }

  #festivalView(id: Hash, model: Awaited<ReturnType<FestivalNode['model']>>, health: FestivalPeerHealth, servers: number): PopupFestivalView {
    const tree = new Set(model.festivalTree(id));
    const figures = health.festivals.find((festival) => festival.id === id);
    // Who wrote in this festival: the owners of its festivals, resources and events.
    const authors = new Set<string>();
    for (const festival of tree) {
      const owner = model.festivals.get(festival)?.owner;
      if (owner) authors.add(owner);
    }
    for (const item of [...model.resources.values(), ...model.events.values()]) if (tree.has(item.festival)) authors.add(item.owner);
    const lastActive = health.authors
      .filter((author) => authors.has(author.publicKey))
      .reduce<number | null>((latest, author) => Math.max(latest ?? 0, author.lastActive), null);
    return {
      id,
      name: model.festivals.get(id)?.name ?? null,
      peers: health.peers.filter((peer) => peer.festivals.includes(id)).length,
      missing: figures?.missing ?? 0,
      entries: figures?.entries ?? 0,
      lastActive,
      servers,
      known: health.overlay.find((overlay) => overlay.festivalId === id)?.known ?? 0,
      owner: model.festivals.get(id)?.owner ?? null,
    };
  }

  async #health(): Promise<FestivalPeerHealth> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<FestivalPeerHealth>((resolve) => (timer = setTimeout(() => resolve(emptyHealth()), HEALTH_TIMEOUT)));
    try {
      return await Promise.race([this.services.peer.health().catch(emptyHealth), late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
