/**
 * A bot is a user too: this one creates meetings between random participants of a festival,
 * each in a random resource that is free at a random time, and asks for it like anyone
 * would. Uses only Panda Kit's public API.
 *
 * Run it on its own (it seeds a small festival in memory):
 *   node --import tsx examples/random-meeting-bot.ts [rounds]
 */
import { FestivalNode, KeyPair, MemoryStore, type FestivalModel, type Resource } from '../core/index.js';

export interface MeetingBotOptions {
  /** How many meetings to try to arrange. */
  rounds: number;
  /** Length of a meeting in seconds (default 30 minutes). */
  duration?: number;
  /** Random numbers in [0, 1): pass a seeded generator for repeatable runs. */
  random?: () => number;
}

export interface ArrangedMeeting {
  eventId: string;
  title: string;
  resource: Resource;
  start: number;
  end: number;
}

/** Users who take part in a festival: the authors of its events and resources. */
function participants(model: FestivalModel, festivals: Set<string>, bot: string): string[] {
  const users = new Set<string>();
  for (const event of model.events.values()) if (festivals.has(event.festival)) users.add(event.owner);
  for (const resource of model.resources.values()) if (festivals.has(resource.festival)) users.add(resource.owner);
  users.delete(bot);
  return [...users].sort();
}

const displayName = (model: FestivalModel, user: string) => model.profileOf(user)?.name ?? user.slice(0, 8);

/** Arranges up to `rounds` random meetings in `festivalId`; returns what it requested. */
export async function runMeetingBot(node: FestivalNode, bot: KeyPair, festivalId: string, options: MeetingBotOptions): Promise<ArrangedMeeting[]> {
  const random = options.random ?? Math.random;
  const duration = options.duration ?? 30 * 60;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const arranged: ArrangedMeeting[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const model = await node.model();
    const festivals = new Set(model.festivalTree(festivalId));
    const people = participants(model, festivals, bot.publicKey());
    // Resources with a slot long enough for a meeting.
    const candidates = [...model.resources.values()]
      .filter((resource) => festivals.has(resource.festival))
      .map((resource) => ({ resource, slots: model.freeSlots(resource.id).filter((slot) => slot.end - slot.start >= duration) }))
      .filter(({ slots }) => slots.length > 0);
    if (people.length < 2 || candidates.length === 0) break;
    const first = pick(people);
    const second = pick(people.filter((person) => person !== first));
    const { resource, slots } = pick(candidates);
    const slot = pick(slots);
    // Start on a quarter hour inside the slot.
    const quarter = 15 * 60;
    const latest = slot.end - duration;
    const start = Math.min(latest, Math.ceil((slot.start + Math.floor(random() * (latest - slot.start + 1))) / quarter) * quarter);
    const title = `Random meeting: ${displayName(model, first)} and ${displayName(model, second)}`;
    const event = await node.createEvent(bot, {
      festival: festivalId,
      title,
      description: 'You two have not met yet. The bot thinks you should.',
      start,
      end: start + duration,
      resources: [resource.id],
    });
    arranged.push({ eventId: event.documentId, title, resource, start, end: start + duration });
  }
  return arranged;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const node = new FestivalNode(new MemoryStore());
  const hour = 3600;
  const start = Math.floor(Date.UTC(2026, 6, 10, 10) / 1000);
  const orga = new KeyPair();
  const festival = await node.createFestival(orga, { name: 'Hoffnung 3000', start, end: start + 12 * hour, timezone: 'Europe/Berlin' });
  const people = ['Ada', 'Bo', 'Cem', 'Dana'].map((name) => ({ name, keyPair: new KeyPair() }));
  for (const { name, keyPair } of people) await node.createProfile(keyPair, { name });
  for (const [i, title] of ['Tea tent', 'Bench by the lake', 'Workshop tent'].entries()) {
    await node.createResource(people[i]!.keyPair, { festival: festival.documentId, title, kind: 'location', capacity: 1 });
  }
  await node.createEvent(people[3]!.keyPair, { festival: festival.documentId, title: 'Opening', start, end: start + hour });

  const bot = new KeyPair();
  await node.createProfile(bot, { name: 'Random meeting bot' });
  const meetings = await runMeetingBot(node, bot, festival.documentId, { rounds });
  const model = await node.model();
  for (const meeting of meetings) {
    const status = model.requestStatus(meeting.resource.id, meeting.eventId)!;
    const time = (seconds: number) => new Date(seconds * 1000).toISOString().slice(11, 16);
    console.log(`${meeting.title} at ${meeting.resource.title}, ${time(meeting.start)}-${time(meeting.end)} UTC: ${status.state}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
