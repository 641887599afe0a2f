/**
 * The overlay channel's frames on their own: overlay messages pass through untouched,
 * relayed signals round-trip, and every malformed frame a hostile neighbour can send is
 * refused with its own code instead of reaching the overlay or the signaling handler.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPandaError } from '../../core/errors.js';
import { MAX_FRAME_SIZE } from '../../core/replication/transport.js';
import {
  decodeOverlayFrame,
  encodeOverlayFrame,
  encodeSignalFrame,
  MAX_RELAY_HOPS,
  overlayLabel,
  topicOfLabel,
  type RelayedSignal,
} from '../../peer/overlay-frames.js';

const utf8 = new TextEncoder();
const signalFrame = (body: string) => Uint8Array.from([2, ...utf8.encode(body)]);

function refusedWith(frame: Uint8Array, code: string) {
  assert.throws(
    () => decodeOverlayFrame(frame),
    (error: unknown) => isPandaError(error) && error.code === code,
  );
}

describe('overlay frames', () => {
  it('labels an overlay channel by its topic and reads the topic back from either label', () => {
    assert.equal(overlayLabel('festival-abc'), 'overlay:festival-abc');
    assert.equal(topicOfLabel(overlayLabel('festival-abc')), 'festival-abc');
    assert.equal(topicOfLabel('festival-abc'), 'festival-abc');
  });

  it('carries an overlay message byte for byte behind its tag', () => {
    const message = Uint8Array.from([7, 0, 255, 3]);
    const frame = encodeOverlayFrame(message);
    assert.equal(frame[0], 1);
    const decoded = decodeOverlayFrame(frame);
    assert.equal(decoded.kind, 'overlay');
    assert.deepEqual(decoded.kind === 'overlay' && [...decoded.bytes], [...message]);
  });

  it('round-trips a relayed signal, with a string or an object as its data', () => {
    for (const data of ['c2VjcmV0', { type: 'signal', from: 'peer-a', signal: { sdp: 'v=0' } }]) {
      const signal: RelayedSignal = { from: 'peer-a', to: 'peer-b', ttl: MAX_RELAY_HOPS, data };
      const frame = encodeSignalFrame(signal);
      assert.ok(frame);
      assert.deepEqual(decodeOverlayFrame(frame), { kind: 'signal', signal });
    }
  });

  it('will not make a signal frame larger than a transport frame (it goes through the server instead)', () => {
    const big: RelayedSignal = { from: 'peer-a', to: 'peer-b', ttl: 3, data: 'x'.repeat(MAX_FRAME_SIZE) };
    assert.equal(encodeSignalFrame(big), undefined);
  });

  it('refuses an empty frame and an unknown tag', () => {
    refusedWith(new Uint8Array(0), 'OVERLAY_MESSAGE_TRUNCATED');
    refusedWith(Uint8Array.from([3, 1, 2]), 'OVERLAY_MESSAGE_TYPE_UNKNOWN');
    refusedWith(Uint8Array.from([0]), 'OVERLAY_MESSAGE_TYPE_UNKNOWN');
  });

  it('refuses a signal that is not UTF-8 JSON, or not an object', () => {
    refusedWith(Uint8Array.from([2, 0xff, 0xfe]), 'OVERLAY_FIELD_INVALID');
    refusedWith(signalFrame('{"from":'), 'OVERLAY_FIELD_INVALID');
    refusedWith(signalFrame('[1,2]'), 'OVERLAY_FIELD_INVALID');
    refusedWith(signalFrame('null'), 'OVERLAY_FIELD_INVALID');
  });

  it('refuses a signal whose peers are not peer ids', () => {
    refusedWith(signalFrame(JSON.stringify({ from: '', to: 'peer-b', ttl: 1, data: 'x' })), 'OVERLAY_PEER_ID_INVALID');
    refusedWith(signalFrame(JSON.stringify({ from: 'peer-a', to: 'has space', ttl: 1, data: 'x' })), 'OVERLAY_PEER_ID_INVALID');
    refusedWith(signalFrame(JSON.stringify({ from: 'peer-a', to: 7, ttl: 1, data: 'x' })), 'OVERLAY_PEER_ID_INVALID');
  });

  it('refuses a hop count outside 0 to MAX_RELAY_HOPS, so a relay cannot be made to loop', () => {
    for (const ttl of [-1, MAX_RELAY_HOPS + 1, 1.5, '2', null]) {
      refusedWith(signalFrame(JSON.stringify({ from: 'peer-a', to: 'peer-b', ttl, data: 'x' })), 'OVERLAY_FIELD_INVALID');
    }
    assert.equal(decodeOverlayFrame(signalFrame(JSON.stringify({ from: 'peer-a', to: 'peer-b', ttl: 0, data: 'x' }))).kind, 'signal');
  });

  it('refuses a signal without a message to carry', () => {
    for (const data of [undefined, 5, null, ['x']]) {
      refusedWith(signalFrame(JSON.stringify({ from: 'peer-a', to: 'peer-b', ttl: 1, data })), 'OVERLAY_FIELD_INVALID');
    }
  });
});
