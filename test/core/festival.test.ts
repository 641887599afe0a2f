/**
 * The festival domain: single ownership, authorization policies (first-come-first-served,
 * manual, quorum, custom), capacity and dependencies, queries, invalid documents, live
 * updates, the shipped schema definitions, and that every peer holding the same operations
 * shows the same state whatever order they arrived in.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  FESTIVAL_SCHEMAS,
  FESTIVAL_SCHEMA_IDS,
  FESTIVAL_SCHEMA_ID,
  FESTIVAL_SCHEMA_SPECS,
  FestivalModel,
  FestivalNode,
  KeyPair,
  MemoryStore,
  PolicyRegistry,
  Replicator,
  SCHEMA_DEFINITION_V1,
  SCHEMA_FIELD_DEFINITION_V1,
  Schema,
  SchemaRegistry,
  decodeOperation,
  formatFieldType,
  installFestivalSchemas,
  materializeDocument,
  schemaIdFor,
  validateOperation,
  type AuthorizationPolicy,
  type DocumentOperation,
  type EventFields,
  type FestivalOperation,
  type Hash,
  type RequestState,
  type ResourceFields,
  type Store,
} from '../../core/index.js';
import {
  DAY,
  HOUR,
  T0,
  compareIds,
  deliver,
  exportLogs,
  hasCode,
  festivalOperations,
  interleave,
  keyOf,
  mulberry32,
  settle,
  shuffle,
  snapshot,
  type ExportedEntry,
} from './festival-support.js';

// ---------------------------------------------------------------------------------------
// People and helpers
// ---------------------------------------------------------------------------------------

const alice = keyOf(0x11); // organiser
const alice2 = keyOf(0x12); // alice's phone, listed in her profile
const alice3 = keyOf(0x13); // a key alice never listed
const bob = keyOf(0x21);
const bob2 = keyOf(0x22); // bob's phone
const carol = keyOf(0x31);
const dave = keyOf(0x41);
const eve = keyOf(0x51); // plans events
const mallory = keyOf(0x66); // writes to what is not hers
const pk = (keyPair: KeyPair) => keyPair.publicKey();
const EVERYONE = [alice, alice2, alice3, bob, bob2, carol, dave, eve, mallory].map(pk);

/** Unix time `hours` after T0. */
const at = (hours: number) => T0 + hours * HOUR;

async function setup(policies?: PolicyRegistry, checkDocuments = true) {
  const node = new FestivalNode(new MemoryStore(), policies, { checkDocuments });
  const festival = (await node.createFestival(alice, { name: 'Fest', start: T0, end: T0 + DAY })).hash;
  return { node, festival };
}

type ResourceInput = Omit<ResourceFields, 'festival'> & { festival?: Hash };

async function addResource(node: FestivalNode, owner: KeyPair, festival: Hash, fields: ResourceInput): Promise<Hash> {
  return (await node.createResource(owner, { ...fields, festival: fields.festival ?? festival })).hash;
}

/** An event from hour `from` to hour `to` after T0, requested at T0 + `requestedAt` seconds. */
async function addEvent(
  node: FestivalNode,
  author: KeyPair,
  festival: Hash,
  title: string,
  [from, to]: readonly [number, number],
  resources: Hash[],
  requestedAt: number,
  extra: Partial<EventFields> = {},
): Promise<Hash> {
  return (await node.createEvent(author, { festival, title, start: at(from), end: at(to), resources, createdAt: T0 + requestedAt, ...extra })).hash;
}

async function stateOf(node: FestivalNode, resource: Hash, event: Hash): Promise<RequestState | undefined> {
  return (await node.model()).requestStatus(resource, event)?.state;
}

/** States of `events`' requests for `resource`, in the given order. */
async function statesOf(node: FestivalNode, resource: Hash, events: Hash[]): Promise<Array<RequestState | undefined>> {
  const model = await node.model();
  return events.map((event) => model.requestStatus(resource, event)?.state);
}

const byFirstRequest = (a: Hash, b: Hash) => compareIds(a, b);

// ---------------------------------------------------------------------------------------
// First come, first served
// ---------------------------------------------------------------------------------------

describe('policy: first-come-first-served', () => {
  test('capacity 1: the earliest request holds it; overlapping later ones conflict; [start, end) touching is no overlap', async () => {
    const { node, festival } = await setup();
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    const e1 = await addEvent(node, eve, festival, 'Talk', [1, 3], [projector], 10);
    const e2 = await addEvent(node, eve, festival, 'Overlaps talk', [2, 4], [projector], 20);
    const e3 = await addEvent(node, eve, festival, 'Right after talk', [3, 5], [projector], 30);
    const e0 = await addEvent(node, carol, festival, 'Right before talk', [0, 1], [projector], 40);
    const e4 = await addEvent(node, carol, festival, 'Inside talk', [1.5, 2.5], [projector], 5_000);
    assert.deepEqual(await statesOf(node, projector, [e1, e2, e3, e0, e4]), ['confirmed', 'conflict', 'confirmed', 'confirmed', 'conflict']);
    const model = await node.model();
    assert.equal(model.requestStatus(projector, e2)!.reason, 'already held by earlier requests at that time');
    assert.equal(model.requestStatus(projector, e1)!.reason, undefined);
    assert.deepEqual(model.requestStatus(projector, e1)!.votes, [], 'nobody had to decide');
  });

  test('the claimed request time decides, not the arrival order', async () => {
    const { node, festival } = await setup();
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    const late = await addEvent(node, eve, festival, 'Published first, requested later', [1, 2], [projector], 200);
    const early = await addEvent(node, carol, festival, 'Published later, requested first', [1, 2], [projector], 100);
    assert.deepEqual(await statesOf(node, projector, [early, late]), ['confirmed', 'conflict']);
  });

  test('equal request times: the lower event id wins', async () => {
    const { node, festival } = await setup();
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    const events = [
      await addEvent(node, eve, festival, 'One', [1, 2], [projector], 100),
      await addEvent(node, carol, festival, 'Two', [1, 2], [projector], 100),
    ].sort(byFirstRequest);
    assert.deepEqual(await statesOf(node, projector, events), ['confirmed', 'conflict']);
  });

  test('capacity 2: at most two events hold it at any instant', async () => {
    const { node, festival } = await setup();
    const stage = await addResource(node, carol, festival, { title: 'Stage', capacity: 2 });
    const e1 = await addEvent(node, eve, festival, 'e1', [0, 10], [stage], 1);
    const e2 = await addEvent(node, eve, festival, 'e2', [5, 15], [stage], 2);
    const e3 = await addEvent(node, eve, festival, 'e3', [12, 20], [stage], 3); // overlaps only e2
    const e4 = await addEvent(node, eve, festival, 'e4', [8, 13], [stage], 4); // [8,10) e1+e2, [12,13) e2+e3
    const e5 = await addEvent(node, eve, festival, 'e5', [10, 12], [stage], 5); // only e2 there
    const e6 = await addEvent(node, eve, festival, 'e6', [15, 20], [stage], 6); // only e3 there
    const e7 = await addEvent(node, eve, festival, 'e7', [16, 18], [stage], 7); // e3 and e6
    assert.deepEqual(await statesOf(node, stage, [e1, e2, e3, e4, e5, e6, e7]), [
      'confirmed',
      'confirmed',
      'confirmed',
      'conflict',
      'confirmed',
      'confirmed',
      'conflict',
    ]);
  });

  test('capacity 2: two held bookings that only touch count as one at a time', async () => {
    const { node, festival } = await setup();
    const stage = await addResource(node, carol, festival, { title: 'Stage', capacity: 2 });
    const a = await addEvent(node, eve, festival, 'a', [1, 2], [stage], 1);
    const b = await addEvent(node, eve, festival, 'b', [2, 3], [stage], 2);
    const c = await addEvent(node, eve, festival, 'spans both', [1, 3], [stage], 3);
    const d = await addEvent(node, eve, festival, 'one too many', [1.5, 2.5], [stage], 4);
    assert.deepEqual(await statesOf(node, stage, [a, b, c, d]), ['confirmed', 'confirmed', 'confirmed', 'conflict']);
  });

  test('capacity 2 with three identical slots: the first two by request time', async () => {
    const { node, festival } = await setup();
    const stage = await addResource(node, carol, festival, { title: 'Stage', capacity: 2 });
    const third = await addEvent(node, eve, festival, 'third', [1, 2], [stage], 30);
    const first = await addEvent(node, eve, festival, 'first', [1, 2], [stage], 10);
    const second = await addEvent(node, eve, festival, 'second', [1, 2], [stage], 20);
    assert.deepEqual(await statesOf(node, stage, [first, second, third]), ['confirmed', 'confirmed', 'conflict']);
  });

  test("the owner's deny denies the request and frees the resource for the next", async () => {
    const { node, festival } = await setup();
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    const e1 = await addEvent(node, eve, festival, 'e1', [1, 3], [projector], 10);
    const e2 = await addEvent(node, carol, festival, 'e2', [2, 4], [projector], 20);
    assert.deepEqual(await statesOf(node, projector, [e1, e2]), ['confirmed', 'conflict']);
    const deny = await node.authorize(bob, projector, e1, 'deny', 'not for this', T0 + 500);
    const model = await node.model();
    assert.deepEqual([model.requestStatus(projector, e1)!.state, model.requestStatus(projector, e2)!.state], ['denied', 'confirmed']);
    assert.equal(model.requestStatus(projector, e1)!.reason, 'denied');
    assert.deepEqual(model.requestStatus(projector, e1)!.votes, [
      { voter: pk(bob), decision: 'deny', decidedAt: T0 + 500, note: 'not for this', authorization: deny.hash },
    ]);
  });

  test('a later confirm by the owner replaces the earlier deny; an older one does not', async () => {
    const { node, festival } = await setup();
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    const e1 = await addEvent(node, eve, festival, 'e1', [1, 3], [projector], 10);
    await node.authorize(bob, projector, e1, 'deny', '', T0 + 500);
    await node.authorize(bob, projector, e1, 'confirm', 'older', T0 + 400);
    assert.equal(await stateOf(node, projector, e1), 'denied');
    await node.authorize(bob, projector, e1, 'confirm', 'changed my mind', T0 + 600);
    assert.equal(await stateOf(node, projector, e1), 'confirmed');
  });

  test("someone else's deny changes nothing", async () => {
    const { node, festival } = await setup();
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    const e1 = await addEvent(node, eve, festival, 'e1', [1, 3], [projector], 10);
    await node.authorize(mallory, projector, e1, 'deny', '', T0 + 500);
    await node.authorize(alice, projector, e1, 'deny', 'I organise the festival', T0 + 501);
    const model = await node.model();
    assert.equal(model.requestStatus(projector, e1)!.state, 'confirmed');
    assert.deepEqual(model.requestStatus(projector, e1)!.votes, []);
    assert.equal(model.authorizations.size, 2, 'the authorizations exist, they just do not count');
  });
});

