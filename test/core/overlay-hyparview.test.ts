/**
 * HyParView's state machine on its own: the actions it returns for joins, forward-join
 * walks, neighbor requests, failures, shuffles, the turnover and malformed input, with the
 * clock and the random numbers in the test's hands.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encodeOverlayMessage, HyParView, type OverlayAction, type OverlayMessage, type OverlayOptions } from '../../core/index.js';
import { mulberry32 } from './festival-support.js';

function peer(options: Partial<OverlayOptions> = {}): { overlay: HyParView; clock: { now: number } } {
  const clock = { now: 0 };
  const overlay = new HyParView({ self: 'me', now: () => clock.now, random: mulberry32(1), ...options });
  return { overlay, clock };
}

const sends = (actions: readonly OverlayAction[], type?: OverlayMessage['type']) =>
  actions.flatMap((action) => (action.type === 'send' && (type === undefined || action.message.type === type) ? [action] : []));
const of = <T extends OverlayAction['type']>(actions: readonly OverlayAction[], type: T) =>
  actions.filter((action): action is Extract<OverlayAction, { type: T }> => action.type === type);
const bytes = (message: OverlayMessage) => encodeOverlayMessage(message);

/** Makes `remote` a neighbour of `overlay` through an inbound connection and its JOIN. */
function join(overlay: HyParView, remote: string): OverlayAction[] {
  overlay.connected(remote);
  return overlay.receive(remote, bytes({ type: 'join' }));
}

