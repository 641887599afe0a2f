/**
 * Issue 13, finding 2 on the peer's side (Node): each festival's topic goes only to the
 * signaling servers of that festival, and a server no festival names any more has its
 * socket closed (no peer ever answers, so no RTCPeerConnection is made). Two recording y-webrtc signaling servers (ws) stand in for a site's server
 * and another's; the PeerHost runs on fake-indexeddb.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { WebSocket } from 'ws';
import { DexieStore } from '../../core/index.js';
import { festivalTopic } from '../../peer/index.js';
import { PeerHost } from '../../extension/peer/peer-host.js';
import { recordingServer, until } from '../peer/recording-signaling.js';

describe('the extension peer: festivals meet through their own servers only', () => {
  const closing: Array<() => unknown> = [];
  after(async () => {
    for (const close of closing.reverse()) await close();
  });

  test("a festival's topic reaches only its own servers; the server only a revoked site named is closed", async () => {
    const [mine, theirs] = [await recordingServer(), await recordingServer()];
    closing.push(mine.close, theirs.close);
    const host = await PeerHost.start({
      onChange: () => {},
      store: new DexieStore(`peer-host-${process.pid}`, { indexedDB, IDBKeyRange }),
      network: { WebSocket: WebSocket, RTCPeerConnection: class {} as never, pingIntervalMs: 60_000 },
    });
    closing.push(() => host.close());
    const a = `0020${'a'.repeat(64)}`;
    const b = `0020${'b'.repeat(64)}`;
    await host.configure({
      festivals: [
        { festivalId: a, signaling: [mine.url] },
        { festivalId: b, signaling: [theirs.url] },
      ],
    });
    await until(() => mine.topics.has(festivalTopic(a)) && theirs.topics.has(festivalTopic(b)), 'both festivals subscribed');
    assert.deepEqual(host.serverSets.sort(), [mine.url, theirs.url].sort());
    assert.equal(mine.topics.has(festivalTopic(b)), false, "the other site's topic never reached my server");
    assert.equal(theirs.topics.has(festivalTopic(a)), false, 'my topic never reached their server');
    // Their site revoked: festival b is left, their server's socket closes; mine stays.
    await host.configure({ festivals: [{ festivalId: a, signaling: [mine.url] }] });
    await until(() => theirs.open() === 0, "their server's socket closed");
    assert.deepEqual(host.serverSets, [mine.url]);
    assert.equal(mine.open(), 1);
  });
});