// ---------------------------------------------------------------------------------------
// Manual
// ---------------------------------------------------------------------------------------

describe('policy: manual', () => {
  test('a request waits for the owner; confirm confirms, deny denies', async () => {
    const { node, festival } = await setup();
    const hall = await addResource(node, alice, festival, { title: 'Hall', policy: 'manual' });
    const e1 = await addEvent(node, eve, festival, 'e1', [1, 2], [hall], 10);
    const e2 = await addEvent(node, eve, festival, 'e2', [3, 4], [hall], 20);
    let model = await node.model();
    assert.equal(model.requestStatus(hall, e1)!.state, 'pending');
    assert.equal(model.requestStatus(hall, e1)!.reason, 'waiting for a decision');
    assert.deepEqual(
      model.pendingFor(pk(alice)).map(({ event }) => event.id),
      [e1, e2],
    );
    await node.authorize(alice, hall, e1, 'confirm', 'welcome', T0 + 100);
    await node.authorize(alice, hall, e2, 'deny', 'closed', T0 + 100);
    model = await node.model();
    assert.deepEqual([model.requestStatus(hall, e1)!.state, model.requestStatus(hall, e2)!.state], ['confirmed', 'denied']);
    assert.deepEqual(model.pendingFor(pk(alice)), []);
  });

  test('two confirmed overlapping requests with capacity 1: the earlier request holds it, whoever was confirmed first', async () => {
    const { node, festival } = await setup();
    const hall = await addResource(node, alice, festival, { title: 'Hall', policy: 'manual' });
    const early = await addEvent(node, eve, festival, 'early', [1, 3], [hall], 10);
    const late = await addEvent(node, carol, festival, 'late', [2, 4], [hall], 20);
    await node.authorize(alice, hall, late, 'confirm', '', T0 + 100);
    assert.deepEqual(await statesOf(node, hall, [early, late]), ['pending', 'confirmed'], 'a pending request takes no capacity');
    await node.authorize(alice, hall, early, 'confirm', '', T0 + 200);
    assert.deepEqual(await statesOf(node, hall, [early, late]), ['confirmed', 'conflict']);
    const conflicts = (await node.model()).conflicts(hall);
    assert.deepEqual(
      conflicts.map(({ event, with: others }) => [event.id, others.map((other) => other.id)]),
      [[late, [early]]],
    );
  });

  test("only the owner's decisions count", async () => {
    const { node, festival } = await setup();
    const hall = await addResource(node, alice, festival, { title: 'Hall', policy: 'manual' });
    const e1 = await addEvent(node, eve, festival, 'e1', [1, 2], [hall], 10);
    await node.authorize(mallory, hall, e1, 'confirm', '', T0 + 100);
    await node.authorize(eve, hall, e1, 'confirm', 'please', T0 + 100);
    const model = await node.model();
    assert.equal(model.requestStatus(hall, e1)!.state, 'pending');
    assert.deepEqual(model.requestStatus(hall, e1)!.votes, []);
    assert.deepEqual(model.pendingFor(pk(mallory)), []);
    assert.deepEqual(
      model.pendingFor(pk(alice)).map(({ event }) => event.id),
      [e1],
    );
  });
});

// ---------------------------------------------------------------------------------------
// Quorum
// ---------------------------------------------------------------------------------------

describe('policy: quorum (2 of 3)', () => {
  async function quorumSetup() {
    const { node, festival } = await setup();
    // Owned by alice, who is not a member: only the members vote.
    const van = await addResource(node, alice, festival, { title: 'Van', policy: 'quorum', quorum: 2, members: [pk(bob), pk(carol), pk(dave)] });
    const e1 = await addEvent(node, eve, festival, 'Tour', [1, 5], [van], 10);
    return { node, festival, van, e1 };
  }

  test('two confirmations approve', async () => {
    const { node, van, e1 } = await quorumSetup();
    const b = await node.authorize(bob, van, e1, 'confirm', '', T0 + 100);
    assert.equal(await stateOf(node, van, e1), 'pending');
    const c = await node.authorize(carol, van, e1, 'confirm', 'ok', T0 + 110);
    const status = (await node.model()).requestStatus(van, e1)!;
    assert.equal(status.state, 'confirmed');
    assert.deepEqual(
      status.votes,
      [
        { voter: pk(bob), decision: 'confirm', decidedAt: T0 + 100, note: '', authorization: b.hash },
        { voter: pk(carol), decision: 'confirm', decidedAt: T0 + 110, note: 'ok', authorization: c.hash },
      ].sort((x, y) => compareIds(x.voter, y.voter)),
    );
  });

  test('one confirmation leaves it pending, waiting for the members who have not voted', async () => {
    const { node, van, e1 } = await quorumSetup();
    await node.authorize(bob, van, e1, 'confirm', '', T0 + 100);
    const model = await node.model();
    assert.equal(model.requestStatus(van, e1)!.state, 'pending');
    assert.deepEqual(
      model.pendingFor(pk(carol)).map(({ event, resource }) => [event.id, resource.id]),
      [[e1, van]],
    );
    assert.deepEqual(
      model.pendingFor(pk(dave)).map(({ event }) => event.id),
      [e1],
    );
    assert.deepEqual(model.pendingFor(pk(bob)), [], 'bob has voted');
    assert.deepEqual(model.pendingFor(pk(alice)), [], 'the owner is no member');
  });

  test('denied once the quorum cannot be reached any more', async () => {
    const { node, van, e1 } = await quorumSetup();
    await node.authorize(dave, van, e1, 'deny', '', T0 + 100);
    assert.equal(await stateOf(node, van, e1), 'pending', '2 of the 3 can still confirm');
    await node.authorize(bob, van, e1, 'confirm', '', T0 + 100);
    assert.equal(await stateOf(node, van, e1), 'pending', '1 confirm, 1 deny');
    await node.authorize(carol, van, e1, 'deny', '', T0 + 100);
    const status = (await node.model()).requestStatus(van, e1)!;
    assert.equal(status.state, 'denied');
    assert.equal(status.reason, 'denied');
  });

  test('one deny and two confirms approve', async () => {
    const { node, van, e1 } = await quorumSetup();
    await node.authorize(dave, van, e1, 'deny', '', T0 + 100);
    await node.authorize(bob, van, e1, 'confirm', '', T0 + 100);
    await node.authorize(carol, van, e1, 'confirm', '', T0 + 100);
    assert.equal(await stateOf(node, van, e1), 'confirmed');
  });

  test('votes by non-members are ignored', async () => {
    const { node, van, e1 } = await quorumSetup();
    await node.authorize(alice, van, e1, 'confirm', 'owner, not member', T0 + 100);
    await node.authorize(mallory, van, e1, 'confirm', '', T0 + 100);
    await node.authorize(eve, van, e1, 'confirm', '', T0 + 100);
    await node.authorize(bob, van, e1, 'confirm', '', T0 + 100);
    const status = (await node.model()).requestStatus(van, e1)!;
    assert.equal(status.state, 'pending');
    assert.deepEqual(
      status.votes.map((vote) => vote.voter),
      [pk(bob)],
    );
  });

  test('the latest decision of each member counts, by decided_at, however it arrives', async () => {
    const { node, van, e1 } = await quorumSetup();
    await node.authorize(carol, van, e1, 'confirm', '', T0 + 100);
    await node.authorize(bob, van, e1, 'confirm', '', T0 + 100);
    assert.equal(await stateOf(node, van, e1), 'confirmed');
    const denial = await node.authorize(bob, van, e1, 'deny', 'van is broken', T0 + 200);
    assert.equal(await stateOf(node, van, e1), 'pending');
    await node.authorize(bob, van, e1, 'confirm', 'stale', T0 + 150);
    assert.equal(await stateOf(node, van, e1), 'pending', 'an older decision published later does not count');
    // Bob changes his denial document itself.
    await node.update(bob, denial.hash, { decision: 'confirm', decided_at: BigInt(T0 + 300) });
    const status = (await node.model()).requestStatus(van, e1)!;
    assert.equal(status.state, 'confirmed');
    assert.deepEqual(
      status.votes.find((vote) => vote.voter === pk(bob)),
      {
        voter: pk(bob),
        decision: 'confirm',
        decidedAt: T0 + 300,
        note: 'van is broken',
        authorization: denial.hash,
      },
    );
  });

  test("a member's device votes as the member (and the two share one vote)", async () => {
    const { node, van, e1 } = await quorumSetup();
    await node.createProfile(bob, { name: 'Bob', devices: [pk(bob2)] });
    await node.authorize(bob2, van, e1, 'confirm', 'from my phone', T0 + 100);
    await node.authorize(bob, van, e1, 'confirm', '', T0 + 90);
    let status = (await node.model()).requestStatus(van, e1)!;
    assert.equal(status.state, 'pending', 'bob and his phone are one member');
    assert.deepEqual(
      status.votes.map(({ voter, note }) => [voter, note]),
      [[pk(bob), 'from my phone']],
    );
    await node.authorize(carol, van, e1, 'confirm', '', T0 + 100);
    status = (await node.model()).requestStatus(van, e1)!;
    assert.equal(status.state, 'confirmed');
  });

  test("a member cannot take over other members' votes by listing their keys as devices", async () => {
    const { node, van, e1 } = await quorumSetup();
    // Whichever member comes first in the members list claims the other two as devices.
    const members = [bob, carol, dave].sort((a, b) => compareIds(pk(a), pk(b)));
    const [first, ...others] = members as [KeyPair, KeyPair, KeyPair];
    await node.createProfile(first, { name: 'greedy', devices: others.map(pk) });
    await node.update(alice, van, { members: members.map(pk).join(' ') });
    await node.authorize(others[0], van, e1, 'confirm', '', T0 + 100);
    await node.authorize(others[1], van, e1, 'confirm', '', T0 + 100);
    const status = (await node.model()).requestStatus(van, e1)!;
    assert.deepEqual(status.votes.map((vote) => vote.voter).sort(), others.map(pk).sort(), 'each member votes as themselves');
    assert.equal(status.state, 'confirmed');
  });
});

