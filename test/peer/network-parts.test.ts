/**
 * The parts of the network on their own, with a clock and timers the test drives (the
 * `timers` option): the signaling client's reconnects and keep-alive, peer admission and
 * backoff, festival membership's announce timing and reply limit, and a remote link that
 * closes its connection, channels and timers in one place. No sockets, no WebRTC.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPandaError, type PandaError } from '../../core/errors.js';
import { FestivalMembership } from '../../peer/festival-membership.js';
import { FestivalSignaling } from '../../peer/festival-signaling.js';
import { parseSignalingMessage, type SignalingMessage } from '../../peer/signaling-messages.js';
import { PeerAdmission, peerLimits } from '../../peer/peer-limits.js';
import type { PeerConnectionLike } from '../../peer/peer-connection.js';
import { RemoteLink, type RemoteLinkHost } from '../../peer/remote-link.js';
import { SignalingConnection, type WebSocketLike } from '../../peer/signaling-client.js';
import { festivalTopic, mailboxTopic } from '../../peer/signaling-topic.js';
import type { Timers } from '../../peer/timers.js';
import { WebRtcNetwork } from '../../peer/index.js';

/** Timers that run only when the test advances the clock. */
class ManualTimers implements Timers {
  time = 1_000_000;
  readonly pending = new Map<number, { at: number; callback: () => void; every: number | undefined }>();
  #next = 1;

  now(): number {
    return this.time;
  }
  setTimeout(callback: () => void, ms: number): unknown {
    this.pending.set(this.#next, { at: this.time + ms, callback, every: undefined });
    return this.#next++;
  }
  setInterval(callback: () => void, ms: number): unknown {
    this.pending.set(this.#next, { at: this.time + ms, callback, every: ms });
    return this.#next++;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  clearInterval(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Moves the clock on by `ms`, running every timer due on the way, in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let due: [number, { at: number; callback: () => void; every: number | undefined }] | undefined;
      for (const entry of this.pending) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      const [id, timer] = due;
      this.time = timer.at;
      if (timer.every === undefined) this.pending.delete(id);
      else timer.at += timer.every;
      timer.callback();
    }
    this.time = end;
  }
}

class FakeSocket implements WebSocketLike {
  static made: FakeSocket[] = [];
  readyState = 0;
  readonly sent: unknown[] = [];
  onopen: ((event: never) => void) | null = null;
  onmessage: ((event: never) => void) | null = null;
  onclose: ((event: never) => void) | null = null;
  onerror: ((event: never) => void) | null = null;

  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({} as never);
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({} as never);
  }
}

describe('SignalingConnection on injected timers', () => {
  it('reconnects with doubling backoff, pings, drops a silent server, and close() leaves no timer', () => {
    FakeSocket.made = [];
    const timers = new ManualTimers();
    const errors: PandaError[] = [];
    const connection = new SignalingConnection('ws://signaling.invalid', {
      WebSocket: FakeSocket,
      timers,
      minReconnectDelayMs: 1_000,
      maxReconnectDelayMs: 4_000,
      pingIntervalMs: 10_000,
    });
    connection.onError = (error) => errors.push(error);
    connection.subscribe(['t']);
    assert.equal(FakeSocket.made.length, 1);
    FakeSocket.made[0]!.open();
    assert.deepEqual(FakeSocket.made[0]!.sent, [{ type: 'subscribe', topics: ['t'] }]);

    // Lost: the next socket comes after 0.75 to 1.25 times the delay, which doubles up to the maximum.
    const delays: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      FakeSocket.made.at(-1)!.drop();
      const before: number = FakeSocket.made.length;
      const started = timers.time;
      while (FakeSocket.made.length === before) timers.advance(10);
      delays.push(timers.time - started);
    }
    const bounds = [1_000, 2_000, 4_000, 4_000];
    delays.forEach((delay, i) => assert.ok(delay >= bounds[i]! * 0.75 && delay <= bounds[i]! * 1.25 + 10, `delay ${i}: ${delay}`));

    const socket = FakeSocket.made.at(-1)!;
    socket.open();
    assert.deepEqual(socket.sent, [{ type: 'subscribe', topics: ['t'] }], 'topics subscribed again');
    timers.advance(10_000);
    assert.deepEqual(socket.sent.at(-1), { type: 'ping' });
    timers.advance(20_000);
    assert.equal(connection.connected, true, 'three intervals of silence are still tolerated');
    timers.advance(10_000);
    assert.equal(connection.connected, false, 'silent for three intervals: dropped');
    assert.ok(errors.some((error) => error.message.includes('stopped answering')));

    connection.close();
    assert.equal(timers.pending.size, 0, 'no timer left');
  });

  it('accepts only ws: and wss: URLs', () => {
    for (const url of ['http://x', 'not a url', '']) {
      assert.throws(
        () => new SignalingConnection(url, { WebSocket: FakeSocket }),
        (e: unknown) => isPandaError(e, 'INPUT_INVALID'),
      );
    }
  });
});

