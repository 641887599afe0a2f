/**
 * A bot is a user of a festival like any other: it has an identity, a profile that says it
 * is a bot, and it signs documents through the public API (`FestivalNode`). Here the small
 * interface every bot implements and the runner that calls it round after round; `panda bot
 * NAME` (cli/bot-command.ts) and `panda serve --bot` run the bots registered there.
 *
 * A bot keeps no state of its own: each round reads the festival model, so what it did
 * before is what it signed before, and a restart (or a second machine with the same
 * identity) carries on from there. DOM-free and Node-free.
 */
import type { Clock, FestivalNode, Hash, KeyPair } from '../../core/index.js';

/** What a round is given. */
export interface BotContext {
  node: FestivalNode;
  /** The bot's identity: it signs everything the bot does. */
  identity: KeyPair;
  festival: Hash;
  /** Unix seconds now (the runner's clock, injected in tests). */
  now: number;
  /** Random numbers in [0, 1) (seeded in tests). */
  random: () => number;
}

export interface BotReport {
  /** What the round did, one line each. */
  done: string[];
  /** Why it did nothing this round (no location free, say). */
  idle?: string;
  /** Why it could do nothing yet (the festival not received yet, say): the runner asks again soon. */
  waiting?: string;
}

export interface Bot {
  /** The profile the bot's identity gets when it has none: it says it is a bot. */
  readonly profile: { name: string; description: string };
  round(context: BotContext): Promise<BotReport>;
}

export interface BotRunnerOptions {
  bot: Bot;
  node: FestivalNode;
  identity: KeyPair;
  festival: Hash;
  /** Seconds between rounds. */
  every: number;
  random?: () => number;
  clock?: Clock;
  /** Each line a round reports, and a round's failure. */
  output?: (line: string) => void;
}

/** How soon a bot waiting for something (a festival on its way) tries again, at most. */
export const BOT_RETRY_MS = 5_000;

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Gives `identity` the bot's profile unless it has one (a profile set by its operator stays). */
export async function ensureBotProfile(node: FestivalNode, identity: KeyPair, bot: Bot): Promise<void> {
  if ((await node.model()).profileOf(identity.publicKey()) === undefined) await node.createProfile(identity, bot.profile);
}

/** Runs a bot's rounds: one at `start`, then one every `every` seconds, until `stop`. */
export class BotRunner {
  readonly #options: BotRunnerOptions;
  readonly #clock: Clock;
  #timer: unknown;
  #running: Promise<unknown> | undefined;
  #stopped = false;

  constructor(options: BotRunnerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** One round now (the profile first, if the identity has none). */
  async round(): Promise<BotReport> {
    const { bot, node, identity, festival } = this.#options;
    await ensureBotProfile(node, identity, bot);
    return bot.round({ node, identity, festival, now: Math.floor(this.#clock.now() / 1000), random: this.#options.random ?? Math.random });
  }

  start(): void {
    this.#schedule(0);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => {
      const output = this.#options.output ?? (() => {});
      const round = this.round().then(
        (report) => {
          for (const line of report.done) output(line);
          if (report.idle !== undefined) output(report.idle);
          if (report.waiting !== undefined) output(report.waiting);
          return report.waiting === undefined ? this.#options.every * 1000 : Math.min(BOT_RETRY_MS, this.#options.every * 1000);
        },
        (error: unknown) => {
          // A round that failed (a store busy, say) is tried again at the next one.
          output(`round failed: ${(error as Error).message}`);
          return this.#options.every * 1000;
        },
      );
      this.#running = round.then((next) => this.#schedule(next));
    }, ms);
  }

  /** Stops the rounds; resolves once a round under way has finished. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clock.clearTimeout(this.#timer);
    await this.#running;
  }
}
