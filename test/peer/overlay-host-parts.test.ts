/**
 * Two parts of a festival's overlay host on their own, with a clock the test moves: when it
 * listens on the signaling servers (topic-listening.ts), and how relayed signals go on over
 * the overlay's channels (signal-relay.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataChannelTransport } from '../../peer/datachannel-transport.js';
import { decodeOverlayFrame, type RelayedSignal } from '../../peer/overlay-frames.js';
import { SignalRelay } from '../../peer/signal-relay.js';
import { TopicListening } from '../../peer/topic-listening.js';

function listening(alwaysListen = false) {
  const state = { now: 0, neighbours: 0, needsContacts: true, calls: [] as boolean[] };
  const topic = new TopicListening(
    { now: () => state.now, listen: (on) => state.calls.push(on), neighbours: () => state.neighbours, needsContacts: () => state.needsContacts },
    alwaysListen,
  );
  return { state, topic };
}

describe('topic listening', () => {
  it('listens while weak, then until three newcomers were heard, and stops 10 s after it no longer needs to', () => {
    const { state, topic } = listening();
    topic.update();
    assert.deepEqual(state.calls, [true]);
    state.needsContacts = false;
    state.neighbours = 3;
    topic.update();
    assert.equal(topic.listening, true, 'the next newcomers are its to answer');
    for (const peer of ['a', 'b', 'b', 'c']) topic.arrived(peer);
    state.now += 9_999;
    topic.tick();
    assert.equal(topic.listening, true);
    state.now += 1;
    topic.tick();
    assert.deepEqual(state.calls, [true, false]);
    // Weak again: listening anew, for the next three newcomers.
    state.neighbours = 1;
    topic.update();
    state.neighbours = 3;
    topic.arrived('d');
    state.now += 20_000;
    topic.tick();
    assert.equal(topic.listening, true, 'd counted once, and a, b, c were heard before');
    assert.deepEqual(state.calls, [true, false, true]);
  });

  it('keeps listening while a connection is set up through the server, at most 30 s', () => {
    const { state, topic } = listening();
    state.needsContacts = false;
    state.neighbours = 3;
    for (const peer of ['a', 'b', 'c']) topic.arrived(peer);
    topic.viaServer('x');
    state.now += 25_000;
    topic.tick();
    assert.equal(topic.listening, true);
    topic.settled('x');
    state.now += 10_000;
    topic.tick();
    assert.equal(topic.listening, false);

    topic.viaServer('y');
    assert.equal(topic.listening, true);
    state.now += 30_001;
    topic.tick();
    state.now += 10_000;
    topic.tick();
    assert.equal(topic.listening, false, 'a connection that took too long no longer counts');
  });

  it('a hub always listens; a closed overlay changes nothing', () => {
    const hub = listening(true);
    hub.state.needsContacts = false;
    hub.state.neighbours = 8;
    hub.topic.update();
    hub.state.now += 60_000;
    hub.topic.tick();
    assert.deepEqual(hub.state.calls, [true]);
    const { state, topic } = listening();
    topic.close();
    topic.update();
    assert.deepEqual(state.calls, []);
  });
});

function relay(channels: string[]) {
  const sent: Array<{ to: string; signal: RelayedSignal }> = [];
  const delivered: Array<[string, unknown]> = [];
  const transports = new Map(channels.map((peer) => [peer, { peer } as unknown as DataChannelTransport]));
  const time = { now: 0 };
  const signals = new SignalRelay({
    self: 'me',
    now: () => time.now,
    channel: (peer) => transports.get(peer),
    deliver: (from, data) => delivered.push([from, data]),
    send: (channel, frame) => {
      const decoded = decodeOverlayFrame(frame);
      assert.equal(decoded.kind, 'signal');
      if (decoded.kind === 'signal') sent.push({ to: (channel as unknown as { peer: string }).peer, signal: decoded.signal });
      return true;
    },
  });
  return { signals, sent, delivered, time };
}

describe('signal relay', () => {
  it('sends to the peer over its own channel, else along the route learned, else not at all', () => {
    const { signals, sent } = relay(['n1', 'n2']);
    assert.equal(signals.relay('n1', 'offer'), true);
    assert.equal(signals.relay('far', 'offer'), false);
    signals.routes.add('far', 'n2');
    assert.equal(signals.relay('far', 'offer'), true);
    assert.deepEqual(sent, [
      { to: 'n1', signal: { from: 'me', to: 'n1', ttl: 8, data: 'offer' } },
      { to: 'n2', signal: { from: 'me', to: 'far', ttl: 8, data: 'offer' } },
    ]);
    assert.deepEqual(signals.counts, { overlay: 2, server: 0, relayed: 0, dropped: 0 });
  });

  it('delivers what is for this peer, passes the rest on with a hop less and learns the way back', () => {
    const { signals, sent, delivered } = relay(['n1', 'n2']);
    signals.received('n1', { from: 'a', to: 'me', ttl: 3, data: 'answer' });
    assert.deepEqual(delivered, [['a', 'answer']]);
    assert.equal(signals.routes.via('a'), 'n1');
    signals.received('n1', { from: 'a', to: 'n2', ttl: 3, data: 'offer' });
    signals.received('n1', { from: 'a', to: 'n2', ttl: 0, data: 'offer' });
    signals.received('n2', { from: 'b', to: 'a', ttl: 2, data: 'offer' });
    signals.received('n1', { from: 'c', to: 'a', ttl: 2, data: 'offer' }); // back where it came from: dropped
    assert.deepEqual(sent, [
      { to: 'n2', signal: { from: 'a', to: 'n2', ttl: 2, data: 'offer' } },
      { to: 'n1', signal: { from: 'b', to: 'a', ttl: 1, data: 'offer' } },
    ]);
    assert.deepEqual(signals.counts, { overlay: 0, server: 0, relayed: 2, dropped: 2 });
  });

  it('takes a burst of 24 signals per channel, then 8 a second; a channel closed starts over', () => {
    const { signals, delivered, time } = relay(['n1']);
    for (let i = 0; i < 30; i++) signals.received('n1', { from: 'a', to: 'me', ttl: 1, data: `s${i}` });
    assert.equal(delivered.length, 24);
    time.now += 1_000;
    for (let i = 0; i < 30; i++) signals.received('n1', { from: 'a', to: 'me', ttl: 1, data: `t${i}` });
    assert.equal(delivered.length, 32);
    signals.channelClosed('n1');
    signals.received('n1', { from: 'a', to: 'me', ttl: 1, data: 'again' });
    assert.equal(delivered.length, 33);
    assert.equal(signals.counts.dropped, 6 + 22);
  });
});