// ---------------------------------------------------------------------------------------
// Dependencies
// ---------------------------------------------------------------------------------------

describe('dependencies', () => {
  async function dependencySetup() {
    const { node, festival } = await setup();
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    const sound = await addResource(node, bob, festival, { title: 'Sound', dependsOn: [projector] });
    return { node, festival, projector, sound };
  }

  test('blocked when the event does not request the dependency', async () => {
    const { node, festival, sound } = await dependencySetup();
    const e1 = await addEvent(node, eve, festival, 'e1', [1, 2], [sound], 10);
    const status = (await node.model()).requestStatus(sound, e1)!;
    assert.equal(status.state, 'blocked');
    assert.equal(status.reason, 'needs Projector as well');
  });

  test('confirmed when the event holds the dependency too', async () => {
    const { node, festival, projector, sound } = await dependencySetup();
    const e1 = await addEvent(node, eve, festival, 'e1', [1, 2], [sound, projector], 10);
    assert.deepEqual(await statesOf(node, projector, [e1]), ['confirmed']);
    assert.deepEqual(await statesOf(node, sound, [e1]), ['confirmed']);
  });

  test('blocked when the dependency is held by another event at that time', async () => {
    const { node, festival, projector, sound } = await dependencySetup();
    const e1 = await addEvent(node, eve, festival, 'holds the projector', [1, 3], [projector], 10);
    const e2 = await addEvent(node, carol, festival, 'wants both', [2, 4], [projector, sound], 20);
    const e3 = await addEvent(node, carol, festival, 'wants sound only, same time', [1, 3], [sound], 30);
    assert.deepEqual(await statesOf(node, projector, [e1, e2]), ['confirmed', 'conflict']);
    assert.deepEqual(await statesOf(node, sound, [e2, e3]), ['blocked', 'blocked']);
  });

  test('blocked while a manual dependency is pending; confirmed once it is confirmed', async () => {
    const { node, festival } = await setup();
    const hall = await addResource(node, alice, festival, { title: 'Hall', policy: 'manual' });
    const lights = await addResource(node, bob, festival, { title: 'Lights', dependsOn: [hall] });
    const e1 = await addEvent(node, eve, festival, 'e1', [1, 2], [lights, hall], 10);
    assert.deepEqual(await statesOf(node, lights, [e1]), ['blocked']);
    await node.authorize(alice, hall, e1, 'confirm', '', T0 + 100);
    assert.deepEqual(await statesOf(node, lights, [e1]), ['confirmed']);
    await node.authorize(alice, hall, e1, 'deny', '', T0 + 200);
    assert.deepEqual(await statesOf(node, lights, [e1]), ['blocked']);
  });

  test('a chain of dependencies: all confirmed when the event holds them all', async () => {
    const { node, festival } = await setup();
    const power = await addResource(node, carol, festival, { title: 'Power' });
    const mixer = await addResource(node, bob, festival, { title: 'Mixer', dependsOn: [power] });
    const speakers = await addResource(node, dave, festival, { title: 'Speakers', dependsOn: [mixer] });
    const all = await addEvent(node, eve, festival, 'all', [1, 2], [speakers, mixer, power], 10);
    const noPower = await addEvent(node, eve, festival, 'no power', [3, 4], [speakers, mixer], 20);
    const model = await node.model();
    assert.deepEqual(
      [speakers, mixer, power].map((r) => model.requestStatus(r, all)!.state),
      ['confirmed', 'confirmed', 'confirmed'],
    );
    assert.deepEqual(
      [speakers, mixer].map((r) => model.requestStatus(r, noPower)!.state),
      ['blocked', 'blocked'],
    );
  });

  test('a dependency cycle blocks its members (and what depends on them), and does not hang', async () => {
    const { node, festival } = await setup();
    const a = await addResource(node, bob, festival, { title: 'A' });
    const b = await addResource(node, bob, festival, { title: 'B', dependsOn: [a] });
    await node.update(bob, a, { depends_on: b });
    const c = await addResource(node, carol, festival, { title: 'C', dependsOn: [a] });
    const e1 = await addEvent(node, eve, festival, 'e1', [1, 2], [a, b, c], 10);
    const model = await node.model();
    assert.deepEqual(model.resources.get(a)!.dependsOn, [b]);
    for (const resource of [a, b]) {
      assert.deepEqual(
        { state: model.requestStatus(resource, e1)!.state, reason: model.requestStatus(resource, e1)!.reason },
        { state: 'blocked', reason: 'its dependencies form a cycle' },
      );
    }
    assert.equal(model.requestStatus(c, e1)!.state, 'blocked');
    assert.equal(model.requestStatus(c, e1)!.reason, 'needs A as well');
  });

  test('a resource that names itself as dependency does not depend on itself', async () => {
    const { node, festival } = await setup();
    const a = await addResource(node, bob, festival, { title: 'A' });
    await node.update(bob, a, { depends_on: a });
    const e1 = await addEvent(node, eve, festival, 'e1', [1, 2], [a], 10);
    assert.equal(await stateOf(node, a, e1), 'confirmed');
  });
});

// ---------------------------------------------------------------------------------------
// Custom policies
// ---------------------------------------------------------------------------------------

/** Any one member's confirmation approves; denied once every member denied. */
const anyMember: AuthorizationPolicy = {
  name: 'any-member',
  voters: (resource) => resource.members,
  decide: (resource, _event, votes) =>
    votes.some((vote) => vote.decision === 'confirm') ? 'approved' : votes.length === resource.members.length ? 'denied' : 'pending',
};

describe('custom policy', () => {
  async function build(policies?: PolicyRegistry) {
    const { node, festival } = await setup(policies);
    const kitchen = await addResource(node, alice, festival, { title: 'Kitchen', policy: 'any-member', members: [pk(bob), pk(carol)] });
    const hall = await addResource(node, alice, festival, { title: 'Hall', policy: 'manual' });
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    const van = await addResource(node, dave, festival, { title: 'Van', policy: 'quorum', quorum: 2, members: [pk(bob), pk(carol), pk(dave)] });
    const e1 = await addEvent(node, eve, festival, 'Dinner', [1, 3], [kitchen, hall, projector, van], 10);
    const e2 = await addEvent(node, carol, festival, 'Breakfast', [2, 4], [kitchen, hall, projector, van], 20);
    await node.authorize(carol, kitchen, e1, 'confirm', '', T0 + 100);
    await node.authorize(alice, hall, e2, 'confirm', '', T0 + 100);
    await node.authorize(bob, van, e1, 'confirm', '', T0 + 100);
    await node.authorize(dave, van, e1, 'confirm', '', T0 + 100);
    await node.authorize(bob, kitchen, e2, 'deny', '', T0 + 100);
    await node.authorize(carol, kitchen, e2, 'confirm', '', T0 + 100);
    return { node, kitchen, hall, projector, van, e1, e2 };
  }

  test('a policy registered with PolicyRegistry.register decides its resources', async () => {
    const policies = new PolicyRegistry();
    policies.register(anyMember);
    assert.deepEqual(policies.names(), ['first-come-first-served', 'manual', 'quorum', 'any-member']);
    const { node, kitchen, e1, e2 } = await build(policies);
    const model = await node.model();
    assert.equal(model.requestStatus(kitchen, e1)!.state, 'confirmed');
    assert.equal(model.requestStatus(kitchen, e2)!.state, 'conflict', 'approved, but capacity applies to custom policies too');
    assert.deepEqual(
      model.requestStatus(kitchen, e1)!.votes.map((vote) => vote.voter),
      [pk(carol)],
    );
    assert.deepEqual(
      model.requestStatus(kitchen, e2)!.votes.map((vote) => vote.voter),
      [pk(bob), pk(carol)].sort(),
    );
    assert.deepEqual(
      model.pendingFor(pk(bob)).filter(({ resource }) => resource.id === kitchen),
      [],
      'bob is not asked about the kitchen: e1 is approved, e2 decided',
    );
  });

  test('the built-in policies decide exactly as without it', async () => {
    const policies = new PolicyRegistry();
    policies.register(anyMember);
    const custom = await build(policies);
    const plain = await build();
    const [withPolicy, without] = [await custom.node.model(), await plain.node.model()];
    for (const resource of [custom.hall, custom.projector, custom.van]) {
      assert.deepEqual(withPolicy.requests.get(resource), without.requests.get(resource));
    }
    assert.deepEqual(
      [custom.hall, custom.projector, custom.van].map((r) => [custom.e1, custom.e2].map((e) => withPolicy.requestStatus(r, e)!.state)),
      [
        ['pending', 'confirmed'],
        ['confirmed', 'conflict'],
        ['confirmed', 'pending'],
      ],
    );
  });

  test('without the policy registered, its requests wait with a reason', async () => {
    const { node, kitchen, e1 } = await build();
    const status = (await node.model()).requestStatus(kitchen, e1)!;
    assert.equal(status.state, 'pending');
    assert.equal(status.reason, 'unknown policy "any-member"');
  });
});

// ---------------------------------------------------------------------------------------
// Single owner
// ---------------------------------------------------------------------------------------

