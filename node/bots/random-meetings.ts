/**
 * The random-meeting bot: each round it arranges meetings between two of a festival's
 * participants who have not met through it yet, each in a location that is free then, and
 * requests the location like anyone would (an event of its own; the location's owner
 * decides as the policy says). Run by `panda bot random-meetings` and `panda serve --bot`,
 * and on a festival seeded in memory by examples/random-meeting-bot.ts.
 *
 * What it asked for before it reads from the events it signed, never from memory: it never
 * requests a location for a time it already requested it for (whatever became of that
 * request), nor for a time someone else's request for it still waits on a decision — across
 * rounds, restarts and machines alike. DOM-free and Node-free: only Panda Kit's public API.
 */
import type { FestivalEvent, FestivalModel, Hash, Profile, Resource } from '../../core/index.js';
import type { Bot, BotContext, BotReport } from './bot.js';

export interface RandomMeetingsOptions {
  /** Meetings to arrange each round (default 1). */
  perRound?: number;
  /** Length of a meeting in seconds (default 30 minutes). */
  duration?: number;
}

export interface ArrangedMeeting {
  eventId: Hash;
  title: string;
  resource: Resource;
  start: number;
  end: number;
  /** The two participants' public keys. */
  participants: [string, string];
}

export const RANDOM_MEETINGS_PROFILE = {
  name: 'Random meeting bot',
  description: 'A bot: it arranges meetings between participants who have not met yet, in locations that are free, and asks for them like anyone would.',
};

/** The convention every bot's profile follows (and the bot leaves such users out of meetings). */
export const isBotProfile = (profile: Profile | undefined): boolean => /^A bot\b/.test(profile?.description ?? '');

const QUARTER = 15 * 60;
/** The line of a meeting's description that names its two participants (how pairs met before are found again). */
const PARTICIPANTS = /^Participants: ([0-9a-f]{64}) ([0-9a-f]{64})$/m;

interface Span {
  start: number;
  end: number;
}

/** Users taking part: the authors of the festival family's festivals, resources and events, but for bots. */
function participants(model: FestivalModel, festivals: ReadonlySet<Hash>, self: string): string[] {
  const users = new Set<string>();
  for (const id of festivals) {
    const festival = model.festivals.get(id);
    if (festival) users.add(festival.owner);
  }
  for (const resource of model.resources.values()) if (festivals.has(resource.festival)) users.add(resource.owner);
  for (const event of model.events.values()) if (festivals.has(event.festival)) users.add(event.owner);
  return [...users].filter((user) => !model.actsFor(self, user) && !isBotProfile(model.personOf(user))).sort();
}

/** Spans of `spans` left after taking out `taken`. */
function subtract(spans: readonly Span[], taken: readonly Span[]): Span[] {
  let left = spans.map(({ start, end }) => ({ start, end }));
  for (const cut of taken) {
    left = left.flatMap((span) => {
      if (cut.end <= span.start || cut.start >= span.end) return [span];
      return [
        { start: span.start, end: cut.start },
        { start: cut.end, end: span.end },
      ].filter((part) => part.end > part.start);
    });
  }
  return left;
}

class Arranger {
  readonly #self: string;
  readonly #festivals: Set<Hash>;
  readonly #mine: FestivalEvent[];

  constructor(
    readonly model: FestivalModel,
    readonly context: BotContext,
    readonly duration: number,
  ) {
    this.#self = context.identity.publicKey();
    this.#festivals = new Set(model.festivalTree(context.festival));
    this.#mine = [...model.events.values()].filter((event) => this.#festivals.has(event.festival) && model.actsFor(this.#self, event.owner));
  }

