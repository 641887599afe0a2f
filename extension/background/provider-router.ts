/**
 * The extension's answer to every page request: who may ask what, what the person is asked,
 * and what gets signed. The origin is always the one the browser reported (`RequestContext`);
 * nothing in a request body can change it.
 */
import type { FestivalNode, Hash, KeyPair } from '../../core/index.js';
import type { IdentityChoice } from '../shared/popup-protocol.js';
import { PROVIDER_METHODS, ProviderErrorCode, ProviderRpcError, type ProviderMethod, type RequestArguments } from '../shared/protocol.js';
import type { ApprovalQueue } from './approvals.js';
import { describeJoin } from './describe.js';
import { parseJoinOptions, type FestivalSettings, type JoinOptions } from './festival-settings.js';
import type { Permissions } from './permissions.js';
import { prepareWrite } from './prepared-write.js';
import { parsePublishRequest, type PublishRequest } from './publish-request.js';
import { documentIdParam, invalid, paramsObject, rethrowAsInvalid } from './request-params.js';
import type { RequestContext, Router } from './router.js';
import { scopeDigest, scopedQuery, scopeOf } from './site-scope.js';

export interface ProviderServices {
  node: FestivalNode;
  permissions: Permissions;
  approvals: ApprovalQueue;
  /** The festivals replicated, who joined them and through which servers. */
  settings: FestivalSettings;
  /** The identity `origin` sees. Its key stays in this context; throw ProviderRpcError 4100 while the vault is locked. */
  identityFor(origin: string): Promise<{ publicKey: string; keyPair: KeyPair }>;
  /** `settings` changed: the peer is to replicate what they say now. */
  settingsChanged(): Promise<void>;
  /** The identities a site may be shown at its first connect (empty while locked). */
  identityChoices?(): Promise<IdentityChoice[]>;
  /** The person picked `identity` (an id, or 'new' for one of its own) for `origin`. */
  chooseIdentity?(origin: string, identity: string): Promise<void>;
}

export class ProviderRouter implements Router {
  readonly #listeners = new Map<string, Set<(event: string, data: unknown) => void>>();
  /** What each listening site last could see (site-scope.ts scopeDigest). */
  readonly #seen = new Map<string, string>();
  #notifying: Promise<void> = Promise.resolve();
  readonly #joining = new Map<string, Promise<true>>();

  constructor(private readonly services: ProviderServices) {}

