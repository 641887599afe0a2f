/**
 * The number on the toolbar icon: how many requests wait for the person's decision (the
 * sites' questions and requests for their resources), nothing at 0. Counted again whenever
 * something changed; changes that come while a count runs are folded into one more count,
 * and the browser is told only when the number is not what it shows already. The browser's
 * `action` API is passed in (services.ts: webextension-polyfill's; tests: a fake).
 */

/** What of `browser.action` the badge uses. */
export interface BadgeAction {
  setBadgeText(details: { text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
}

/** The danger red of the extension's pages: a badge asks for attention. */
export const BADGE_COLOR = '#b42318';

/** Three digits do not fit on the icon. */
export const badgeText = (count: number) => (count <= 0 ? '' : count > 99 ? '99+' : String(count));

export class ToolbarBadge {
  #shown: string | undefined;
  #running: Promise<void> | undefined;
  #again = false;

  constructor(
    private readonly action: BadgeAction,
    private readonly count: () => Promise<number>,
  ) {}

  /** Counts again (soon: one count at a time); resolves once the badge shows the count. */
  update(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#loop().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      try {
        const text = badgeText(await this.count());
        if (text === this.#shown) continue;
        if (this.#shown === undefined) await this.action.setBadgeBackgroundColor({ color: BADGE_COLOR });
        await this.action.setBadgeText({ text });
        this.#shown = text;
      } catch (error) {
        // The vault or store may be starting or closing: the next change counts again.
        console.warn('Panda Kit: the toolbar badge could not be updated', error);
      }
    } while (this.#again);
  }
}