describe('PeerAdmission', () => {
  it('admits within the limits and the new-peer rate, backs a failing peer off, reports at most once a second', () => {
    const timers = new ManualTimers();
    const reports: PandaError[] = [];
    const limits = peerLimits({ maxPeers: 4, newPeersPerSecond: 1 });
    const admission = new PeerAdmission(
      limits,
      () => timers.now(),
      (error) => reports.push(error),
    );
    assert.equal(admission.admit('a', 4, 0), false, 'no room: at most maxPeers');
    assert.equal(admission.admit('a', 2, 2), false, 'no room: at most maxConnecting');
    assert.equal(reports.length, 1, 'the second refusal within a second is not reported');
    assert.ok(isPandaError(reports[0], 'WEBRTC_PEER_LIMIT'));
    assert.equal(admission.admit('a', 0, 0), true);
    assert.equal(admission.admit('b', 1, 1), true, 'a burst of maxConnecting');
    assert.equal(admission.admit('c', 2, 2), false);
    timers.advance(1_000);
    assert.equal(admission.admitAgain('c'), true, 'one token a second');
    assert.equal(reports.length, 1);
    assert.equal(admission.admitAgain('c'), false);
    assert.equal(reports.length, 2);

    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map(() => admission.failed('d')),
      [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000],
    );
    assert.equal(admission.backingOff('d'), true);
    timers.advance(59_500);
    assert.equal(admission.backingOff('d'), false, 'the backoff ends half a second before the announce');
    admission.failed('e');
    admission.connected('e');
    assert.equal(admission.backingOff('e'), false);
    assert.equal(admission.failed('e'), 1_000, 'a connection that came up starts the backoff over');
  });

  it('wouldAdmit says what admit would, taking no token', () => {
    const timers = new ManualTimers();
    const admission = new PeerAdmission(
      peerLimits({ maxPeers: 4, newPeersPerSecond: 1 }),
      () => timers.now(),
      () => {},
    );
    assert.equal(admission.wouldAdmit(4, 0), false, 'no room');
    assert.equal(admission.wouldAdmit(2, 2), false, 'too many connecting');
    for (let i = 0; i < 5; i++) assert.equal(admission.wouldAdmit(0, 0), true, 'asking takes nothing');
    assert.equal(admission.admit('a', 0, 0), true);
    assert.equal(admission.admit('b', 0, 0), true);
    assert.equal(admission.wouldAdmit(0, 0), false, 'the burst of maxConnecting is spent');
    assert.equal(admission.admit('c', 0, 0), false);
    timers.advance(1_000);
    assert.equal(admission.wouldAdmit(0, 0), true);
  });
});

describe('signaling messages', () => {
  it("an offer's refusal (busy) is read, with nothing else in it", () => {
    assert.deepEqual(parseSignalingMessage({ type: 'signal', from: 'a', to: 'b', signal: { type: 'busy', sdp: 'x'.repeat(10) } }), {
      type: 'signal',
      from: 'a',
      to: 'b',
      signal: { type: 'busy' },
    });
    assert.equal(parseSignalingMessage({ type: 'signal', from: 'a', to: 'b', signal: { type: 'bussy' } }), undefined);
  });
});

