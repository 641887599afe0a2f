/**
 * The overlay host's bookkeeping on its own, with a clock the test moves: the routes that
 * relayed signals take back along the overlay's walks, and the contacts a joining peer
 * heard from the signaling server. Both are bounded and forget stale entries.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeOverlayMessage } from '../../core/overlay/index.js';
import { CONTACT_FRESH_MS, MAX_CONTACTS, OverlayContacts } from '../../peer/overlay-contacts.js';
import { MAX_ROUTES, ROUTE_TTL_MS, SignalRoutes } from '../../peer/signal-routes.js';

function clock() {
  const time = { now: 1_000_000 };
  return { time, now: () => time.now };
}

describe('signal routes', () => {
  it('learns the way back from forward-joins, shuffles and shuffle replies', () => {
    const { now } = clock();
    const routes = new SignalRoutes('me', now);
    routes.learn('n1', encodeOverlayMessage({ type: 'forward-join', peer: 'newcomer', ttl: 3 }));
    routes.learn('n2', encodeOverlayMessage({ type: 'shuffle', id: 7, origin: 'far', ttl: 2, peers: ['p1', 'p2'] }));
    routes.learn('n3', encodeOverlayMessage({ type: 'shuffle-reply', id: 7, peers: ['p3'] }));
    routes.learn('n4', encodeOverlayMessage({ type: 'join' }));
    assert.equal(routes.via('newcomer'), 'n1');
    assert.deepEqual(
      ['far', 'p1', 'p2'].map((peer) => routes.via(peer)),
      ['n2', 'n2', 'n2'],
    );
    assert.equal(routes.via('p3'), 'n3');
    assert.equal(routes.via('n4'), undefined);
  });

  it('learns nothing from a malformed message, nor a route to itself or through the peer itself', () => {
    const { now } = clock();
    const routes = new SignalRoutes('me', now);
    routes.learn('n1', Uint8Array.from([250, 1, 2]));
    routes.add('me', 'n1');
    routes.add('n1', 'n1');
    assert.equal(routes.via('me'), undefined);
    assert.equal(routes.via('n1'), undefined);
  });

  it('takes the latest route, forgets routes older than ROUTE_TTL_MS and keeps at most MAX_ROUTES', () => {
    const { time, now } = clock();
    const routes = new SignalRoutes('me', now);
    routes.add('far', 'n1');
    routes.add('far', 'n2');
    assert.equal(routes.via('far'), 'n2');
    time.now += ROUTE_TTL_MS;
    assert.equal(routes.via('far'), 'n2');
    time.now += 1;
    assert.equal(routes.via('far'), undefined);
    for (let i = 0; i <= MAX_ROUTES; i++) routes.add(`peer-${i}`, 'n1');
    assert.equal(routes.via('peer-0'), undefined, 'the least recently learned route went first');
    assert.equal(routes.via(`peer-${MAX_ROUTES}`), 'n1');
    assert.equal(routes.via('peer-1'), 'n1');
  });
});

describe('overlay contacts', () => {
  it('lists fresh contacts oldest first, a contact heard again moving to the end', () => {
    const { time, now } = clock();
    const contacts = new OverlayContacts(now);
    contacts.heard('a', 0);
    time.now += 10;
    contacts.heard('b', 3);
    contacts.heard('a', 2);
    assert.deepEqual(contacts.fresh(), [
      { peer: 'b', neighbours: 3 },
      { peer: 'a', neighbours: 2 },
    ]);
    contacts.forget(['b']);
    assert.deepEqual(contacts.fresh(), [{ peer: 'a', neighbours: 2 }]);
  });

  it('leaves out contacts heard more than CONTACT_FRESH_MS ago and keeps at most MAX_CONTACTS', () => {
    const { time, now } = clock();
    const contacts = new OverlayContacts(now);
    contacts.heard('old', 1);
    time.now += CONTACT_FRESH_MS + 1;
    assert.deepEqual(contacts.fresh(), []);
    for (let i = 0; i < MAX_CONTACTS; i++) contacts.heard(`c${i}`, i);
    const fresh = contacts.fresh();
    assert.equal(fresh.length, MAX_CONTACTS);
    assert.equal(fresh[0]!.peer, 'c0');
  });
});