  subscribe(origin: string, listener: (event: string, data: unknown) => void): () => void {
    let set = this.#listeners.get(origin);
    if (!set) this.#listeners.set(origin, (set = new Set()));
    set.add(listener);
    // What the site sees now, so that the next change is measured against it.
    if (!this.#seen.has(origin)) void this.notifyChanged();
    return () => set.delete(listener);
  }

  #emit(origin: string, event: string, data: unknown): void {
    for (const listener of this.#listeners.get(origin) ?? []) listener(event, data);
  }

  /**
   * Festival data changed (a publish, entries from peers, a grant): a connected site hears
   * `festivalChanged` only when what it may see changed, so a change elsewhere is as silent
   * for it as no change at all. Resolves when the sites were told.
   */
  notifyChanged(): Promise<void> {
    this.#notifying = this.#notifying
      .then(async () => {
        const origins = [...this.#listeners.keys()].filter(
          (origin) => this.services.permissions.isConnected(origin) && (this.#listeners.get(origin)?.size ?? 0) > 0,
        );
        if (origins.length === 0) return;
        const model = await this.services.node.model();
        for (const origin of origins) {
          const digest = scopeDigest(model, this.services.permissions.festivalsOf(origin));
          if (this.#seen.get(origin) === digest) continue;
          const first = !this.#seen.has(origin);
          this.#seen.set(origin, digest);
          if (!first) this.#emit(origin, 'festivalChanged', {});
        }
      })
      .catch((error: unknown) => console.warn('Panda Kit: sites could not be told of a change', error));
    return this.#notifying;
  }

  /** The person revoked a site: its pages hear they are disconnected; festivals only it joined are left (their sockets closed). */
  async revoke(origin: string): Promise<void> {
    await this.services.permissions.revoke(origin);
    this.#seen.delete(origin);
    if (await this.services.settings.removeSite(origin)) await this.services.settingsChanged();
    this.#emit(origin, 'disconnect', { code: ProviderErrorCode.UNAUTHORIZED, message: 'The site was disconnected' });
  }

  /** The person took part in a festival through a join link opened on `origin` (the planner asked them). */
  async grantFromJoinLink(origin: string, festivalId: Hash): Promise<void> {
    await this.services.permissions.grantFestivalFromLink(origin, festivalId);
    await this.notifyChanged();
  }

  /** The person shares a festival with a site in the popup. */
  async share(origin: string, festivalId: Hash): Promise<void> {
    if (!this.services.permissions.isConnected(origin)) throw new ProviderRpcError(ProviderErrorCode.INVALID_PARAMS, 'That site is not connected');
    await this.services.permissions.grantFestival(origin, festivalId);
    await this.notifyChanged();
  }

  async handle(context: RequestContext, request: RequestArguments): Promise<unknown> {
    if (typeof request !== 'object' || request === null || typeof request.method !== 'string') invalid('A request is { method, params }');
    const method = request.method as ProviderMethod;
    if (!PROVIDER_METHODS.includes(method))
      throw new ProviderRpcError(ProviderErrorCode.UNSUPPORTED_METHOD, `Method ${request.method.slice(0, 60)} is not supported`);
    const { origin } = context;
    if (method === 'panda_connect') return this.#connect(origin);
    if (!this.services.permissions.isConnected(origin)) {
      throw new ProviderRpcError(ProviderErrorCode.UNAUTHORIZED, 'This site is not connected; call panda_connect first');
    }
    const params = paramsObject(request.params);
    switch (method) {
      case 'panda_getPublicKey':
        return (await this.services.identityFor(origin)).publicKey;
      case 'panda_festivals':
        return this.services.permissions.festivalsOf(origin);
      case 'panda_joinFestival':
        return this.#join(origin, documentIdParam(params.festivalId, 'festivalId'), params);
      case 'panda_query':
        return this.#query(origin, params);
      case 'panda_publish':
        return this.#publish(origin, parsePublishRequest(request.params));
    }
  }

  /**
   * Connecting asks the person, who also picks which identity the site sees (one of theirs,
   * or a new one only this site sees), so that sites cannot tell they share a person.
   */
  async #connect(origin: string): Promise<{ publicKey: string }> {
    let { publicKey } = await this.services.identityFor(origin);
    if (!this.services.permissions.isConnected(origin)) {
      const choices = (await this.services.identityChoices?.()) ?? [];
      const current = choices.find((choice) => choice.publicKey === publicKey);
      const identities = current ? [current, ...choices.filter((choice) => choice !== current)] : choices;
      const { decision, identity } = await this.services.approvals.answer({
        origin,
        kind: 'connect',
        description: 'Connect this site: it will see the identity you pick and only the festivals you grant it, and may ask you to sign',
        publicKey,
        ...(identities.length > 0 ? { identities } : {}),
      });
      if (decision === 'deny') throw new ProviderRpcError(ProviderErrorCode.USER_REJECTED, 'The person did not connect this site');
      if (identity !== undefined && identity !== current?.id) {
        await this.services.chooseIdentity?.(origin, identity);
        publicKey = (await this.services.identityFor(origin)).publicKey;
      }
      await this.services.permissions.connect(origin);
      this.#emit(origin, 'connect', {});
      this.#emit(origin, 'accountsChanged', [publicKey]);
    }
    return { publicKey };
  }

  /**
   * Joining asks the person, naming the festival and its servers. A festival already
   * replicated here keeps its servers and secret: the site is granted it, nothing else.
   */
  #join(origin: string, festivalId: Hash, params: Record<string, unknown>): Promise<true> {
    const options = parseJoinOptions(params);
    // Several widgets of one page asking for the same festival: one question.
    const key = `${origin} ${festivalId}`;
    const waiting = this.#joining.get(key);
    if (waiting) return waiting;
    const joining = this.#askToJoin(origin, festivalId, options).finally(() => this.#joining.delete(key));
    this.#joining.set(key, joining);
    return joining;
  }

  async #askToJoin(origin: string, festivalId: Hash, options: JoinOptions): Promise<true> {
    const { settings, permissions, approvals } = this.services;
    if (settings.joinedBy(festivalId, origin)) return true;
    settings.checkCaps(origin, options);
    const { publicKey } = await this.services.identityFor(origin);
    const model = await this.services.node.model();
    const prompt = describeJoin(festivalId, options.signaling, options.secret !== undefined, model, settings.get(festivalId) !== undefined);
    const decision = await approvals.ask({ origin, kind: 'join', ...prompt, publicKey });
    if (decision === 'deny') throw new ProviderRpcError(ProviderErrorCode.USER_REJECTED, 'The person did not join this festival');
    // Checked again: other joins of this site may have been approved while this one waited.
    settings.checkCaps(origin, options);
    const changed = await settings.join(origin, festivalId, options);
    await permissions.grantFestival(origin, festivalId);
    if (changed) await this.services.settingsChanged();
    await this.notifyChanged();
    return true;
  }

