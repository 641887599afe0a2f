/**
 * The background's answers to the planner page (planner.html): what the person plans with
 * and what they do there. Signing here is the person's own action, so nothing is asked
 * again; the page is told apart from web content by the browser (the caller checks
 * `sender.url`). Creating a festival joins it at once with the planner's signaling servers.
 * No browser APIs in here.
 */
import { answerQuery, isHash, isPandaError, type FestivalModel, type FestivalNode, type Hash } from '../../core/index.js';
import type { PlannerFestival, PlannerMethod, PlannerMethods, PlannerProfile, PlannerState } from '../shared/planner-protocol.js';
import { isPlannerMethod } from '../shared/planner-protocol.js';
import type { FestivalView } from '../shared/popup-protocol.js';
import { ProviderErrorCode, ProviderRpcError } from '../shared/protocol.js';
import type { Vault } from '../vault/vault.js';
import { parseJoinOptions, type FestivalSettings } from './festival-settings.js';
import { exportFestivalFile, festivalHeightsText, importFestivalFile, previewFestivalFile } from './festival-files.js';
import { importScheduleAsPerson } from './planner-import.js';
import { eventView, pendingViews, profileNames, resourceView } from './planner-views.js';
import type { PopupApi } from './popup-api.js';
import type { ProviderRouter } from './provider-router.js';
import { parsePublishRequest } from './publish-request.js';
import { invalid } from './request-params.js';
import type { KeyValueStorage } from './stored-records.js';

export interface PlannerApiServices {
  vault: Vault;
  node: FestivalNode;
  router: ProviderRouter;
  settings: FestivalSettings;
  popup: PopupApi;
  /** Where the planner keeps its own settings (the default signaling servers). */
  storage: KeyValueStorage;
  /** Tells the peer the festivals and servers changed. */
  reconfigure(): Promise<void>;
  /** Tells the peer of an entry stored from a festival file (as `PeerLink.announce`); default: nobody. */
  announce?: (entry: Uint8Array, operation: Uint8Array) => Promise<void>;
}

const DEFAULT_SIGNALING_KEY = 'planner-default-signaling';

/** A web origin (http or https), as the background put it into the join offer. */
function siteOf(value: unknown): string {
  if (typeof value !== 'string' || !URL.canParse(value)) invalid('site is a web origin');
  const url = new URL(value);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== value) invalid('site is a web origin');
  return value;
}

function object(params: unknown): Record<string, unknown> {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) invalid('params is an object');
  return params as Record<string, unknown>;
}

function festivalId(params: Record<string, unknown>): Hash {
  if (!isHash(params.festivalId)) invalid('festivalId is a document id');
  return params.festivalId;
}

/** ws: or wss: URLs only, at most 8 (the join rules). */
const signalingOf = (params: Record<string, unknown>) => parseJoinOptions({ signaling: params.signaling }).signaling;

const noFigures = (id: string): FestivalView => ({ id, name: null, peers: 0, missing: 0, entries: 0, lastActive: null });

export class PlannerApi {
  constructor(private readonly services: PlannerApiServices) {}

  async handle(method: string, params?: unknown): Promise<unknown> {
    if (!isPlannerMethod(method)) throw new ProviderRpcError(ProviderErrorCode.UNSUPPORTED_METHOD, `Method ${method.slice(0, 60)} is not supported`);
    return this.#dispatch(method, params);
  }

  async #dispatch(method: PlannerMethod, params: unknown): Promise<PlannerMethods[PlannerMethod]['result']> {
    const { settings } = this.services;
    switch (method) {
      case 'planner_state':
        return this.state();
      case 'planner_query':
        return this.#query(object(params));
      case 'planner_publish':
        return this.#publish(params);
      case 'planner_join': {
        const p = object(params);
        const id = festivalId(p);
        const site = p['site'] === undefined ? undefined : siteOf(p['site']);
        await this.#join(id, signalingOf(p));
        // From a join link: the page it was opened on sees the festival once connected.
        if (site !== undefined) await this.services.router.grantFromJoinLink(site, id);
        return true;
      }
      case 'planner_leave':
        await settings.leave(festivalId(object(params)));
        await this.services.reconfigure();
        return true;
      case 'planner_setSignaling': {
        const p = object(params);
        const id = festivalId(p);
        const current = settings.list().find((setting) => setting.festivalId === id);
        if (!current) invalid('Take part in this festival first');
        // Replaced, not added to, keeping its secret: the person's choice, not a site's.
        await settings.joinAsPerson(id, { signaling: signalingOf(p), ...(current.secret === undefined ? {} : { secret: current.secret }) });
        await this.services.reconfigure();
        return true;
      }
      case 'planner_setDefaultSignaling':
        await this.services.storage.set(DEFAULT_SIGNALING_KEY, signalingOf(object(params)));
        return true;
      case 'planner_importSchedule': {
        const result = await importScheduleAsPerson(this.services.node, this.#identity().keyPair, object(params));
        void this.services.router.notifyChanged(); // sites showing the festival hear of it; it logs its own failure
        return result;
      }
      case 'planner_exportFestival':
        return exportFestivalFile(this.services.node, this.#identity().keyPair, object(params));
      case 'planner_festivalHeights':
        return festivalHeightsText(this.services.node, object(params));
      case 'planner_previewFestivalFile':
        return previewFestivalFile(this.services.node, await this.#listed(), object(params));
      case 'planner_importFestivalFile':
        return this.#importFile(object(params));
    }
  }

  /** The festivals the planner lists: joined here, or made by the person. */
  async #listed(): Promise<Set<Hash>> {
    const ids = new Set<Hash>(this.services.settings.list().map((setting) => setting.festivalId));
    if (this.services.vault.isLocked) return ids;
    const me = this.services.vault.activeIdentity().publicKey;
    for (const festival of (await this.services.node.model()).festivals.values()) if (festival.owner === me) ids.add(festival.id);
    return ids;
  }

  /** A festival file added: its festivals are taken part in from now on (with the planner's servers), as if joined. */
  async #importFile(params: Record<string, unknown>) {
    const announce = this.services.announce ?? (async () => {});
    const result = await importFestivalFile(this.services.node, params, (entry, operation) =>
      announce(entry, operation).catch((error: unknown) => console.warn('Panda Kit: peers could not be told of an entry from a festival file', error)),
    );
    const joined = new Set(this.services.settings.list().map((setting) => setting.festivalId));
    const signaling = await this.#defaultSignaling();
    for (const id of result.festivals) if (isHash(id) && !joined.has(id)) await this.#join(id, signaling);
    void this.services.router.notifyChanged(); // sites showing the festival hear of it; it logs its own failure
    return result;
  }

