/**
 * What every tab of the planner has: the state, the controller to ask the background through
 * (it fetches the state again after each action), the provider the embedded widgets use, the
 * festival chosen in the planner, and the outcome of the tab's actions in words.
 */
import { LitElement } from 'lit';
import type { PandaProvider } from '../../../widgets/lib/source.js';
import type { PlannerFestival, PlannerState } from '../../shared/planner-protocol.js';
import { ActionController } from '../../ui/actions.js';
import { shortKey } from '../../ui/format.js';
import { sharedStyles } from '../../ui/shared.styles.js';
import type { PlannerStateController } from './planner-state.js';
import { plannerStyles } from './planner.styles.js';

export class PlannerTab extends LitElement {
  static override properties = {
    state: { attribute: false },
    live: { attribute: false },
    provider: { attribute: false },
    festival: { attribute: false },
  };
  static override styles = [sharedStyles, plannerStyles];

  declare state: PlannerState | undefined;
  declare live: PlannerStateController | undefined;
  declare provider: PandaProvider | undefined;
  /** The festival chosen in the planner (undefined: none yet). */
  declare festival: PlannerFestival | undefined;

  protected readonly actions = new ActionController(this);

  /** A user's profile name, else their short key. */
  protected nameOf(key: string): string {
    if (key === this.state?.me?.publicKey) return this.state.profile?.name ? `${this.state.profile.name} (you)` : 'you';
    return this.state?.names[key] ?? shortKey(key);
  }

  /** Asks the background as action `key` of `area`; resolves undefined when it failed (shown in `area`). */
  protected run<T>(area: string, key: string, task: (live: PlannerStateController) => Promise<T>): Promise<T | undefined> {
    const live = this.live;
    if (!live) return Promise.resolve(undefined);
    return this.actions.run(area, key, () => task(live));
  }

  /**
   * Says `words` in `area` once the state shows what a form published: the forms publish
   * through the provider, not through `live`, so the list would otherwise lag the note.
   */
  protected async noteAfterRefresh(area: string, words: string): Promise<void> {
    await this.live?.refresh();
    this.actions.note(area, words);
  }

  /** The outcome of the tab's actions in `area`. */
  protected feedback(area: string) {
    return this.actions.feedback(area);
  }

  /** Selects a festival in the planner (the shell listens). */
  protected choose(festivalId: string, tab?: string): void {
    this.dispatchEvent(new CustomEvent('panda-planner-choose', { detail: { festivalId, tab }, bubbles: true, composed: true }));
  }
}

/** A list of ws: or wss: URLs from a textarea (one per line or separated by spaces). */
export const serverList = (text: string) => text.split(/\s+/).filter((word) => word !== '');

/** The first of `urls` that is not a ws: or wss: URL, if any. */
export function notSignalingUrl(urls: readonly string[]): string | undefined {
  return urls.find((url) => !URL.canParse(url) || !['ws:', 'wss:'].includes(new URL(url).protocol));
}
