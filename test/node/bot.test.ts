import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FestivalNode, KeyPair, MemoryStore } from '../../core/index.js';
import { runMeetingBot } from '../../examples/random-meeting-bot.js';

function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

test('the random-meeting bot books only free resources, between two different people, inside the festival', async () => {
  const node = new FestivalNode(new MemoryStore());
  const hour = 3600;
  const start = 1_800_000_000;
  const orga = new KeyPair();
  const festival = await node.createFestival(orga, { name: 'Test fest', start, end: start + 6 * hour });
  const people = Array.from({ length: 4 }, () => new KeyPair());
  const resources = [];
  for (const [i, person] of people.entries()) {
    resources.push((await node.createResource(person, { festival: festival.documentId, title: `Room ${i}`, kind: 'location' })).documentId);
  }
  // Room 0 is taken for the whole festival: the bot must never pick it.
  await node.createEvent(people[0]!, { festival: festival.documentId, title: 'All day', start, end: start + 6 * hour, resources: [resources[0]!] });

  const bot = new KeyPair();
  const meetings = await runMeetingBot(node, bot, festival.documentId, { rounds: 20, random: seeded(7) });
  assert.equal(meetings.length, 20);
  const model = await node.model();
  for (const meeting of meetings) {
    assert.notEqual(meeting.resource.id, resources[0]);
    assert.ok(meeting.start >= start && meeting.end <= start + 6 * hour, 'inside the festival');
    assert.equal(model.requestStatus(meeting.resource.id, meeting.eventId)?.state, 'confirmed');
    const [, first, second] = /^Random meeting: (\S+) and (\S+)$/.exec(meeting.title)!;
    assert.notEqual(first, second);
    assert.equal(model.events.get(meeting.eventId)?.owner, bot.publicKey());
  }
  assert.deepEqual(model.conflicts(), []);
});