describe('HyParView', () => {
  test('a new peer joins through a contact, which walks FORWARD_JOINs to its other neighbours', () => {
    const { overlay: joiner } = peer();
    const start = joiner.start(['contact', 'spare']);
    assert.deepEqual(of(start, 'connect'), [{ type: 'connect', peer: 'contact' }]);
    assert.deepEqual(sends(joiner.connected('contact')), [{ type: 'send', peer: 'contact', message: { type: 'join' } }]);
    const accepted = joiner.receive('contact', bytes({ type: 'neighbor-reply', accepted: true }));
    assert.deepEqual(of(accepted, 'neighbour-up'), [{ type: 'neighbour-up', peer: 'contact' }]);
    assert.deepEqual(joiner.active, ['contact']);
    assert.deepEqual(joiner.passive, ['spare']);

    const { overlay: contact } = peer({ joinsPerInterval: 10 });
    join(contact, 'a');
    join(contact, 'b');
    const actions = join(contact, 'new');
    assert.deepEqual(of(actions, 'neighbour-up'), [{ type: 'neighbour-up', peer: 'new' }]);
    assert.deepEqual(sends(actions, 'neighbor-reply'), [{ type: 'send', peer: 'new', message: { type: 'neighbor-reply', accepted: true } }]);
    const walks = sends(actions, 'forward-join').map((action) => [action.peer, action.message]);
    assert.deepEqual(walks.sort(), [
      ['a', { type: 'forward-join', peer: 'new', ttl: 6 }],
      ['b', { type: 'forward-join', peer: 'new', ttl: 6 }],
    ]);
  });

  test('a walk is forwarded, leaves the new peer in the passive view at PRWL, and ends in a connection', () => {
    const { overlay } = peer();
    join(overlay, 'a');
    join(overlay, 'b');
    const forwarded = overlay.receive('a', bytes({ type: 'forward-join', peer: 'new', ttl: 3 }));
    assert.deepEqual(sends(forwarded), [{ type: 'send', peer: 'b', message: { type: 'forward-join', peer: 'new', ttl: 2 } }]);
    assert.deepEqual(overlay.passive, ['new']);
    const ended = overlay.receive('a', bytes({ type: 'forward-join', peer: 'other', ttl: 0 }));
    assert.deepEqual(of(ended, 'connect'), [{ type: 'connect', peer: 'other' }]);
    assert.deepEqual(sends(overlay.connected('other')), [{ type: 'send', peer: 'other', message: { type: 'neighbor', priority: 'high' } }]);
    overlay.receive('other', bytes({ type: 'neighbor-reply', accepted: true }));
    assert.ok(overlay.active.includes('other'));
    // A walk from a peer that is not a neighbour goes nowhere.
    overlay.connected('stranger');
    assert.deepEqual(overlay.receive('stranger', bytes({ type: 'forward-join', peer: 'x', ttl: 0 })), []);
  });

  test('the active view never exceeds maxActive: the displaced neighbour gets DISCONNECT and turns passive', () => {
    const { overlay } = peer({ maxActive: 6, joinsPerInterval: 100, maxPending: 64 });
    for (let i = 0; i < 20; i++) {
      const actions = join(overlay, `p${i}`);
      assert.ok(overlay.active.length <= 6);
      if (i >= 6) {
        const [disconnect] = sends(actions, 'disconnect');
        assert.ok(disconnect);
        assert.ok(of(actions, 'disconnect').some((action) => action.peer === disconnect.peer));
        assert.ok(overlay.passive.includes(disconnect.peer));
      }
    }
    assert.ok(overlay.connections <= 6);
  });

  test('joins over the rate limit are dropped, and inbound connections over maxPending refused', () => {
    const { overlay, clock } = peer({ joinsPerInterval: 2, maxActive: 8, activeTarget: 8 });
    join(overlay, 'a');
    join(overlay, 'b');
    const third = join(overlay, 'c');
    assert.deepEqual(of(third, 'disconnect'), [{ type: 'disconnect', peer: 'c' }]);
    assert.equal(overlay.dropped['join'], 1);
    clock.now += 10_000;
    overlay.disconnected('c');
    join(overlay, 'c');
    assert.ok(overlay.active.includes('c'));

    const { overlay: busy } = peer({ maxPending: 2 });
    busy.connected('x');
    busy.connected('y');
    assert.equal(busy.admitsInbound('z'), false);
    assert.deepEqual(busy.connected('z'), [{ type: 'disconnect', peer: 'z' }]);
  });

  test('a failed neighbour is replaced from the passive view; low priority is refused by a full peer, high is not', () => {
    const { overlay } = peer({ activeTarget: 2, maxActive: 3 });
    join(overlay, 'a');
    overlay.receive('a', bytes({ type: 'forward-join', peer: 'spare', ttl: 3 })); // one neighbour: ends here
    overlay.disconnected('spare'); // the walk's connection failed: spare is lost now
    join(overlay, 'b');
    overlay.connected('c');
    overlay.receive('c', bytes({ type: 'disconnect' })); // nothing to remove: closed
    overlay.receive('a', bytes({ type: 'shuffle-reply', id: 1, peers: ['q'] })); // not ours: ignored
    assert.deepEqual(overlay.passive, []);
    // Passive peers come from a DISCONNECT.
    const refill = overlay.receive('b', bytes({ type: 'disconnect' }));
    assert.deepEqual(overlay.passive, ['b']);
    assert.deepEqual(of(refill, 'connect'), [{ type: 'connect', peer: 'b' }]);
    assert.deepEqual(sends(overlay.connected('b')), [{ type: 'send', peer: 'b', message: { type: 'neighbor', priority: 'low' } }]);

    const { overlay: full } = peer({ activeTarget: 2, maxActive: 3 });
    join(full, 'a');
    join(full, 'b');
    full.connected('low');
    assert.deepEqual(sends(full.receive('low', bytes({ type: 'neighbor', priority: 'low' }))), [
      { type: 'send', peer: 'low', message: { type: 'neighbor-reply', accepted: false } },
    ]);
    full.connected('high');
    full.receive('high', bytes({ type: 'neighbor', priority: 'high' }));
    assert.ok(full.active.includes('high'));
  });

  test('a neighbour that fails is kept as lost and asked again later with high priority', () => {
    const { overlay, clock } = peer({ lostRetry: 1_000 });
    join(overlay, 'a');
    join(overlay, 'b');
    overlay.disconnected('b');
    assert.deepEqual(overlay.lost, ['b']);
    clock.now += 1_000;
    const retry = overlay.tick();
    assert.ok(of(retry, 'connect').some((action) => action.peer === 'b'));
    assert.deepEqual(sends(overlay.connected('b')), [{ type: 'send', peer: 'b', message: { type: 'neighbor', priority: 'high' } }]);
    overlay.receive('b', bytes({ type: 'neighbor-reply', accepted: true }));
    assert.ok(overlay.active.includes('b'));
    assert.deepEqual(overlay.lost, []);
  });

  test('shuffles: sent on a walk with the sender in it, answered where the walk ends, the reply goes back the way it came', () => {
    const { overlay: origin, clock } = peer({ shuffleInterval: 1_000, passiveSize: 4 });
    join(origin, 'n');
    origin.receive('n', bytes({ type: 'disconnect' }));
    join(origin, 'n');
    for (const p of ['p1', 'p2', 'p3']) origin.receive('n', bytes({ type: 'forward-join', peer: p, ttl: 3 }));
    clock.now += 1_000;
    const [shuffle] = sends(origin.tick(), 'shuffle');
    assert.ok(shuffle && shuffle.message.type === 'shuffle');
    assert.equal(shuffle.peer, 'n');
    assert.ok(shuffle.message.peers.includes('me'));
    assert.equal(shuffle.message.ttl, 4);

    const { overlay: middle } = peer();
    join(middle, 'n');
    join(middle, 'far');
    const forwarded = sends(middle.receive('n', bytes({ ...shuffle.message, origin: 'o' })), 'shuffle');
    assert.deepEqual(
      forwarded.map((action) => action.peer),
      ['far'],
    );
    const back = middle.receive('far', bytes({ type: 'shuffle-reply', id: shuffle.message.id, peers: ['x'] }));
    assert.deepEqual(sends(back), [{ type: 'send', peer: 'n', message: { type: 'shuffle-reply', id: shuffle.message.id, peers: ['x'] } }]);
    // Only from the peer it was forwarded to.
    assert.deepEqual(middle.receive('n', bytes({ type: 'shuffle-reply', id: shuffle.message.id, peers: ['y'] })), []);

    const { overlay: end } = peer();
    join(end, 'n');
    end.receive('n', bytes({ type: 'forward-join', peer: 'mine', ttl: 3 })); // one neighbour: becomes pending
    const answer = sends(end.receive('n', bytes({ type: 'shuffle', id: 9, origin: 'o', ttl: 0, peers: ['o', 'k1', 'k2'] })), 'shuffle-reply');
    assert.equal(answer.length, 1);
    assert.ok(end.passive.includes('o') && end.passive.includes('k1'));

    origin.receive('n', bytes({ type: 'shuffle-reply', id: shuffle.message.id, peers: ['r1', 'r2'] }));
    assert.ok(origin.passive.includes('r1') && origin.passive.includes('r2'));
    assert.ok(origin.passive.length <= 4);
  });

  test('turnover: every interval a random passive peer is asked with high priority; once taken, a full view lets another neighbour go', () => {
    const { overlay, clock } = peer({ activeTarget: 2, maxActive: 2, turnoverInterval: 1_000 });
    join(overlay, 'a');
    join(overlay, 'b');
    overlay.receive('a', bytes({ type: 'forward-join', peer: 'x', ttl: 3 })); // PRWL: x is passive now
    assert.deepEqual(overlay.passive, ['x']);
    clock.now += 1_000;
    assert.deepEqual(of(overlay.tick(), 'connect'), [{ type: 'connect', peer: 'x' }]);
    assert.deepEqual(sends(overlay.connected('x')), [{ type: 'send', peer: 'x', message: { type: 'neighbor', priority: 'high' } }]);
    const accepted = overlay.receive('x', bytes({ type: 'neighbor-reply', accepted: true }));
    const [left] = of(accepted, 'neighbour-down');
    assert.ok(left && (left.peer === 'a' || left.peer === 'b'));
    assert.deepEqual(sends(accepted, 'disconnect'), [{ type: 'send', peer: left.peer, message: { type: 'disconnect' } }]);
    assert.deepEqual(of(accepted, 'neighbour-up'), [{ type: 'neighbour-up', peer: 'x' }]);
    assert.deepEqual([...overlay.active].sort(), [left.peer === 'a' ? 'b' : 'a', 'x'].sort());
    assert.deepEqual(overlay.passive, [left.peer]);
    assert.equal(overlay.connections, 2);
    // Not before the next interval; a passive peer that cannot be reached is kept as lost.
    overlay.receive('x', bytes({ type: 'forward-join', peer: 'gone', ttl: 3 }));
    clock.now += 500;
    assert.deepEqual(of(overlay.tick(), 'connect'), []);
    clock.now += 500;
    const [again] = of(overlay.tick(), 'connect');
    assert.ok(again && (again.peer === 'gone' || again.peer === left.peer));
    overlay.disconnected(again.peer);
    assert.ok(!overlay.passive.includes(again.peer));
    assert.deepEqual(overlay.lost, [again.peer]);

    // With room, nobody leaves.
    const { overlay: below, clock: later } = peer({ activeTarget: 2, maxActive: 3, turnoverInterval: 1_000 });
    join(below, 'a');
    join(below, 'b');
    below.receive('a', bytes({ type: 'forward-join', peer: 'x', ttl: 3 }));
    later.now += 1_000;
    assert.deepEqual(of(below.tick(), 'connect'), [{ type: 'connect', peer: 'x' }]);
    assert.deepEqual(sends(below.connected('x')), [{ type: 'send', peer: 'x', message: { type: 'neighbor', priority: 'high' } }]);
    const taken = below.receive('x', bytes({ type: 'neighbor-reply', accepted: true }));
    assert.deepEqual(of(taken, 'neighbour-down'), []);
    assert.deepEqual([...below.active].sort(), ['a', 'b', 'x']);
  });

  test('malformed bytes are an offence and close the connection', () => {
    const { overlay } = peer();
    join(overlay, 'bad');
    const actions = overlay.receive('bad', Uint8Array.of(42));
    const [offence] = of(actions, 'offence');
    assert.equal(offence?.error.code, 'OVERLAY_MESSAGE_TYPE_UNKNOWN');
    assert.ok(of(actions, 'disconnect').some((action) => action.peer === 'bad'));
    overlay.disconnected('bad');
    assert.deepEqual(overlay.active, []);
  });
});