describe('single owner', () => {
  test("someone else's update and delete of a festival change nothing", async () => {
    const { node, festival } = await setup();
    await node.update(mallory, festival, { name: 'Hacked', url: 'https://evil.example' });
    await node.delete(mallory, festival);
    const model = await node.model();
    assert.equal(model.festivals.get(festival)!.name, 'Fest');
    assert.equal(model.festivals.get(festival)!.url, undefined);
    assert.equal(model.deleted.size, 0);
    assert.equal(model.festivals.get(festival)!.owner, pk(alice));
  });

  test("the owner can still change a festival after someone else's (ignored) delete", async () => {
    const { node, festival } = await setup();
    await node.delete(mallory, festival);
    await node.update(alice, festival, { name: 'Still mine' });
    assert.equal((await node.model()).festivals.get(festival)!.name, 'Still mine');
  });

  test("the owner's updates and delete apply", async () => {
    const { node, festival } = await setup();
    await node.update(alice, festival, { name: 'Fest 2025', url: 'https://fest.example/' });
    let model = await node.model();
    assert.equal(model.festivals.get(festival)!.name, 'Fest 2025');
    assert.equal(model.festivals.get(festival)!.url, 'https://fest.example/');
    await node.delete(alice, festival);
    model = await node.model();
    assert.equal(model.festivals.has(festival), false);
    assert.deepEqual([...model.deleted], [festival]);
  });

  test("someone else's changes to a resource are ignored, and so are its effects on bookings", async () => {
    const { node, festival } = await setup();
    const hall = await addResource(node, alice, festival, { title: 'Hall', policy: 'manual', capacity: 1 });
    const e1 = await addEvent(node, eve, festival, 'e1', [1, 2], [hall], 10);
    await node.update(mallory, hall, { policy: 'first-come-first-served', capacity: 5n, title: 'Mine now' });
    let model = await node.model();
    assert.deepEqual([model.resources.get(hall)!.title, model.resources.get(hall)!.policy, model.resources.get(hall)!.capacity], ['Hall', 'manual', 1]);
    assert.equal(model.requestStatus(hall, e1)!.state, 'pending');
    await node.delete(mallory, hall);
    model = await node.model();
    assert.ok(model.resources.has(hall));
    assert.equal(model.requestStatus(hall, e1)!.state, 'pending');
  });

  test("someone else's changes to an event are ignored", async () => {
    const { node, festival } = await setup();
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    const e1 = await addEvent(node, eve, festival, 'Talk', [1, 2], [projector], 10);
    await node.update(mallory, e1, { title: 'Cancelled!', start: BigInt(at(20)), end: BigInt(at(21)), created_at: 0n });
    await node.delete(mallory, e1);
    const event = (await node.model()).events.get(e1)!;
    assert.deepEqual([event.title, event.start, event.end, event.createdAt, event.resources], ['Talk', at(1), at(2), T0 + 10, [projector]]);
  });

  test("the event's owner can delete it: its requests are gone and free the resource", async () => {
    const { node, festival } = await setup();
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    const e1 = await addEvent(node, eve, festival, 'first', [1, 2], [projector], 10);
    const e2 = await addEvent(node, carol, festival, 'second', [1, 2], [projector], 20);
    assert.deepEqual(await statesOf(node, projector, [e1, e2]), ['confirmed', 'conflict']);
    await node.delete(eve, e1);
    assert.deepEqual(await statesOf(node, projector, [e1, e2]), [undefined, 'confirmed']);
  });

  test('a request for a resource this peer has not received yet waits, and is decided once it arrives', async () => {
    const { node, festival } = await setup();
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    const e1 = await addEvent(node, eve, festival, 'e1', [1, 2], [projector], 10);
    const operations = await festivalOperations(node.store, node);
    const partial = new FestivalModel(operations.filter((operation) => operation.documentId !== projector));
    const status = partial.requestStatus(projector, e1)!;
    assert.deepEqual([status.state, status.reason], ['pending', 'the resource is not known here yet']);
    assert.equal(new FestivalModel(operations).requestStatus(projector, e1)!.state, 'confirmed');
  });

  test('requests for a resource its owner deleted are denied', async () => {
    const { node, festival } = await setup();
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    const e1 = await addEvent(node, eve, festival, 'first', [1, 2], [projector], 10);
    await node.delete(bob, projector);
    const status = (await node.model()).requestStatus(projector, e1)!;
    assert.deepEqual([status.state, status.reason], ['denied', 'the resource was deleted']);
  });

  test('someone else cannot change a profile, nor add devices to it', async () => {
    const { node, festival } = await setup();
    const profile = (await node.createProfile(alice, { name: 'Alice', devices: [pk(alice2)] })).hash;
    await node.update(mallory, profile, { name: 'Mallory', devices: `${pk(alice2)} ${pk(mallory)}` });
    await node.update(mallory, festival, { name: 'Hacked' });
    const model = await node.model();
    assert.equal(model.profiles.get(profile)!.name, 'Alice');
    assert.deepEqual(model.profiles.get(profile)!.devices, [pk(alice2)]);
    assert.equal(model.actsFor(pk(mallory), pk(alice)), false);
    assert.equal(model.festivals.get(festival)!.name, 'Fest');
  });

  test("someone else cannot change an owner's authorization", async () => {
    const { node, festival } = await setup();
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    const e1 = await addEvent(node, eve, festival, 'e1', [1, 2], [projector], 10);
    const deny = await node.authorize(bob, projector, e1, 'deny', '', T0 + 100);
    await node.update(mallory, deny.hash, { decision: 'confirm', decided_at: BigInt(T0 + 200) });
    const model = await node.model();
    assert.equal(model.authorizations.get(deny.hash)!.decision, 'deny');
    assert.equal(model.requestStatus(projector, e1)!.state, 'denied');
  });
});

describe("the owner's devices", () => {
  async function withProfile() {
    const { node, festival } = await setup();
    await node.createProfile(alice, { name: 'Alice', devices: [pk(alice2)] });
    const hall = await addResource(node, alice, festival, { title: 'Hall', policy: 'manual' });
    const e1 = await addEvent(node, eve, festival, 'e1', [1, 2], [hall], 10);
    return { node, festival, hall, e1 };
  }

  test('a device listed in the owner profile can update and authorize', async () => {
    const { node, festival, hall, e1 } = await withProfile();
    await node.update(alice2, festival, { name: 'Edited on the phone' });
    await node.update(alice2, hall, { capacity: 3n });
    await node.authorize(alice2, hall, e1, 'confirm', 'from the phone', T0 + 100);
    const model = await node.model();
    assert.equal(model.actsFor(pk(alice2), pk(alice)), true);
    assert.equal(model.festivals.get(festival)!.name, 'Edited on the phone');
    assert.equal(model.resources.get(hall)!.capacity, 3);
    assert.equal(model.requestStatus(hall, e1)!.state, 'confirmed');
    assert.equal(model.requestStatus(hall, e1)!.votes[0]!.voter, pk(alice), 'the vote is the owner’s');
    assert.equal(model.festivals.get(festival)!.owner, pk(alice), 'ownership stays with the creator');
  });

  test('a key the owner never listed cannot', async () => {
    const { node, festival, hall, e1 } = await withProfile();
    await node.update(alice3, festival, { name: 'Edited by a stranger' });
    await node.authorize(alice3, hall, e1, 'confirm', '', T0 + 100);
    await node.delete(alice3, hall);
    const model = await node.model();
    assert.equal(model.actsFor(pk(alice3), pk(alice)), false);
    assert.equal(model.festivals.get(festival)!.name, 'Fest');
    assert.equal(model.requestStatus(hall, e1)!.state, 'pending');
    assert.ok(model.resources.has(hall));
  });

  test('a user with several profiles: the one with the lowest id says which devices act for them', async () => {
    const { node, festival } = await setup();
    const one = (await node.createProfile(alice, { name: 'Alice', devices: [pk(alice2)] })).hash;
    const two = (await node.createProfile(alice, { name: 'Alice again', devices: [pk(alice3)] })).hash;
    const [first, second] = one < two ? [alice2, alice3] : [alice3, alice2];
    await node.update(first, festival, { name: 'By the listed device' });
    await node.update(second, festival, { description: 'By the other one' });
    const model = await node.model();
    assert.equal(model.profileOf(pk(alice))!.id, one < two ? one : two);
    assert.equal(model.actsFor(pk(first), pk(alice)), true);
    assert.equal(model.actsFor(pk(second), pk(alice)), false);
    assert.deepEqual([model.festivals.get(festival)!.name, model.festivals.get(festival)!.description], ['By the listed device', '']);
  });

  test("someone else's delete of the owner's profile is ignored: the devices still act for the owner", async () => {
    const { node, festival } = await setup();
    const profile = (await node.createProfile(alice, { name: 'Alice', devices: [pk(alice2)] })).hash;
    await node.delete(mallory, profile);
    await node.update(alice2, festival, { name: 'Phone edit' });
    const model = await node.model();
    assert.ok(model.profiles.has(profile));
    assert.equal(model.festivals.get(festival)!.name, 'Phone edit');
  });

  test('a device of someone else does not act for the owner', async () => {
    const { node, festival } = await withProfile();
    await node.createProfile(bob, { name: 'Bob', devices: [pk(bob2)] });
    await node.update(bob2, festival, { name: 'Bob’s phone was here' });
    const model = await node.model();
    assert.equal(model.actsFor(pk(bob2), pk(bob)), true);
    assert.equal(model.actsFor(pk(bob2), pk(alice)), false);
    assert.equal(model.festivals.get(festival)!.name, 'Fest');
  });
});

// ---------------------------------------------------------------------------------------
// Convergence
// ---------------------------------------------------------------------------------------

/** Every interleaving of the logs (each log's entries in seq order). */
function allInterleavings(logs: readonly ExportedEntry[][]): ExportedEntry[][] {
  const result: ExportedEntry[][] = [];
  const walk = (cursors: number[], sequence: ExportedEntry[]) => {
    let done = true;
    logs.forEach((log, index) => {
      if (cursors[index]! >= log.length) return;
      done = false;
      const next = [...cursors];
      next[index]!++;
      walk(next, [...sequence, log[cursors[index]!]!]);
    });
    if (done) result.push(sequence);
  };
  walk(
    logs.map(() => 0),
    [],
  );
  return result;
}

