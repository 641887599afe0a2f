/**
 * The background's router with a real festival node (MemoryStore), real permissions and
 * festival settings in memory, and a scripted person in place of the approval window: what
 * the router tests share.
 */
import { FestivalNode, hashingReady, KeyPair, MemoryStore } from '../../core/index.js';
import { ApprovalQueue, type Decision, type PendingApproval } from '../../extension/background/approvals.js';
import { FestivalSettings } from '../../extension/background/festival-settings.js';
import { Permissions, type KeyValueStorage } from '../../extension/background/permissions.js';
import { ProviderRouter } from '../../extension/background/provider-router.js';
import { ProviderRpcError } from '../../extension/shared/protocol.js';

export const T0 = 1_750_000_000; // Sun 2025-06-15 15:06:40 UTC
export const HOUR = 3600;

export class MemoryStorage implements KeyValueStorage {
  readonly values = new Map<string, unknown>();
  async get(key: string) {
    return structuredClone(this.values.get(key));
  }
  async set(key: string, value: unknown) {
    this.values.set(key, structuredClone(value));
  }
}

export const code = (expected: number) => (error: unknown) => error instanceof ProviderRpcError && error.code === expected;

/** A node with festival "Hoffnung 3000" and its venue, made by an organiser; the site https://hoffnung3000.de, not yet connected. */
export async function setup(answer: (description: string, kind: string, question: PendingApproval) => Decision = () => 'approve-once') {
  await hashingReady();
  const store = new MemoryStore();
  const node = new FestivalNode(store);
  const organiser = new KeyPair();
  const festival = await node.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR, timezone: 'Europe/Berlin' });
  const cellar = await node.createResource(organiser, { festival: festival.documentId, title: 'Klangkeller', kind: 'location', policy: 'manual' });
  const me = new KeyPair();
  const storage = new MemoryStorage();
  const permissions = await Permissions.open(storage);
  const settings = await FestivalSettings.open(storage);
  const prompts: string[] = [];
  const questions: PendingApproval[] = [];
  let opened = 0;
  let configured = 0;
  const approvals: ApprovalQueue = new ApprovalQueue({
    openPrompt: () => {
      opened++;
      // The person answers every question on screen, one after the other.
      queueMicrotask(() => {
        for (const pending of approvals.pending()) {
          prompts.push(pending.description);
          questions.push(pending);
          approvals.decide(pending.id, answer(pending.description, pending.kind, pending));
        }
        approvals.promptClosed();
      });
    },
  });
  const router = new ProviderRouter({
    node,
    permissions,
    approvals,
    settings,
    identityFor: async () => ({ publicKey: me.publicKey(), keyPair: me }),
    settingsChanged: async () => void configured++,
  });
  const site = { origin: 'https://hoffnung3000.de' };
  /** Connects `site` and grants it the festival, as the person sharing it in the popup. */
  const connectWithFestival = async (who = site) => {
    await router.handle(who, { method: 'panda_connect' });
    await router.share(who.origin, festival.documentId);
  };
  return {
    node,
    store,
    organiser,
    festival: festival.documentId,
    cellar: cellar.documentId,
    me,
    router,
    site,
    prompts,
    questions,
    permissions,
    settings,
    storage,
    approvals,
    connectWithFestival,
    opened: () => opened,
    configured: () => configured,
  };
}