describe('FestivalMembership', () => {
  function membership(timers: ManualTimers, announced: string[], linked = new Set<string>()) {
    return new FestivalMembership({
      timers,
      peerId: 'me',
      repliesPerSecond: 3,
      announce: (topic) => announced.push(topic),
      isLinked: (remoteId) => linked.has(remoteId),
      report: (error) => assert.fail(String(error)),
    });
  }

  it('announces again no sooner than two seconds after the last announce, and not after leaving', () => {
    const timers = new ManualTimers();
    const announced: string[] = [];
    const festivals = membership(timers, announced);
    const topic = festivals.add('fest', undefined).topic;
    assert.equal(topic, festivalTopic('fest'));
    festivals.announced(topic);
    festivals.scheduleAnnounce(topic, 500);
    festivals.scheduleAnnounce(topic, 0); // one scheduled announce per topic
    timers.advance(1_999);
    assert.deepEqual(announced, []);
    timers.advance(1);
    assert.deepEqual(announced, [topic]);
    festivals.scheduleAnnounce(topic, 5_000);
    assert.equal(festivals.remove(topic), true);
    assert.equal(timers.pending.size, 0, 'leaving clears its timer');
    festivals.scheduleAnnounce(topic, 0);
    assert.equal(timers.pending.size, 0, 'no announce for a festival left');
    const other = festivals.add('other', undefined).topic;
    festivals.scheduleAnnounce(other, 100);
    festivals.close();
    festivals.scheduleAnnounce(other, 100);
    assert.equal(timers.pending.size, 0, 'closed: nothing scheduled');
  });

  it('answers an announce once a second per peer and topic, and a few per second in all', () => {
    const timers = new ManualTimers();
    const festivals = membership(timers, []);
    const topic = festivals.add('fest', undefined).topic;
    assert.equal(festivals.mayReply('a', topic), true);
    assert.equal(festivals.mayReply('a', topic), false);
    assert.equal(festivals.mayReply('b', topic), true);
    assert.equal(festivals.mayReply('c', topic), true);
    assert.equal(festivals.mayReply('d', topic), false, 'repliesPerSecond used up');
    timers.advance(1_000);
    assert.equal(festivals.mayReply('a', topic), true);
    festivals.forgetReplies('a');
    timers.advance(400);
    assert.equal(festivals.mayReply('a', topic), true, 'forgotten: answered again at once');
  });

  it('authorises peers of a festival with a secret only once they proved to be in it', async () => {
    const festivals = membership(new ManualTimers(), []);
    const open = festivals.add('open', undefined).topic;
    const closed = festivals.add('closed', 's3cret');
    await closed.key;
    assert.equal(festivals.isAuthorised('a', open), true);
    assert.equal(festivals.isAuthorised('a', closed.topic), false);
    festivals.verify('a', closed.topic);
    assert.equal(festivals.isAuthorised('a', closed.topic), true);
    assert.deepEqual([...festivals.verifiedTopics('a')], [closed.topic]);
    festivals.remove(closed.topic);
    assert.equal(festivals.isAuthorised('a', closed.topic), false);
    assert.throws(
      () => festivals.add('x', ''),
      (e: unknown) => isPandaError(e, 'INPUT_INVALID'),
    );
  });
});

/** Just enough of an RTCPeerConnection and its data channels to watch a link's teardown. */
class FakePeerConnection implements PeerConnectionLike {
  static made: FakePeerConnection[] = [];
  connectionState: RTCPeerConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  localDescription: { sdp: string } | null = null;
  onicecandidate: ((event: never) => void) | null = null;
  onconnectionstatechange: ((event: never) => void) | null = null;
  ondatachannel: ((event: never) => void) | null = null;
  closed = false;
  readonly channels: Array<{ label: string; readyState: RTCDataChannelState; closed: boolean }> = [];
  readonly candidates: RTCIceCandidateInit[] = [];

  constructor() {
    FakePeerConnection.made.push(this);
  }
  async createOffer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'offer', sdp: 'v=0 offer' };
  }
  async createAnswer(): Promise<RTCSessionDescriptionInit> {
    return { type: 'answer', sdp: 'v=0 answer' };
  }
  async setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.localDescription = { sdp: description.sdp! };
    if (description.type === 'offer') this.signalingState = 'have-local-offer';
  }
  async setRemoteDescription(): Promise<void> {
    this.signalingState = 'stable';
  }
  async addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    this.candidates.push(candidate);
  }
  createDataChannel(label: string): never {
    const channel = {
      label,
      readyState: 'connecting' as RTCDataChannelState,
      closed: false,
      bufferedAmount: 0,
      bufferedAmountLowThreshold: 0,
      binaryType: 'blob',
      send() {},
      close() {
        channel.closed = true;
      },
      addEventListener() {},
      removeEventListener() {},
    };
    this.channels.push(channel);
    return channel as never;
  }
  close(): void {
    this.closed = true;
  }
}