async function replayedModel(sequence: readonly ExportedEntry[]) {
  const node = new FestivalNode(new MemoryStore());
  const delivery = await deliver(node, sequence);
  return { node, model: await node.model(), ...delivery };
}

describe('convergence: two devices of one owner', () => {
  test('concurrent updates from the same view id converge, for every arrival order', async () => {
    const node = new FestivalNode(new MemoryStore());
    await node.createProfile(alice, { name: 'Alice', devices: [pk(alice2)] });
    const festival = (await node.createFestival(alice, { name: 'Fest', start: T0, end: T0 + DAY })).hash;
    // Both devices edit the festival as they saw it: both follow the CREATE.
    const laptop = await node.publishOperation(alice, {
      schemaId: FESTIVAL_SCHEMA_ID,
      action: 'update',
      previous: [festival],
      fields: { name: 'Fest (laptop)', timezone: 'Europe/Berlin' },
    });
    const phone = await node.publishOperation(alice2, {
      schemaId: FESTIVAL_SCHEMA_ID,
      action: 'update',
      previous: [festival],
      fields: { name: 'Fest (phone)', description: 'typed on the phone' },
    });
    const last = [laptop, phone].sort((a, b) => compareIds(a.hash, b.hash))[1]!;
    const before = await node.model();
    const view = before.festivals.get(festival)!;
    assert.equal(view.name, last === laptop ? 'Fest (laptop)' : 'Fest (phone)', 'the branch with the higher id applies last');
    assert.equal(view.description, 'typed on the phone');
    assert.equal(view.timezone, 'Europe/Berlin');
    assert.deepEqual(view.viewId, [laptop.hash, phone.hash].sort());

    const logs = await exportLogs(node.store);
    const orders = allInterleavings(logs);
    assert.equal(orders.length, 12, 'profile (1), festival (2) and phone (1) entries: 4!/2! orders');
    let waited = 0;
    for (const sequence of orders) {
      const replay = await replayedModel(sequence);
      waited += replay.waits;
      assert.deepEqual(snapshot(replay.model, EVERYONE), snapshot(before, EVERYONE));
    }
    assert.ok(waited > 0, 'some orders delivered the phone update before the CREATE');

    // Then the phone merges both branches.
    const merge = await node.update(alice2, festival, { name: 'Fest (merged)' });
    assert.deepEqual(merge.operation.previous, [laptop.hash, phone.hash].sort());
    const after = await node.model();
    assert.equal(after.festivals.get(festival)!.name, 'Fest (merged)');
    assert.deepEqual(after.festivals.get(festival)!.viewId, [merge.hash]);
    const mergedLogs = await exportLogs(node.store);
    const mergedOrders = allInterleavings(mergedLogs);
    assert.equal(mergedOrders.length, 30);
    for (const sequence of mergedOrders) {
      assert.deepEqual(snapshot((await replayedModel(sequence)).model, EVERYONE), snapshot(after, EVERYONE));
    }
  });
});

/**
 * A festival with everything at once: nested festivals, the owner on two devices editing
 * concurrently, all three policies, capacity 2, a dependency, a device vote, deleted and
 * invalid documents, and someone writing to what is not theirs.
 */
async function festivalScenario() {
  // Mallory and friends write what a careless or hostile peer might.
  const node = new FestivalNode(new MemoryStore(), undefined, { checkDocuments: false });
  const profile = (await node.createProfile(alice, { name: 'Alice', devices: [pk(alice2)] })).hash;
  await node.createProfile(bob, { name: 'Bob', devices: [pk(bob2)] });
  await node.createProfile(carol, { name: 'Carol', avatar: 'https://carol.example/me.png' });
  await node.update(mallory, profile, { devices: `${pk(alice2)} ${pk(mallory)}` });

  const fest = (await node.createFestival(alice, { name: 'Fest', start: T0, end: T0 + 2 * DAY, timezone: 'Europe/Berlin' })).hash;
  const fringe = (await node.createFestival(carol, { name: 'Fringe', start: T0, end: T0 + 2 * DAY, parent: fest })).hash;
  const laptop = await node.publishOperation(alice, { schemaId: FESTIVAL_SCHEMA_ID, action: 'update', previous: [fest], fields: { name: 'Fest (laptop)' } });
  const phone = await node.publishOperation(alice2, {
    schemaId: FESTIVAL_SCHEMA_ID,
    action: 'update',
    previous: [fest],
    fields: { name: 'Fest (phone)', description: 'from the phone' },
  });
  await node.update(mallory, fest, { name: 'Hacked' });
  await node.delete(mallory, fringe);

  const hall = await addResource(node, alice, fest, { title: 'Hall', kind: 'location', position: 'geo:52.52,13.405', address: 'Main St 1', policy: 'manual' });
  const projector = await addResource(node, bob, fest, { title: 'Projector' });
  const stage = await addResource(node, carol, fringe, { title: 'Stage', kind: 'location', coordinate: '10,20,0', capacity: 2 });
  const van = await addResource(node, dave, fest, { title: 'Van', policy: 'quorum', quorum: 2, members: [pk(bob), pk(carol), pk(dave)] });
  const sound = await addResource(node, bob, fest, { title: 'Sound', dependsOn: [projector] });
  await node.update(mallory, projector, { capacity: 5n });

  const opening = await addEvent(node, eve, fest, 'Opening', [1, 3], [hall, projector, van], -100);
  const workshop = await addEvent(node, eve, fringe, 'Workshop', [2, 4], [hall, projector, stage, sound], -90);
  const concert = await addEvent(node, eve, fringe, 'Concert', [2, 5], [stage, van], -80);
  const jam = await addEvent(node, carol, fringe, 'Jam', [3, 4], [stage, sound, projector], -70);
  const cancelled = await addEvent(node, eve, fest, 'Cancelled', [6, 7], [projector], -60);
  await node.delete(eve, cancelled);
  const broken = await addEvent(node, eve, fest, 'Broken', [8, 8], [], -50);
  await node.update(mallory, opening, { start: BigInt(at(10)), end: BigInt(at(11)) });

  await node.authorize(alice, hall, opening, 'confirm', 'welcome', T0 - 50);
  await node.authorize(alice2, hall, workshop, 'deny', 'too loud', T0 - 40);
  await node.authorize(mallory, hall, workshop, 'confirm', '', T0 - 30);
  await node.authorize(bob, van, opening, 'confirm', '', T0 - 30);
  await node.authorize(carol, van, opening, 'confirm', '', T0 - 30);
  await node.authorize(dave, van, concert, 'deny', '', T0 - 30);
  await node.authorize(carol, van, concert, 'deny', '', T0 - 30);
  await node.authorize(bob2, van, concert, 'confirm', '', T0 - 30);

  return {
    node,
    ids: {
      profile,
      fest,
      fringe,
      laptop: laptop.hash,
      phone: phone.hash,
      hall,
      projector,
      stage,
      van,
      sound,
      opening,
      workshop,
      concert,
      jam,
      cancelled,
      broken,
    },
  };
}