  async #query(origin: string, params: Record<string, unknown>): Promise<unknown> {
    const model = await this.services.node.model();
    const user = params.query === 'pending' ? (await this.services.identityFor(origin)).publicKey : undefined;
    return scopedQuery(model, params, this.services.permissions.festivalsOf(origin), user);
  }

  async #publish(origin: string, request: PublishRequest): Promise<{ documentId: Hash; operationId: Hash }> {
    const { publicKey, keyPair } = await this.services.identityFor(origin);
    const model = await this.services.node.model();
    // Parameters are turned into the node's arguments first, so that the person is never
    // asked about a request that cannot be carried out (or that the site may not make).
    const prepared = prepareWrite(this.services.node, scopeOf(model, this.services.permissions.festivalsOf(origin)), publicKey, request, model);
    // The grant's kind is the schema the operation is signed for, never the page's word.
    const kind = `publish:${prepared.type}:${request.action}`;
    if (!this.services.permissions.allowsAlways(origin, kind)) {
      const decision = await this.services.approvals.ask({ origin, kind, ...prepared.prompt, publicKey, allowAlways: true });
      if (decision === 'deny') throw new ProviderRpcError(ProviderErrorCode.USER_REJECTED, 'The person did not approve this');
      if (decision === 'approve-always') await this.services.permissions.allowAlways(origin, kind);
    }
    try {
      const result = await prepared.write(keyPair);
      if (prepared.type === 'festival' && request.action === 'create') await this.services.permissions.grantFestival(origin, result.documentId);
      void this.notifyChanged();
      return { documentId: result.documentId, operationId: result.hash };
    } catch (error) {
      rethrowAsInvalid(error);
    }
  }

  /**
   * Signs `request` with `keyPair` without asking: for the person's own pages (the planner),
   * where signing is what the person just did. Checked and turned into the node's arguments
   * exactly as a page's request is, with every festival in scope (the person's own).
   */
  async publishAsPerson(keyPair: KeyPair, request: PublishRequest): Promise<{ documentId: Hash; operationId: Hash }> {
    const model = await this.services.node.model();
    const { write } = prepareWrite(this.services.node, new Set(model.festivals.keys()), keyPair.publicKey(), request, model);
    try {
      const result = await write(keyPair);
      void this.notifyChanged(); // sites are told in the background; notifyChanged logs its own failure
      return { documentId: result.documentId, operationId: result.hash };
    } catch (error) {
      rethrowAsInvalid(error);
    }
  }
}