  /** When `resource` must not be asked for: times this bot asked for it, and others' requests still undecided. */
  #taken(resource: Resource): Span[] {
    const mine = this.#mine.filter((event) => event.resources.includes(resource.id));
    const undecided = this.model
      .bookings(resource.id)
      .filter(({ status }) => status.state === 'pending')
      .map(({ event }) => event);
    return [...mine, ...undecided];
  }

  /** The festival's locations with the spans long enough for a meeting, from now on. */
  #places(): Array<{ resource: Resource; spans: Span[] }> {
    const festival = this.model.festivals.get(this.context.festival)!;
    const from = Math.max(festival.start, Math.ceil(this.context.now / QUARTER) * QUARTER);
    return [...this.model.resources.values()]
      .filter((resource) => this.#festivals.has(resource.festival) && resource.kind === 'location')
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((resource) => {
        const free = this.model.freeSlots(resource.id, from, festival.end);
        return { resource, spans: subtract(free, this.#taken(resource)).filter((span) => span.end - span.start >= this.duration) };
      })
      .filter(({ spans }) => spans.length > 0);
  }

  /** Partners each participant already met through this bot. */
  #met(): Map<string, Set<string>> {
    const met = new Map<string, Set<string>>();
    for (const event of this.#mine) {
      const pair = PARTICIPANTS.exec(event.description);
      if (!pair) continue;
      const [, a, b] = pair as unknown as [string, string, string];
      for (const [one, other] of [
        [a, b],
        [b, a],
      ] as const) {
        const partners = met.get(one) ?? new Set();
        partners.add(other);
        met.set(one, partners);
      }
    }
    return met;
  }

  /** A meeting to request, or why there is none. */
  plan(): { pair: [string, string]; resource: Resource; start: number } | string {
    const { random } = this.context;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const people = participants(this.model, this.#festivals, this.#self);
    if (people.length < 2) return `fewer than two participants in the festival (${people.length})`;
    const places = this.#places();
    if (places.length === 0) return `no location is free for ${this.duration / 60} minutes from now on`;
    const met = this.#met();
    const first = pick(people);
    const others = people.filter((person) => person !== first);
    const strangers = others.filter((person) => !met.get(first)?.has(person));
    const second = pick(strangers.length > 0 ? strangers : others);
    const { resource, spans } = pick(places);
    const span = pick(spans);
    // On a quarter hour inside the span where there is one.
    const latest = span.end - this.duration;
    const start = Math.min(latest, Math.ceil((span.start + Math.floor(random() * (latest - span.start + 1))) / QUARTER) * QUARTER);
    return { pair: [first, second], resource, start };
  }
}

const nameOf = (model: FestivalModel, user: string) => model.personOf(user)?.name || user.slice(0, 8);
const clock = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ');

/** Arranges up to `count` meetings now; the reason when it stopped short. */
export async function arrangeMeetings(
  context: BotContext,
  count: number,
  duration = 30 * 60,
): Promise<{ arranged: ArrangedMeeting[]; idle?: string; waiting?: string }> {
  const arranged: ArrangedMeeting[] = [];
  for (let i = 0; i < count; i++) {
    // Read again after each meeting: the one just requested takes its time.
    const model = await context.node.model();
    if (!model.festivals.has(context.festival)) return { arranged, waiting: `festival ${context.festival} not received yet` };
    const plan = new Arranger(model, context, duration).plan();
    if (typeof plan === 'string') return { arranged, idle: `no meeting arranged: ${plan}` };
    const { pair, resource, start } = plan;
    const title = `Random meeting: ${nameOf(model, pair[0])} and ${nameOf(model, pair[1])}`;
    const { documentId } = await context.node.createEvent(context.identity, {
      festival: context.festival,
      title,
      description: `You two have not met yet. The bot thinks you should.\n\nParticipants: ${pair[0]} ${pair[1]}`,
      start,
      end: start + duration,
      resources: [resource.id],
      createdAt: context.now,
    });
    arranged.push({ eventId: documentId, title, resource, start, end: start + duration, participants: pair });
  }
  return { arranged };
}

export function randomMeetings(options: RandomMeetingsOptions = {}): Bot {
  const perRound = options.perRound ?? 1;
  const duration = options.duration ?? 30 * 60;
  return {
    profile: RANDOM_MEETINGS_PROFILE,
    async round(context): Promise<BotReport> {
      const { arranged, idle, waiting } = await arrangeMeetings(context, perRound, duration);
      const done = arranged.map(
        (meeting) => `arranged ${JSON.stringify(meeting.title)} in ${meeting.resource.title}, ${clock(meeting.start)} to ${clock(meeting.end).slice(11)} UTC`,
      );
      return { done, ...(idle === undefined ? {} : { idle }), ...(waiting === undefined ? {} : { waiting }) };
    },
  };
}