describe('convergence: a whole festival', async () => {
  const { node, ids } = await festivalScenario();
  const reference = await node.model();
  const expected = snapshot(reference, EVERYONE);

  test('the scenario materialises as expected', () => {
    const m = reference;
    const winner = compareIds(ids.laptop, ids.phone) > 0 ? 'Fest (laptop)' : 'Fest (phone)';
    assert.equal(m.festivals.get(ids.fest)!.name, winner);
    assert.equal(m.festivals.get(ids.fest)!.description, 'from the phone');
    assert.ok(m.festivals.has(ids.fringe), "mallory's delete is ignored");
    assert.deepEqual(m.profiles.get(ids.profile)!.devices, [pk(alice2)]);
    assert.equal(m.resources.get(ids.projector)!.capacity, 1);
    assert.equal(m.events.get(ids.opening)!.start, at(1));
    const states = (resource: Hash, events: Hash[]) => events.map((event) => m.requestStatus(resource, event)?.state);
    assert.deepEqual(states(ids.hall, [ids.opening, ids.workshop]), ['confirmed', 'denied']);
    assert.deepEqual(states(ids.projector, [ids.opening, ids.workshop, ids.jam, ids.cancelled]), ['confirmed', 'conflict', 'confirmed', undefined]);
    assert.deepEqual(states(ids.stage, [ids.workshop, ids.concert, ids.jam]), ['confirmed', 'confirmed', 'conflict']);
    assert.deepEqual(states(ids.sound, [ids.workshop, ids.jam]), ['blocked', 'confirmed']);
    assert.deepEqual(states(ids.van, [ids.opening, ids.concert]), ['confirmed', 'denied']);
    assert.deepEqual(
      m
        .requestStatus(ids.van, ids.concert)!
        .votes.map((vote) => vote.voter)
        .sort(),
      [pk(bob), pk(carol), pk(dave)].sort(),
    );
    assert.deepEqual([...m.deleted], [ids.cancelled]);
    assert.deepEqual(m.invalid, [{ id: ids.broken, schemaId: FESTIVAL_SCHEMA_IDS.panda_event, reason: 'end is not after start' }]);
    assert.deepEqual(
      m.schedule(ids.fest).map((item) => [item.event.title, item.confirmed, item.requested]),
      [
        ['Opening', 3, 3],
        ['Workshop', 1, 4],
        ['Concert', 1, 2],
        ['Jam', 2, 3],
      ],
    );
    assert.deepEqual(
      m.schedule(ids.fringe).map((item) => item.event.title),
      ['Workshop', 'Concert', 'Jam'],
    );
  });

  test('replayed into fresh stores in 25 random interleavings, every peer shows the same', async () => {
    const logs = await exportLogs(node.store);
    const orders = new Set<string>();
    let waits = 0;
    for (let seed = 1; seed <= 25; seed++) {
      const sequence = interleave(logs, mulberry32(seed));
      const replay = await replayedModel(sequence);
      orders.add(replay.order.join());
      waits += replay.waits;
      assert.deepEqual(snapshot(replay.model, EVERYONE), expected, `seed ${seed}`);
    }
    assert.equal(orders.size, 25, 'every replay stored the entries in a different order');
    assert.ok(waits > 0, 'some updates arrived before what they follow');
  });

  test('a node whose model is built again and again while entries arrive (reading only the new ones) ends where a full rebuild does, in 20 arrival orders', async () => {
    const logs = await exportLogs(node.store);
    for (let seed = 1; seed <= 20; seed++) {
      const random = mulberry32(700 + seed);
      const live = new FestivalNode(new MemoryStore());
      await live.model();
      let builds = 0;
      // Between some entries the model is built: each build reads what arrived since the last.
      const buildingNode = {
        publish: async (entry: Uint8Array, operation: Uint8Array) => {
          const result = await live.publish(entry, operation);
          if (random() < 0.4) {
            await live.model();
            builds++;
          }
          return result;
        },
      } as unknown as FestivalNode;
      await deliver(buildingNode, interleave(logs, random));
      assert.ok(builds > 3, `seed ${seed}: built ${builds} times on the way`);
      assert.deepEqual(snapshot(await live.model(), EVERYONE), expected, `seed ${seed}`);
      assert.deepEqual(snapshot(await new FestivalNode(live.store).model(), EVERYONE), expected, `seed ${seed}: a fresh node on the same store`);
    }
  });

  test("a node told of a replicator's stored operations builds its model from them without reading them back", async () => {
    const store = new MemoryStore();
    const live = new FestivalNode(store);
    await live.model();
    const replicator = await Replicator.open(store);
    replicator.on((event) => {
      if (event.type === 'entry') live.stored([event.operation]);
    });
    const logs = await exportLogs(node.store);
    for (const { entry, operation } of logs.flat()) await replicator.ingest(entry, operation);
    // The reads the build makes (ingesting read what it checks against).
    let reads = 0;
    const getOperation = store.getOperation.bind(store);
    store.getOperation = (id) => {
      reads++;
      return getOperation(id);
    };
    assert.deepEqual(snapshot(await live.model(), EVERYONE), expected);
    assert.equal(reads, 0);
  });

  test('built from the operations in 200 shuffled orders (some twice), the model is the same', async () => {
    const operations = await festivalOperations(node.store, node);
    assert.equal(operations.length, (await exportLogs(node.store)).flat().length);
    const random = mulberry32(2025);
    for (let round = 0; round < 200; round++) {
      const input = shuffle([...operations, ...operations.filter(() => random() < 0.1)], random);
      assert.deepEqual(snapshot(new FestivalModel(input), EVERYONE), expected, `round ${round}`);
    }
  });

  test('built from stored operations (decoded as it goes), shuffled, some twice, some decoded already: the same model', async () => {
    const stored = (await Promise.all(FESTIVAL_SCHEMAS.map((schema) => node.store.getOperationsBySchema(schema.id)))).flat();
    const decoded = await festivalOperations(node.store, node);
    const random = mulberry32(2026);
    for (let round = 0; round < 50; round++) {
      const input = shuffle([...stored.map((operation, i) => (random() < 0.3 ? decoded[i]! : operation)), ...stored.filter(() => random() < 0.1)], random);
      assert.deepEqual(snapshot(new FestivalModel(input), EVERYONE), expected, `round ${round}`);
    }
  });

  test('built in steps (FestivalModel.build), shuffled, the model is the same', async () => {
    const stored = (await Promise.all(FESTIVAL_SCHEMAS.map((schema) => node.store.getOperationsBySchema(schema.id)))).flat();
    let steps = 0;
    const model = await FestivalModel.build(shuffle(stored, mulberry32(7)), () => {
      steps++;
      return new Promise<void>((resolve) => setTimeout(resolve, 0));
    });
    assert.deepEqual(snapshot(model, EVERYONE), expected);
    // A festival this small is one step of documents, then the bookings.
    assert.equal(steps, 1);
  });

  test('a festival of 450 events is built in steps of 200 documents', async () => {
    const big = new FestivalNode(new MemoryStore());
    const owner = keyOf(3);
    const festival = await big.createFestival(owner, { name: 'Big', start: T0, end: T0 + 24 * HOUR });
    for (let i = 0; i < 450; i++)
      await big.createEvent(owner, { festival: festival.documentId, title: `Talk ${i}`, start: T0 + i * 60, end: T0 + i * 60 + 30, resources: [] });
    const stored = (await Promise.all(FESTIVAL_SCHEMAS.map((schema) => big.store.getOperationsBySchema(schema.id)))).flat();
    let steps = 0;
    const model = await FestivalModel.build(stored, () => void steps++);
    assert.equal(model.events.size, 450);
    assert.deepEqual(snapshot(model, EVERYONE), snapshot(new FestivalModel(stored), EVERYONE));
    // Steps after the 200th and the 400th event, and one before the bookings.
    assert.equal(steps, 3);
  });

  test('a stored operation that does not decode is reported with its code, not skipped', async () => {
    const [create] = await node.store.getOperationsBySchema(FESTIVAL_SCHEMA_IDS.panda_festival);
    const broken = { ...create!, bytes: create!.bytes.slice(0, -1) };
    assert.throws(() => new FestivalModel([broken]), { code: 'OPERATION_CBOR_INVALID' });
  });

  test('a stored operation whose bytes are not the operation it was stored as is reported, not materialised', async () => {
    const stored = (await Promise.all(FESTIVAL_SCHEMAS.map((schema) => node.store.getOperationsBySchema(schema.id)))).flat();
    const update = stored.find((operation) => operation.action === 'update')!;
    const create = stored.find((operation) => operation.id === update.documentId)!;
    // The update's record, the create's bytes: the header the store vouches for is not theirs.
    assert.throws(() => new FestivalModel([create, { ...update, bytes: create.bytes }]), { code: 'OPERATION_FORMAT_INVALID' });
  });

  test('the order a peer learns of authorizations does not change who holds what', async () => {
    const operations = await festivalOperations(node.store, node);
    const isAuthorization = (operation: FestivalOperation) => operation.schemaId === FESTIVAL_SCHEMA_IDS.panda_authorization;
    const random = mulberry32(7);
    for (let round = 0; round < 50; round++) {
      // Authorizations first, then the rest (reversed), shuffled within each group.
      const input = [
        ...shuffle(operations.filter(isAuthorization), random),
        ...shuffle(
          operations.filter((o) => !isAuthorization(o)),
          random,
        ).reverse(),
      ];
      assert.deepEqual(snapshot(new FestivalModel(input), EVERYONE).requests, expected.requests);
    }
  });
});

// ---------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------

describe('queries: schedule', () => {
  test('a festival with nested festivals: events of all of them, by start, with their festival', async () => {
    const { node, festival } = await setup();
    const child = (await node.createFestival(carol, { name: 'Child', start: T0, end: T0 + DAY, parent: festival })).hash;
    const grandchild = (await node.createFestival(dave, { name: 'Grandchild', start: T0, end: T0 + DAY, parent: child })).hash;
    const elsewhere = (await node.createFestival(eve, { name: 'Elsewhere', start: T0, end: T0 + DAY })).hash;
    await addEvent(node, eve, grandchild, 'Late', [5, 6], [], 1);
    await addEvent(node, eve, festival, 'Early', [1, 2], [], 1);
    await addEvent(node, eve, child, 'Middle', [3, 4], [], 1);
    await addEvent(node, eve, elsewhere, 'Not here', [2, 3], [], 1);
    await addEvent(node, eve, child, 'Also middle, ends later', [3, 5], [], 1);
    const model = await node.model();
    assert.deepEqual(model.festivalTree(festival), [festival, child, grandchild]);
    assert.deepEqual(
      model.schedule(festival).map((item) => [item.event.title, item.festival!.name, item.event.start, item.event.end]),
      [
        ['Early', 'Fest', at(1), at(2)],
        ['Middle', 'Child', at(3), at(4)],
        ['Also middle, ends later', 'Child', at(3), at(5)],
        ['Late', 'Grandchild', at(5), at(6)],
      ],
    );
    assert.deepEqual(
      model.schedule(child).map((item) => item.event.title),
      ['Middle', 'Also middle, ends later', 'Late'],
    );
    assert.deepEqual(
      model.schedule(elsewhere).map((item) => item.event.title),
      ['Not here'],
    );
  });

  test('festivals that are each other’s parent do not hang the schedule', async () => {
    const { node, festival } = await setup();
    const other = (await node.createFestival(alice, { name: 'Other', start: T0, end: T0 + DAY, parent: festival })).hash;
    await node.update(alice, festival, { parent: other });
    await addEvent(node, eve, festival, 'A', [1, 2], [], 1);
    await addEvent(node, eve, other, 'B', [2, 3], [], 1);
    const model = await node.model();
    assert.equal(model.festivals.get(festival)!.parent, other);
    assert.deepEqual(model.festivalTree(festival), [festival, other]);
    assert.deepEqual(
      model.schedule(festival).map((item) => item.event.title),
      ['A', 'B'],
    );
    assert.deepEqual(
      model.schedule(other).map((item) => item.event.title),
      ['A', 'B'],
    );
  });

  test('how confirmed an event is: 3 of 4 requested resources = 0.75; none requested = 1', async () => {
    const { node, festival } = await setup();
    const r1 = await addResource(node, bob, festival, { title: 'R1' });
    const r2 = await addResource(node, bob, festival, { title: 'R2' });
    const r3 = await addResource(node, carol, festival, { title: 'R3' });
    const hall = await addResource(node, alice, festival, { title: 'Hall', policy: 'manual' });
    const talk = await addEvent(node, eve, festival, 'Talk', [1, 2], [r1, r2, r3, hall], 10);
    await addEvent(node, eve, festival, 'Walk', [3, 4], [], 10);
    let items = (await node.model()).schedule(festival);
    assert.deepEqual(
      items.map(({ event, confirmed, requested, confirmation }) => [event.title, confirmed, requested, confirmation]),
      [
        ['Talk', 3, 4, 0.75],
        ['Walk', 0, 0, 1],
      ],
    );
    assert.deepEqual(
      items[0]!.resources.map(({ resource, status }) => [resource!.title, status.state]),
      [
        ['R1', 'confirmed'],
        ['R2', 'confirmed'],
        ['R3', 'confirmed'],
        ['Hall', 'pending'],
      ],
    );
    await node.authorize(alice, hall, talk, 'confirm', '', T0 + 100);
    items = (await node.model()).schedule(festival);
    assert.equal(items[0]!.confirmation, 1);
    await node.authorize(bob, r1, talk, 'deny', '', T0 + 100);
    await node.authorize(bob, r2, talk, 'deny', '', T0 + 100);
    items = (await node.model()).schedule(festival);
    assert.equal(items[0]!.confirmation, 0.5);
  });

  test('locations: the requested resources of kind location, with geo position, address, URL and coordinate', async () => {
    const { node, festival } = await setup();
    const garden = await addResource(node, alice, festival, {
      title: 'Garden',
      kind: 'location',
      position: 'geo:52.52,13.405,34',
      address: 'Gartenstr. 1, Berlin',
      coordinate: '1.5,-2,0',
    });
    const online = await addResource(node, alice, festival, { title: 'Online room', kind: 'location', url: 'https://meet.example/room' });
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    await addEvent(node, eve, festival, 'Hybrid talk', [1, 2], [projector, garden, online], 10);
    const [item] = (await node.model()).schedule(festival);
    assert.deepEqual(
      item!.locations.map((location) => [location.title, location.location]),
      [
        ['Garden', { position: { latitude: 52.52, longitude: 13.405, altitude: 34 }, address: 'Gartenstr. 1, Berlin', coordinate: { x: 1.5, y: -2, z: 0 } }],
        ['Online room', { url: 'https://meet.example/room' }],
      ],
    );
  });
});