describe('mailboxes', () => {
  const festivalId = 'fest';
  const topic = festivalTopic(festivalId);
  const mine = mailboxTopic(festivalId, 'me');

  it('a mailbox hides the festival and the peer, one per peer and festival', () => {
    assert.match(mine, /^panda-kit-0020[0-9a-f]{64}$/);
    assert.equal(mine, mailboxTopic(festivalId, 'me'));
    assert.ok(![topic, mailboxTopic(festivalId, 'you'), mailboxTopic('fest2', 'me')].includes(mine));
    assert.throws(
      () => mailboxTopic('', 'me'),
      (e: unknown) => isPandaError(e, 'INPUT_INVALID'),
    );
  });

  it("the membership knows a festival by its topic and by this peer's mailbox in it, until it leaves", () => {
    const festivals = new FestivalMembership({
      timers: new ManualTimers(),
      peerId: 'me',
      repliesPerSecond: 3,
      announce: () => {},
      isLinked: () => false,
      report: (error) => assert.fail(String(error)),
    });
    const festival = festivals.add(festivalId, undefined);
    assert.equal(festival.mailbox, mine);
    assert.equal(festivals.receiving(topic), festival);
    assert.equal(festivals.receiving(mine), festival);
    assert.equal(festivals.receiving(mailboxTopic(festivalId, 'you')), undefined, "another peer's mailbox is not ours");
    assert.equal(festivals.mailboxOf(topic, 'you'), mailboxTopic(festivalId, 'you'));
    assert.equal(festivals.mailboxOf(festivalTopic('other'), 'you'), undefined);
    festivals.remove(topic);
    assert.equal(festivals.receiving(mine), undefined);
  });

  it("signaling subscribes the mailbox, sends a message for one peer to that peer's mailbox, and takes in its own only what is for it", async () => {
    FakeSocket.made = [];
    const timers = new ManualTimers();
    const errors: PandaError[] = [];
    const heard: SignalingMessage[] = [];
    const membership = new FestivalMembership({
      timers,
      peerId: 'me',
      repliesPerSecond: 3,
      announce: () => {},
      isLinked: () => false,
      report: (error) => assert.fail(String(error)),
    });
    membership.add(festivalId, undefined);
    const signaling = new FestivalSignaling(['ws://one.invalid'], {
      WebSocket: FakeSocket,
      timers,
      membership,
      peerId: 'me',
      onOpen: () => {},
      onMessage: (_festival, message) => heard.push(message),
      report: (error) => errors.push(error as PandaError),
    });
    const socket = FakeSocket.made[0]!;
    socket.open();
    assert.deepEqual(socket.sent, [{ type: 'subscribe', topics: [topic, mine] }]);

    await signaling.publish(topic, { type: 'announce', from: 'me', to: 'you' }, 'you');
    await signaling.publish(topic, { type: 'announce', from: 'me' });
    assert.deepEqual(
      socket.sent.slice(1).map((sent) => (sent as { topic?: string }).topic),
      [mailboxTopic(festivalId, 'you'), topic],
    );

    const deliver = (inTopic: string, data: unknown) => socket.onmessage?.({ data: JSON.stringify({ type: 'publish', topic: inTopic, data }) } as never);
    deliver(mine, { type: 'announce', from: 'you', to: 'me' });
    deliver(mine, { type: 'announce', from: 'you' });
    deliver(mine, { type: 'announce', from: 'you', to: 'them' });
    deliver(mailboxTopic(festivalId, 'them'), { type: 'announce', from: 'you', to: 'me' });
    await membership.get(topic)!.chain;
    assert.deepEqual(heard, [{ type: 'announce', from: 'you', to: 'me' }]);
    assert.ok(
      errors.some((error) => error.message.includes('to everyone in a mailbox')),
      errors.map(String).join(),
    );
    signaling.close();
  });
});

