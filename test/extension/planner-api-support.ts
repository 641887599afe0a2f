/**
 * What the planner API's tests share: a real vault, festival node, provider router and
 * festival settings around a PlannerApi, with the popup tests' fake peer (it records its
 * configurations and the entries it is told of).
 */
import { FestivalNode, hashingReady, MemoryStore } from '../../core/index.js';
import { ApprovalQueue } from '../../extension/background/approvals.js';
import { FestivalSettings } from '../../extension/background/festival-settings.js';
import { Permissions } from '../../extension/background/permissions.js';
import { PlannerApi } from '../../extension/background/planner-api.js';
import { PopupApi } from '../../extension/background/popup-api.js';
import { ProviderRouter } from '../../extension/background/provider-router.js';
import type { PlannerState } from '../../extension/shared/planner-protocol.js';
import { ProviderErrorCode } from '../../extension/shared/protocol.js';
import { MemoryVaultStorage, Vault } from '../../extension/vault/vault.js';
import { code, FakePeer } from './popup-api-support.js';

export const T0 = 1_780_000_000;
export const HOUR = 3600;
export const SERVER = 'wss://signal.example';

export { code };
/** -32602 with `data.code` = `expected`. */
export const invalidAs = (expected: string) => code(ProviderErrorCode.INVALID_PARAMS, expected);

export async function setup() {
  await hashingReady();
  const node = new FestivalNode(new MemoryStore());
  const vault = await Vault.open(new MemoryVaultStorage(), new MemoryVaultStorage(), { pbkdf2Iterations: 1_000, unsafeTestIterations: true });
  const local = new MemoryVaultStorage();
  const [permissions, settings] = await Promise.all([Permissions.open(local), FestivalSettings.open(local)]);
  let prompts = 0;
  const approvals = new ApprovalQueue({ openPrompt: () => void prompts++ });
  const peer = new FakePeer();
  const router = new ProviderRouter({
    node,
    permissions,
    approvals,
    identityFor: async () => {
      throw new Error('pages are not part of these tests');
    },
    settings,
    settingsChanged: async () => void (await peer.configure(settings.peerConfig())),
  });
  const popup = new PopupApi({ vault, approvals, permissions, router, node, peer, settings });
  const planner = new PlannerApi({
    vault,
    node,
    router,
    settings,
    popup,
    storage: local,
    reconfigure: () => peer.configure(settings.peerConfig()),
    announce: (entry) => peer.announce(entry),
  });
  const state = () => planner.handle('planner_state') as Promise<PlannerState>;
  const publish = (params: unknown) => planner.handle('planner_publish', params) as Promise<{ documentId: string }>;
  return { node, vault, planner, settings, permissions, peer, state, publish, prompts: () => prompts };
}