describe('queries: bookings, free slots, conflicts, pending', () => {
  async function stageSetup() {
    const { node, festival } = await setup();
    const stage = await addResource(node, carol, festival, { title: 'Stage', capacity: 2 });
    const e1 = await addEvent(node, eve, festival, 'e1', [2, 6], [stage], 1);
    const e2 = await addEvent(node, eve, festival, 'e2', [4, 8], [stage], 2);
    const e3 = await addEvent(node, eve, festival, 'e3', [5, 7], [stage], 3); // e1 + e2 at [5,6)
    const e4 = await addEvent(node, eve, festival, 'e4', [1, 3], [stage], 4);
    return { node, festival, stage, e1, e2, e3, e4 };
  }

  test('bookings: every request over time, by start, with its status', async () => {
    const { node, stage, e1, e2, e3, e4 } = await stageSetup();
    const bookings = (await node.model()).bookings(stage);
    assert.deepEqual(
      bookings.map(({ event, status }) => [event.id, status.state]),
      [
        [e4, 'confirmed'],
        [e1, 'confirmed'],
        [e2, 'confirmed'],
        [e3, 'conflict'],
      ],
    );
  });

  test('free slots with capacity 2: how many more events fit, over the festival by default', async () => {
    const { node, festival, stage } = await stageSetup();
    const model = await node.model();
    // Held: e4 [1,3), e1 [2,6), e2 [4,8).
    assert.deepEqual(model.freeSlots(stage), [
      { start: T0, end: at(1), available: 2 },
      { start: at(1), end: at(2), available: 1 },
      { start: at(3), end: at(4), available: 1 },
      { start: at(6), end: at(8), available: 1 },
      { start: at(8), end: model.festivals.get(festival)!.end, available: 2 },
    ]);
    assert.deepEqual(model.freeSlots(stage, at(2.5), at(5)), [{ start: at(3), end: at(4), available: 1 }]);
    assert.deepEqual(model.freeSlots(stage, at(5), at(5)), []);
    assert.deepEqual(model.freeSlots('0020' + '00'.repeat(32)), []);
  });

  test('free slots with capacity 1 merge across touching gaps', async () => {
    const { node, festival } = await setup();
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    await addEvent(node, eve, festival, 'a', [1, 2], [projector], 1);
    await addEvent(node, eve, festival, 'b', [2, 3], [projector], 2);
    await addEvent(node, eve, festival, 'lost', [1, 3], [projector], 3);
    assert.deepEqual((await node.model()).freeSlots(projector, T0, at(5)), [
      { start: T0, end: at(1), available: 1 },
      { start: at(3), end: at(5), available: 1 },
    ]);
  });

  test('free slots with equal room on both sides of a cut are one slot', async () => {
    const { node, festival } = await setup();
    const stage = await addResource(node, carol, festival, { title: 'Stage', capacity: 2 });
    await addEvent(node, eve, festival, 'a', [1, 3], [stage], 1);
    await addEvent(node, eve, festival, 'b', [3, 5], [stage], 2);
    assert.deepEqual((await node.model()).freeSlots(stage, T0, at(6)), [
      { start: T0, end: at(1), available: 2 },
      { start: at(1), end: at(5), available: 1 },
      { start: at(5), end: at(6), available: 2 },
    ]);
  });

  test('conflicts: requests that lost, with the bookings they collide with', async () => {
    const { node, stage, e1, e2, e3 } = await stageSetup();
    const model = await node.model();
    assert.deepEqual(
      model.conflicts(stage).map(({ resource, event, with: others }) => [resource.id, event.id, others.map((o) => o.id)]),
      [[stage, e3, [e1, e2]]],
    );
    assert.deepEqual(
      model.conflicts().map(({ event }) => event.id),
      [e3],
    );
  });

  test('pending requests for a given owner, earliest request first, across resources', async () => {
    const { node, festival } = await setup();
    const hall = await addResource(node, alice, festival, { title: 'Hall', policy: 'manual' });
    const garden = await addResource(node, alice, festival, { title: 'Garden', policy: 'manual' });
    const shed = await addResource(node, bob, festival, { title: 'Shed', policy: 'manual' });
    const e2 = await addEvent(node, eve, festival, 'second', [3, 4], [garden, hall], 20);
    const e1 = await addEvent(node, eve, festival, 'first', [1, 2], [hall, shed], 10);
    const e3 = await addEvent(node, eve, festival, 'third', [5, 6], [hall], 30);
    await node.authorize(alice, hall, e3, 'deny', '', T0 + 100);
    const model = await node.model();
    const expected = [
      [e1, hall],
      [e2, garden],
      [e2, hall],
    ].map(([event, resource]) => [event, resource]);
    expected.sort((a, b) => (a[0] === b[0] ? compareIds(a[1]!, b[1]!) : a[0] === e1 ? -1 : 1));
    assert.deepEqual(
      model.pendingFor(pk(alice)).map(({ event, resource }) => [event.id, resource.id]),
      expected,
    );
    assert.deepEqual(
      model.pendingFor(pk(bob)).map(({ event, resource }) => [event.id, resource.id]),
      [[e1, shed]],
    );
    assert.deepEqual(model.pendingFor(pk(eve)), []);
  });
});

// ---------------------------------------------------------------------------------------
// Invalid documents
// ---------------------------------------------------------------------------------------

describe('invalid documents', () => {
  test('a festival node refuses to sign a document that breaks a rule (DOCUMENT_INVALID), and stores nothing', async () => {
    const { node, festival } = await setup();
    const before = (await node.store.getLogs()).length;
    await assert.rejects(node.createEvent(eve, { festival, title: 'Backwards', start: at(3), end: at(2) }), hasCode('DOCUMENT_INVALID'));
    await assert.rejects(node.createResource(bob, { festival, title: 'Evil link', url: 'javascript:alert(1)' }), hasCode('DOCUMENT_INVALID'));
    const event = (await node.createEvent(eve, { festival, title: 'Fine', start: at(1), end: at(2) })).hash;
    await assert.rejects(node.update(eve, event, { end: BigInt(at(0)) }), hasCode('DOCUMENT_INVALID'));
    assert.equal((await node.store.getLogs()).length, before + 1);
    assert.equal((await node.model()).events.get(event)!.end, at(2));
  });

  test('documents that break a rule are listed with the reason and left out', async () => {
    const { node, festival } = await setup(undefined, false);
    const good = await addResource(node, bob, festival, { title: 'Projector' });
    const cases: Array<[Promise<Hash>, string]> = [
      [addEvent(node, eve, festival, 'ends when it starts', [2, 2], [good], 1), 'end is not after start'],
      [addEvent(node, eve, festival, 'ends before it starts', [3, 2], [good], 1), 'end is not after start'],
      [addResource(node, bob, festival, { title: 'Evil link', url: 'javascript:alert(1)' }), 'url must be an http or https URL'],
      [addResource(node, bob, festival, { title: 'Data link', url: 'data:text/html,<script>alert(1)</script>' }), 'url must be an http or https URL'],
      [addResource(node, bob, festival, { title: 'Bad geo', position: 'geo:fifty,thirteen' }), 'position is not a geo URI such as geo:52.52,13.40'],
      [addResource(node, bob, festival, { title: 'Off the globe', position: 'geo:91,13' }), 'position is outside the globe'],
      [
        addResource(node, bob, festival, { title: 'Bad quorum', policy: 'quorum', quorum: 4, members: [pk(bob), pk(carol), pk(dave)] }),
        'quorum must be between 1 and the number of members',
      ],
      [addResource(node, bob, festival, { title: 'No capacity', capacity: 0 }), 'capacity must be a whole number from 1 to 1000000'],
      [
        node.createFestival(alice, { name: 'Bad image', start: T0, end: T0 + DAY, image: 'javascript:alert(1)' }).then((r) => r.hash),
        'image must be an http or https URL',
      ],
      [node.createFestival(alice, { name: 'Backwards', start: T0 + DAY, end: T0 }).then((r) => r.hash), 'end is not after start'],
      [node.createProfile(carol, { name: 'Carol', devices: ['not-a-key'] }).then((r) => r.hash), 'devices holds something that is not a public key'],
    ];
    const expected: Array<[Hash, string]> = [];
    for (const [promise, reason] of cases) expected.push([await promise, reason]);
    const model = await node.model();
    assert.deepEqual(
      [...model.invalid].map(({ id, reason }) => [id, reason]).sort((a, b) => compareIds(a[0]!, b[0]!)),
      expected.sort((a, b) => compareIds(a[0], b[0])),
    );
    for (const [id] of expected) {
      assert.ok(![model.events, model.resources, model.festivals, model.profiles].some((map) => map.has(id)), `${id} is left out`);
    }
    assert.deepEqual(model.schedule(festival), [], 'invalid events are not scheduled');
    assert.equal(model.requests.get(good)!.size, 0, 'and request nothing');
  });

  test('an update that breaks a rule takes the document out; the next good one brings it back', async () => {
    const { node, festival } = await setup(undefined, false);
    const e1 = await addEvent(node, eve, festival, 'Talk', [1, 2], [], 1);
    await node.update(eve, e1, { end: BigInt(at(0.5)) });
    let model = await node.model();
    assert.equal(model.events.has(e1), false);
    assert.deepEqual(
      model.invalid.map(({ id }) => id),
      [e1],
    );
    await node.update(eve, e1, { end: BigInt(at(3)) });
    model = await node.model();
    assert.equal(model.events.get(e1)!.end, at(3));
    assert.deepEqual(model.invalid, []);
  });

  test("someone else's invalid update does not make the owner's document invalid", async () => {
    const { node, festival } = await setup(undefined, false);
    await node.update(mallory, festival, { url: 'javascript:alert(1)', end: 0n });
    const model = await node.model();
    assert.deepEqual(model.invalid, []);
    assert.equal(model.festivals.get(festival)!.end, T0 + DAY);
  });
});