  async #defaultSignaling(): Promise<string[]> {
    const stored = await this.services.storage.get(DEFAULT_SIGNALING_KEY);
    try {
      return signalingOf({ signaling: stored ?? [] });
    } catch {
      return []; // storage held something else: start empty rather than trust it
    }
  }

  async #join(id: Hash, signaling: string[]): Promise<void> {
    if (await this.services.settings.joinAsPerson(id, { signaling })) await this.services.reconfigure();
  }

  #identity() {
    const { vault } = this.services;
    const identity = vault.activeIdentity();
    return { identity, keyPair: vault.keyPair(identity.id) };
  }

  async #query(params: Record<string, unknown>): Promise<unknown> {
    const model = await this.services.node.model();
    const user = params.query === 'pending' ? this.#identity().identity.publicKey : undefined;
    try {
      return answerQuery(model, params, user);
    } catch (error) {
      if (isPandaError(error, 'INPUT_INVALID')) invalid(error.message);
      throw error;
    }
  }

  async #publish(params: unknown): Promise<{ documentId: Hash; operationId: Hash }> {
    const request = parsePublishRequest(params);
    const { keyPair } = this.#identity();
    const result = await this.services.router.publishAsPerson(keyPair, request);
    if (request.type === 'festival' && request.action === 'create') {
      // A festival is replicated from the moment it exists: a sub-festival through its
      // parent's servers when the parent is joined, else the planner's own.
      const parent =
        typeof request.fields.parent === 'string' ? this.services.settings.list().find((setting) => setting.festivalId === request.fields.parent) : undefined;
      await this.#join(result.documentId, parent?.signaling ?? (await this.#defaultSignaling()));
    }
    return result;
  }

  async state(): Promise<PlannerState> {
    const { vault, node, settings, popup } = this.services;
    const [model, popupState, defaultSignaling] = await Promise.all([node.model(), popup.state(), this.#defaultSignaling()]);
    if (vault.isLocked) return { locked: true, me: null, profile: null, defaultSignaling, festivals: [], names: {}, pending: [] };
    const active = vault.activeIdentity();
    const me = active.publicKey;
    const names = profileNames(model);
    const joined = new Map(settings.list().map((setting) => [setting.festivalId, setting]));
    const figures = new Map(popupState.festivals.map((view) => [view.id, view]));
    const ids = new Set<Hash>([...joined.keys()]);
    for (const festival of model.festivals.values()) if (festival.owner === me) ids.add(festival.id);
    const festivals = orderedFestivals(model, [...ids]).map((id): PlannerFestival => {
      const festival = model.festivals.get(id);
      return {
        ...(figures.get(id) ?? noFigures(id)),
        name: festival?.name ?? null,
        description: festival?.description ?? '',
        start: festival?.start ?? 0,
        end: festival?.end ?? 0,
        timezone: festival?.timezone ?? 'UTC',
        ...(festival?.parent ? { parent: festival.parent } : {}),
        ...(festival?.url ? { url: festival.url } : {}),
        ...(festival?.image ? { image: festival.image } : {}),
        owner: festival?.owner ?? '',
        mine: festival?.owner === me,
        joined: joined.has(id),
        signaling: joined.get(id)?.signaling ?? [],
        resources: [...model.resources.values()]
          .filter((resource) => resource.festival === id)
          .map((resource) => resourceView(resource, me, names))
          .sort(byTitle),
        events: [...model.events.values()]
          .filter((event) => event.festival === id)
          .sort((a, b) => a.start - b.start || byTitle(a, b))
          .flatMap((event) => eventView(model, event.id, me, names) ?? []),
      };
    });
    const profile = model.profileOf(me);
    const mine: PlannerProfile | null = profile ? { id: profile.id, name: profile.name, description: profile.description, avatar: profile.avatar ?? '' } : null;
    return {
      locked: false,
      me: { identityId: active.id, name: active.name, publicKey: me },
      profile: mine,
      defaultSignaling,
      festivals,
      names,
      pending: pendingViews(model, me, names),
    };
  }
}

const byTitle = (a: { title: string }, b: { title: string }) => a.title.localeCompare(b.title);

/** Parents before their sub-festivals, otherwise by start (unknown ones last). */
function orderedFestivals(model: FestivalModel, ids: Hash[]): Hash[] {
  const wanted = new Set(ids);
  const start = (id: Hash) => model.festivals.get(id)?.start ?? Number.MAX_SAFE_INTEGER;
  const roots = ids.filter((id) => {
    const parent = model.festivals.get(id)?.parent;
    return parent === undefined || !wanted.has(parent);
  });
  const ordered: Hash[] = [];
  for (const root of roots.sort((a, b) => start(a) - start(b))) {
    for (const id of model.festivalTree(root)) if (wanted.has(id) && !ordered.includes(id)) ordered.push(id);
  }
  return ordered;
}
