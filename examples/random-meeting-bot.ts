/**
 * A bot is a user too: the random-meeting bot (node/bots/random-meetings.ts) arranges
 * meetings between participants of a festival, each in a location that is free then, and
 * asks for it like anyone would. Here it runs on a small festival seeded in memory; on a
 * festival the peer replicates, run `panda bot random-meetings --festival ID`.
 *
 *   node --import tsx examples/random-meeting-bot.ts [meetings]
 */
import { FestivalNode, KeyPair, MemoryStore } from '../core/index.js';
import { BotRunner } from '../node/bots/bot.js';
import { randomMeetings } from '../node/bots/random-meetings.js';

async function main(): Promise<void> {
  const meetings = Number(process.argv[2] ?? 5);
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

  // One round of `meetings`, on a clock set to the festival's first morning.
  const runner = new BotRunner({
    bot: randomMeetings({ perRound: meetings }),
    node,
    identity: new KeyPair(),
    festival: festival.documentId,
    every: 2 * hour,
    clock: { now: () => start * 1000, setTimeout: () => undefined, clearTimeout: () => {} },
  });
  const report = await runner.round();
  for (const line of [...report.done, ...(report.idle ? [report.idle] : [])]) console.log(line);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