// ---------------------------------------------------------------------------------------
// Live updates
// ---------------------------------------------------------------------------------------

/** `inner`, answering schema queries slowly, as IndexedDB may. */
function slowSchemaQueries(inner: MemoryStore): Store {
  return new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (property === 'getOperationsBySchema') {
        return async (schemaId: string) => {
          const result = await inner.getOperationsBySchema(schemaId);
          await settle(25);
          return result;
        };
      }
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
}

describe('subscribe', () => {
  test('calls back with the result now and on every change of it, not on unrelated changes, and stops when ended', async () => {
    const { node, festival } = await setup();
    const seen: string[][] = [];
    const others: number[] = [];
    const stop = node.subscribe(
      (model) => model.schedule(festival).map((item) => item.event.title),
      (titles) => seen.push(titles),
    );
    const stopOthers = node.subscribe(
      (model) => model.festivals.size,
      (size) => others.push(size),
    );
    await settle();
    assert.deepEqual(seen, [[]]);

    await addEvent(node, eve, festival, 'Talk', [1, 2], [], 1);
    await settle();
    assert.deepEqual(seen, [[], ['Talk']]);

    const elsewhere = (await node.createFestival(bob, { name: 'Elsewhere', start: T0, end: T0 + DAY })).hash;
    await addEvent(node, eve, elsewhere, 'Not here', [1, 2], [], 1);
    await node.update(mallory, festival, { name: 'ignored' });
    await settle();
    assert.deepEqual(seen, [[], ['Talk']], 'unrelated changes do not call back');
    assert.deepEqual(others, [1, 2]);

    stop();
    await addEvent(node, eve, festival, 'After unsubscribe', [3, 4], [], 1);
    await node.createFestival(carol, { name: 'Third', start: T0, end: T0 + DAY });
    await settle();
    assert.deepEqual(seen, [[], ['Talk']]);
    assert.deepEqual(others, [1, 2, 3], 'the other subscription goes on');
    stopOthers();
  });

  test('a burst of writes ends with the final result', async () => {
    const { node, festival } = await setup();
    const projector = await addResource(node, bob, festival, { title: 'Projector' });
    const seen: Array<Array<[string, RequestState]>> = [];
    node.subscribe(
      (model) => model.bookings(projector).map(({ event, status }): [string, RequestState] => [event.title, status.state]),
      (result) => seen.push(result),
    );
    const events = await Promise.all([
      addEvent(node, eve, festival, 'a', [1, 3], [projector], 1),
      addEvent(node, carol, festival, 'b', [2, 4], [projector], 2),
      addEvent(node, dave, festival, 'c', [3, 5], [projector], 3),
    ]);
    assert.equal(events.length, 3);
    await settle(30);
    assert.deepEqual(seen.at(-1), [
      ['a', 'confirmed'],
      ['b', 'conflict'],
      ['c', 'confirmed'],
    ]);
  });

  test('a write that lands while the model is being loaded is not lost', async () => {
    const inner = new MemoryStore();
    const slow = slowSchemaQueries(inner);
    const node = new FestivalNode(slow);
    const seen: number[] = [];
    node.subscribe(
      (model) => model.festivals.size,
      (size) => seen.push(size),
    );
    await settle(5); // the first load is under way
    await node.createFestival(alice, { name: 'Fest', start: T0, end: T0 + DAY });
    await settle(400); // the first load (5 slow queries) is long over
    assert.equal((await node.model()).festivals.size, 1, 'the model knows the festival');
    assert.deepEqual(seen.at(-1), 1, 'the subscriber was told');
  });

  test('a write by someone else on the store, said by changed() without ids while the model is being loaded, is not lost', async () => {
    const inner = new MemoryStore();
    const slow = slowSchemaQueries(inner);
    const node = new FestivalNode(slow);
    // Replication writes through its own code and only tells the node that something changed.
    const replication = new FestivalNode(inner);
    const loading = node.model();
    await settle(5); // the full load has read the festivals already
    await replication.createFestival(alice, { name: 'Fest', start: T0, end: T0 + DAY });
    node.changed();
    await loading;
    assert.equal((await node.model()).festivals.size, 1, 'the next build reads the whole store again');
  });
});

// ---------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------

describe('festival schemas', () => {
  test('installFestivalSchemas stores the 43 definition entries, idempotently', async () => {
    const store = new MemoryStore();
    await installFestivalSchemas(store);
    const count = async () => (await store.getLogs()).reduce((sum, log) => sum + log.latestSeqNum, 0);
    const hashes = async () => (await store.getLogs()).map((log) => log.latestHash);
    assert.equal(await count(), 43);
    const first = await hashes();
    await installFestivalSchemas(store);
    assert.equal(await count(), 43);
    assert.deepEqual(await hashes(), first);
    assert.equal((await store.getOperationsBySchema(SCHEMA_DEFINITION_V1)).length, 5);
    assert.equal((await store.getOperationsBySchema(SCHEMA_FIELD_DEFINITION_V1)).length, 38);
  });

  test('materialising the installed definitions reproduces FESTIVAL_SCHEMAS exactly, ids included', async () => {
    const store = new MemoryStore();
    await installFestivalSchemas(store);
    const registry = new SchemaRegistry();
    const documents = async (schemaId: string) => {
      const stored = await store.getOperationsBySchema(schemaId);
      const operations: DocumentOperation[] = stored.map((s) => {
        const operation = validateOperation(decodeOperation(s.bytes), registry.get(s.schemaId)!);
        const result: DocumentOperation = { id: s.id, publicKey: s.publicKey, schemaId: s.schemaId, action: s.action };
        if (operation.previous) result.previous = operation.previous;
        if (operation.fields) result.fields = operation.fields;
        return result;
      });
      return [...new Set(stored.map((s) => s.documentId))].map((id) =>
        materializeDocument(
          id,
          operations.filter((o) => stored.find((s) => s.id === o.id)!.documentId === id),
        )!,
      );
    };
    const fieldDefinitions = new Map((await documents(SCHEMA_FIELD_DEFINITION_V1)).map((view) => [view.viewId.join('_'), view]));
    const schemas = (await documents(SCHEMA_DEFINITION_V1)).map((view) => {
      const fieldViews = (view.fields.get('fields') as Hash[][]).map((viewId) => fieldDefinitions.get(viewId.join('_'))!);
      const definition = {
        name: view.fields.get('name') as string,
        description: view.fields.get('description') as string,
        fields: fieldViews.map((field) => ({ name: field.fields.get('name') as string, type: field.fields.get('type') as string })),
      };
      return { definition, schema: Schema.fromDefinition(view.viewId, definition), viewId: view.viewId };
    });

    assert.equal(schemas.length, FESTIVAL_SCHEMA_SPECS.length);
    for (const spec of FESTIVAL_SCHEMA_SPECS) {
      const found = schemas.find(({ definition }) => definition.name === spec.name);
      assert.ok(found, spec.name);
      const shipped = FESTIVAL_SCHEMAS.find((schema) => schema.name === spec.name)!;
      assert.equal(schemaIdFor(spec.name, found.viewId), FESTIVAL_SCHEMA_IDS[spec.name]);
      assert.equal(found.schema.id, shipped.id);
      assert.equal(found.schema.description, spec.description);
      assert.equal(found.schema.description, shipped.description);
      assert.deepEqual(
        found.definition.fields.map((field) => field.name),
        Object.keys(spec.fields),
        'fields in spec order',
      );
      const types = (schema: Schema) => [...schema.fields].map(([name, type]) => [name, formatFieldType(type)]);
      assert.deepEqual(types(found.schema), types(shipped));
      // Relations name the other festival schemas by their shipped ids.
      for (const [name, { type }] of Object.entries(spec.fields)) {
        const expectedType = type.replace(/\((panda_[a-z_]+)\)$/, (_, target: keyof typeof FESTIVAL_SCHEMA_IDS) => `(${FESTIVAL_SCHEMA_IDS[target]})`);
        assert.equal(formatFieldType(found.schema.fields.get(name)!), expectedType, `${spec.name}.${name}`);
      }
    }
    assert.deepEqual(
      FESTIVAL_SCHEMAS.map((schema) => schema.name),
      FESTIVAL_SCHEMA_SPECS.map((spec) => spec.name),
    );
  });

  test('a FestivalNode accepts data from a peer once it has the schemas (no definitions needed)', async () => {
    const source = await setup();
    await addEvent(source.node, eve, source.festival, 'Talk', [1, 2], [], 1);
    const target = new FestivalNode(new MemoryStore());
    const logs = await exportLogs(source.node.store);
    await deliver(target, logs.flat());
    assert.deepEqual(snapshot(await target.model()), snapshot(await source.node.model()));
    assert.equal((await target.model()).schedule(source.festival)[0]!.event.title, 'Talk');
  });
});
