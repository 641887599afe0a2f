/**
 * The overlay's messages: every kind round-trips through its binary form, and malformed
 * bytes are refused with the stable OVERLAY_ codes (never decoded into something else).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeOverlayMessage, encodeOverlayMessage, HyParView, MAX_OVERLAY_MESSAGE_SIZE, type OverlayMessage } from '../../core/index.js';
import { MAX_SHUFFLE_PEERS, MAX_WALK } from '../../core/overlay/messages.js';

const longId = 'a'.repeat(128);
const messages: OverlayMessage[] = [
  { type: 'join' },
  { type: 'forward-join', peer: 'peer-1', ttl: 6 },
  { type: 'forward-join', peer: longId, ttl: MAX_WALK },
  { type: 'neighbor', priority: 'high' },
  { type: 'neighbor', priority: 'low' },
  { type: 'neighbor-reply', accepted: true },
  { type: 'neighbor-reply', accepted: false },
  { type: 'disconnect' },
  { type: 'shuffle', id: 0xffffffff, origin: 'o.r:i_g-in', ttl: 0, peers: [] },
  { type: 'shuffle', id: 7, origin: 'x', ttl: 4, peers: Array.from({ length: MAX_SHUFFLE_PEERS }, (_, i) => `${longId.slice(3)}${i}`) },
  { type: 'shuffle-reply', id: 1234, peers: ['a', 'b', 'c'] },
];

function refused(bytes: Uint8Array | number[], code: string): void {
  assert.throws(
    () => decodeOverlayMessage(Uint8Array.from(bytes)),
    (error: { code?: string }) => error.code === code,
  );
}

describe('overlay messages', () => {
  test('every message round-trips, compactly', () => {
    for (const message of messages) {
      const bytes = encodeOverlayMessage(message);
      assert.ok(bytes.length <= MAX_OVERLAY_MESSAGE_SIZE);
      assert.deepEqual(decodeOverlayMessage(bytes), message);
    }
    assert.equal(encodeOverlayMessage({ type: 'join' }).length, 1);
    assert.equal(encodeOverlayMessage({ type: 'forward-join', peer: 'a'.repeat(32), ttl: 6 }).length, 35);
  });

  test('malformed bytes are refused with stable codes', () => {
    refused([], 'OVERLAY_MESSAGE_TRUNCATED');
    refused([0], 'OVERLAY_MESSAGE_TYPE_UNKNOWN');
    refused([8], 'OVERLAY_MESSAGE_TYPE_UNKNOWN');
    refused([1, 0], 'OVERLAY_MESSAGE_TRAILING_BYTES');
    refused([2, 3, 97, 98], 'OVERLAY_MESSAGE_TRUNCATED');
    refused([2, 0, 6], 'OVERLAY_PEER_ID_INVALID');
    refused([2, 129, ...new Array<number>(129).fill(97), 1], 'OVERLAY_PEER_ID_INVALID');
    refused([2, 1, 0x20, 6], 'OVERLAY_PEER_ID_INVALID');
    refused([2, 1, 0xc3, 6], 'OVERLAY_PEER_ID_INVALID');
    refused([2, 1, 97, MAX_WALK + 1], 'OVERLAY_FIELD_INVALID');
    refused([3, 2], 'OVERLAY_FIELD_INVALID');
    refused([4, 255], 'OVERLAY_FIELD_INVALID');
    refused([7, 0, 0, 0, 1, MAX_SHUFFLE_PEERS + 1], 'OVERLAY_FIELD_INVALID');
    refused([7, 0, 0, 0, 1, 2, 1, 97, 1, 97], 'OVERLAY_FIELD_INVALID');
    refused([6, 0, 0, 0], 'OVERLAY_MESSAGE_TRUNCATED');
    refused(new Array<number>(MAX_OVERLAY_MESSAGE_SIZE + 1).fill(1), 'OVERLAY_MESSAGE_TOO_LARGE');
  });

  test('nothing invalid is encoded', () => {
    const codeOf = (message: OverlayMessage) => {
      try {
        encodeOverlayMessage(message);
      } catch (error) {
        return (error as { code?: string }).code;
      }
      return undefined;
    };
    assert.equal(codeOf({ type: 'forward-join', peer: 'no spaces', ttl: 1 }), 'OVERLAY_PEER_ID_INVALID');
    assert.equal(codeOf({ type: 'forward-join', peer: 'a', ttl: MAX_WALK + 1 }), 'OVERLAY_FIELD_INVALID');
    assert.equal(codeOf({ type: 'shuffle-reply', id: 1, peers: ['a', 'a'] }), 'OVERLAY_FIELD_INVALID');
    assert.equal(codeOf({ type: 'shuffle-reply', id: -1, peers: [] }), 'OVERLAY_FIELD_INVALID');
  });

  test('options out of bounds are refused', () => {
    const base = { self: 'me', now: () => 0, random: () => 0.5 };
    for (const bad of [
      { activeTarget: 0 },
      { activeTarget: 5, maxActive: 4 },
      { passiveWalk: 7 },
      { activeWalk: MAX_WALK + 1 },
      { shufflePassive: 40 },
      { maxPending: 1.5 },
      { turnoverInterval: 0 },
    ]) {
      assert.throws(
        () => new HyParView({ ...base, ...bad }),
        (error: { code?: string }) => error.code === 'OVERLAY_OPTIONS_INVALID',
      );
    }
  });
});
