/**
 * What the popup API's tests share: a real vault, festival node, approval queue, permissions
 * and festival settings around a PopupApi, a fake peer whose health the test sets, and a
 * festival with a venue of the person's that a guest's event requests.
 */
import { FestivalNode, hashingReady, KeyPair, MemoryStore } from '../../core/index.js';
import type { FestivalPeerHealth } from '../../peer/index.js';
import { ApprovalQueue } from '../../extension/background/approvals.js';
import { FestivalSettings } from '../../extension/background/festival-settings.js';
import { Permissions } from '../../extension/background/permissions.js';
import { PopupApi } from '../../extension/background/popup-api.js';
import { ProviderRouter } from '../../extension/background/provider-router.js';
import type { PeerConfig, PeerLink } from '../../extension/peer/peer-link.js';
import { ProviderRpcError } from '../../extension/shared/protocol.js';
import { MemoryVaultStorage, Vault } from '../../extension/vault/vault.js';

export const T0 = 1_750_000_000;
export const HOUR = 3600;
export const SITE = 'https://hoffnung3000.de';

export const code = (expected: number, dataCode?: string) => (error: unknown) =>
  error instanceof ProviderRpcError && error.code === expected && (dataCode === undefined || (error.data as { code?: string } | undefined)?.code === dataCode);

export class FakePeer implements PeerLink {
  configs: PeerConfig[] = [];
  /** The entries the background told the peer of. */
  announced: Uint8Array[] = [];
  health_: FestivalPeerHealth = { peers: [], festivals: [], authors: [], forks: 0, blocked: [], overlay: [] };
  async configure(config: PeerConfig) {
    this.configs.push(config);
  }
  async announce(entry: Uint8Array) {
    this.announced.push(entry);
  }
  async health() {
    return this.health_;
  }
}

export async function setup() {
  await hashingReady();
  const node = new FestivalNode(new MemoryStore());
  const vault = await Vault.open(new MemoryVaultStorage(), new MemoryVaultStorage(), { pbkdf2Iterations: 1_000, unsafeTestIterations: true });
  const me = vault.activeIdentity();
  const myKey = vault.keyPair(me.id);
  const guest = new KeyPair();
  const festival = await node.createFestival(myKey, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR, timezone: 'Europe/Berlin' });
  const cellar = await node.createResource(myKey, { festival: festival.documentId, title: 'Klangkeller', kind: 'location', policy: 'manual' });
  const night = await node.createEvent(guest, {
    festival: festival.documentId,
    title: 'Night of chaos',
    start: T0 + 2 * HOUR,
    end: T0 + 4 * HOUR,
    resources: [cellar.documentId],
  });
  const local = new MemoryVaultStorage();
  const permissions = await Permissions.open(local);
  const settings = await FestivalSettings.open(local);
  let prompts = 0;
  const approvals = new ApprovalQueue({ openPrompt: () => void prompts++ });
  const peer = new FakePeer();
  const router = new ProviderRouter({
    node,
    permissions,
    approvals,
    identityFor: async (origin) => ({ publicKey: vault.identityFor(origin).publicKey, keyPair: vault.keyPair(vault.identityFor(origin).id) }),
    settings,
    settingsChanged: async () => void (await peer.configure(settings.peerConfig())),
    identityChoices: async () => vault.identities().map(({ id, name, publicKey }) => ({ id, name, publicKey })),
    chooseIdentity: async (origin, identity) =>
      vault.setIdentityFor(origin, identity === 'new' ? (await vault.createIdentity(`For ${new URL(origin).host}`)).id : identity),
  });
  const api = new PopupApi({ vault, approvals, permissions, router, node, peer, settings, storage: local });
  return {
    api,
    vault,
    me,
    node,
    festival: festival.documentId,
    cellar: cellar.documentId,
    night: night.documentId,
    guest,
    approvals,
    permissions,
    settings,
    peer,
    router,
    local,
    prompts: () => prompts,
  };
}
