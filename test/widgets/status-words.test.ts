/**
 * Requests in words and people by name, from a real festival (FestivalNode) whose people
 * have profiles, through the query answers the extension and the in-page peer give a page:
 * "Waiting for Beamer", "Declined by Klangkeller", "Confirmed", "1 of 3 resources
 * confirmed"; owners and voters carry their profile names, keys without a profile none.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { answerQuery } from '../../core/index.js';
import { fromProviderQueries, type ScheduleData, type ScheduleEvent } from '../../widgets/lib/schedule-data.js';
import { statusLine, statusWords } from '../../widgets/lib/status-words.js';
import { alice, bob, buildFestival, tech, venue } from './support.js';

describe('status words and names', () => {
  let data: ScheduleData;
  const byTitle = (title: string) => data.events.find((event) => event.title === title)!;

  before(async () => {
    const fixture = await buildFestival();
    await fixture.node.createProfile(venue, { name: 'Klangkeller-Kollektiv' });
    await fixture.node.createProfile(alice, { name: 'Alice' });
    const model = await fixture.node.model();
    const ask = (query: string) => JSON.parse(JSON.stringify(answerQuery(model, { query, festivalId: fixture.festival }))) as unknown;
    data = fromProviderQueries(ask('festival'), ask('schedule'));
  });

  test('says how an event stands: declined first, then the one resource waiting, else how many are confirmed', () => {
    assert.equal(statusWords('en', byTitle('Night of chaos')), 'Waiting for Beamer');
    assert.equal(statusLine('en', byTitle('Night of chaos')), 'Waiting for Beamer · 50%');
    assert.equal(statusWords('en', byTitle('Abgelehnt')), 'Declined by Klangkeller');
    assert.equal(statusWords('de', byTitle('Abgelehnt')), 'Abgelehnt von Klangkeller');
    assert.equal(statusWords('en', byTitle('Café an der Straße')), undefined, 'requests nothing: no words');

    const night = byTitle('Night of chaos');
    const request = (id: string, title: string, status: 'confirmed' | 'pending' | 'denied', known = true) => ({
      id,
      title,
      kind: 'thing',
      status,
      state: status,
      known,
      votes: [],
    });
    const event = (resources: ScheduleEvent['resources']): ScheduleEvent => {
      const confirmed = resources.filter((item) => item.status === 'confirmed').length;
      return { ...night, resources, confirmed, requested: resources.length, confirmation: confirmed / resources.length };
    };
    assert.equal(statusLine('en', event([request('a', 'Zelt', 'confirmed')])), 'Confirmed · 100%');
    assert.equal(
      statusWords('en', event([request('a', 'Zelt', 'confirmed'), request('b', 'Bus', 'pending'), request('c', 'Desk', 'pending')])),
      '1 of 3 resources confirmed',
    );
    assert.equal(statusWords('en', event([request('a', 'Werkstatt', 'denied'), request('b', 'Bus', 'denied')])), 'Declined by Werkstatt and Bus');
    // A resource not known here yet has no title to name (its id stands in for it).
    assert.equal(statusWords('en', event([request('0020ab', '0020ab', 'pending', false)])), 'Waiting for confirmation');
    assert.equal(statusWords('en', event([request('0020ab', '0020ab', 'denied', false)])), 'Declined');
  });

  test('owners and voters come with their profile names; a key without a profile has none', () => {
    const night = byTitle('Night of chaos');
    assert.equal(night.ownerName, 'Alice');
    const [keller, beamer] = night.resources;
    assert.equal(keller!.owner, venue.publicKey());
    assert.equal(keller!.ownerName, 'Klangkeller-Kollektiv');
    assert.deepEqual(keller!.votes, [{ voter: venue.publicKey(), voterName: 'Klangkeller-Kollektiv', decision: 'confirm' }]);
    assert.equal(beamer!.owner, tech.publicKey());
    assert.equal(beamer!.ownerName, undefined, 'the technician has no profile');
    assert.deepEqual(beamer!.votes, []);
    assert.equal(byTitle('Abgelehnt').ownerName, undefined, `${bob.publicKey().slice(0, 8)}… has no profile`);
    assert.deepEqual(
      byTitle('Abgelehnt').resources[0]!.votes.map((vote) => vote.decision),
      ['deny'],
    );
  });

  test('votes of another shape are left out; names are cleaned of control characters', () => {
    const festival = { id: 'f', name: 'F', start: 0, end: 7200, timezone: 'UTC' };
    const items = [
      {
        event: { id: 'e', title: 'E', start: 0, end: 3600, festival: 'f' },
        resources: [
          {
            resource: { id: 'r', title: 'R', kind: 'thing', owner: 'k1', ownerName: 'Ro\u0007sa' },
            status: { state: 'pending', votes: [{ voter: 'k2', decision: 'maybe' }, 'x', { voter: 'k3', voterName: 'Ida', decision: 'deny' }] },
          },
        ],
      },
    ];
    const [request] = fromProviderQueries({ festival }, items).events[0]!.resources;
    assert.equal(request!.ownerName, 'Ro sa');
    assert.deepEqual(request!.votes, [{ voter: 'k3', voterName: 'Ida', decision: 'deny' }]);
  });
});