describe('RemoteLink', () => {
  function link(timers: ManualTimers, closing: Array<[boolean, string[]]>, errors: unknown[], signals: unknown[] = []): RemoteLink {
    const host: RemoteLinkHost = {
      timers,
      signal: (_link, signal) => signals.push(signal),
      festivalOf: (topic) => (topic.startsWith('topic-') ? 'festival' : undefined),
      accepts: () => true,
      isAuthorised: () => true,
      announceTo: () => {},
      ready: () => {},
      connected: () => {},
      closing: (_link, retry, topics) => closing.push([retry, [...topics]]),
      report: (error) => errors.push(error),
    };
    return new RemoteLink(host, {
      remoteId: 'remote',
      localId: 'local',
      signalTopic: 'topic-a',
      initiator: true,
      remoteSession: undefined,
      RTCPeerConnection: FakePeerConnection,
      iceServers: [],
      connectTimeoutMs: 5_000,
    });
  }

  it('close() ends the connection, its channels and its timers in one go, once', () => {
    FakePeerConnection.made = [];
    const timers = new ManualTimers();
    const closing: Array<[boolean, string[]]> = [];
    const remote = link(timers, closing, []);
    remote.openChannel('topic-a');
    remote.openChannel('topic-b');
    remote.openChannel('not-joined');
    const pc = FakePeerConnection.made[0]!;
    assert.deepEqual(
      pc.channels.map((channel) => channel.label),
      ['topic-a', 'topic-b'],
    );
    assert.equal(timers.pending.size, 1, 'the connect timeout');
    remote.close(false);
    remote.close(true);
    assert.equal(pc.closed, true);
    assert.ok(pc.channels.every((channel) => channel.closed));
    assert.equal(pc.onicecandidate, null);
    assert.equal(timers.pending.size, 0);
    assert.deepEqual(closing, [[false, ['topic-a', 'topic-b']]]);
  });

  it('a connection not up within the timeout closes for a retry', () => {
    const timers = new ManualTimers();
    const closing: Array<[boolean, string[]]> = [];
    const errors: unknown[] = [];
    const remote = link(timers, closing, errors);
    timers.advance(4_999);
    assert.equal(remote.closed, false);
    timers.advance(1);
    assert.equal(remote.closed, true);
    assert.ok(isPandaError(errors[0], 'TRANSPORT_CLOSED'));
    assert.deepEqual(closing, [[true, ['topic-a']]]);
  });

  it('keeps at most 64 candidates until the answer is applied, then adds them', async () => {
    FakePeerConnection.made = [];
    const signals: unknown[] = [];
    const remote = link(new ManualTimers(), [], [], signals);
    remote.startOffer();
    for (let i = 0; i < 100; i++) remote.addCandidate({ candidate: `candidate:${i} 1 UDP 1 ::1 9 typ host` });
    remote.addCandidate({ candidate: '' }); // end of candidates
    remote.acceptAnswer('v=0 answer');
    remote.acceptAnswer('v=0 another answer'); // only the first
    const pc = FakePeerConnection.made[0]!;
    while (pc.candidates.length < 64) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(pc.candidates.length, 64);
    assert.deepEqual(pc.candidates[0], { candidate: 'candidate:0 1 UDP 1 ::1 9 typ host', sdpMid: '0' });
    assert.deepEqual(signals, [{ type: 'offer', sdp: 'v=0 offer' }]);
    remote.close(false);
  });
});

describe('WebRtcNetwork on injected timers', () => {
  it('its signaling sockets reconnect on the timers given, and close() leaves none', () => {
    FakeSocket.made = [];
    const timers = new ManualTimers();
    const network = new WebRtcNetwork({
      signaling: ['ws://one.invalid', 'ws://two.invalid'],
      festivals: ['fest'],
      RTCPeerConnection: FakePeerConnection,
      WebSocket: FakeSocket,
      timers,
    });
    assert.deepEqual(
      FakeSocket.made.map((socket) => socket.url),
      ['ws://one.invalid', 'ws://two.invalid'],
    );
    FakeSocket.made[0]!.drop();
    assert.equal(timers.pending.size, 1, 'the reconnect waits on the given timers');
    timers.advance(1_000);
    assert.equal(FakeSocket.made.length, 3);
    network.close();
    assert.equal(timers.pending.size, 0);
  });
});
