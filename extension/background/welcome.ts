/**
 * Whether the popup greets the person with its first-run welcome (name yourself, back up
 * your key, perhaps a passphrase). It shows from the first start until the person finishes
 * or skips it, and never again after; what they did in it is kept in extension storage.
 * Someone who saved a backup before the welcome existed has been using Panda Kit: they are
 * not greeted. No browser APIs in here.
 */
import type { KeyValueStorage } from './stored-records.js';

const WELCOME_KEY = 'welcome';

type Stage = 'open' | 'done' | 'skipped';

const isStage = (value: unknown): value is Stage => value === 'open' || value === 'done' || value === 'skipped';

export class Welcome {
  constructor(private readonly storage: KeyValueStorage | undefined) {}

  /** Whether the welcome is to show; the first call decides it for good (`backedUp`: a backup was saved before). */
  async isOpen(backedUp: boolean): Promise<boolean> {
    if (!this.storage) return false;
    const stored = await this.storage.get(WELCOME_KEY);
    if (isStage(stored)) return stored === 'open';
    const stage: Stage = backedUp ? 'done' : 'open';
    await this.storage.set(WELCOME_KEY, stage);
    return stage === 'open';
  }

  async close(outcome: 'done' | 'skipped'): Promise<void> {
    await this.storage?.set(WELCOME_KEY, outcome);
  }
}
