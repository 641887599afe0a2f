/**
 * Peer discovery through y-webrtc signaling servers (y-webrtc 10.x, `bin/server.js`, and any
 * server speaking the same protocol):
 *
 * - client to server, JSON text over WebSocket: `{type:'subscribe', topics}`,
 *   `{type:'unsubscribe', topics}`, `{type:'publish', topic, data}`, `{type:'ping'}`;
 * - server to client: every `publish` goes to all subscribers of the topic, the sender
 *   included (the server adds `clients`); `{type:'pong'}` answers a ping;
 * - inside a topic, y-webrtc peers publish as `data` `{type:'announce', from}` and
 *   `{type:'signal', from, to, token?, signal}` where `signal` is simple-peer's signal object
 *   (`{type:'offer'|'answer', sdp}` or `{type:'candidate', candidate:{candidate, sdpMid,
 *   sdpMLineIndex}}`);
 * - with a room password, `data` is instead a base64 string: lib0 `writeAny` of the message,
 *   encrypted with AES-GCM (random 12-byte IV) under a key derived with PBKDF2-SHA256
 *   (100,000 iterations) from the password, with the UTF-8 room name (here: the topic) as
 *   salt; the ciphertext is wrapped as lib0 `varString('AES-GCM') varUint8Array(iv)
 *   varUint8Array(ciphertext)`. This mirrors y-webrtc's src/crypto.js byte for byte.
 *
 * Panda Kit adds two optional fields y-webrtc ignores: `to` on an announce (an announce meant
 * for one peer) and `session` (random per network instance, so a peer restarted with the
 * same id is noticed).
 *
 * The parts, one file each: signaling-topic.ts (a festival's topic), signaling-messages.ts
 * (message shapes and checks, lib0 encoding), signaling-crypto.ts (the room-password
 * encryption) and signaling-client.ts (the WebSocket to one server).
 */
export { festivalTopic } from './signaling-topic.js';
export {
  decodeAny,
  encodeAny,
  isPeerId,
  parseSignalingMessage,
  type AnnounceMessage,
  type SignalMessage,
  type SignalPayload,
  type SignalingMessage,
} from './signaling-messages.js';
export { decryptSignalingData, deriveSignalingKey, encryptSignalingData } from './signaling-crypto.js';
export { SignalingConnection, type SignalingConnectionOptions, type WebSocketClass, type WebSocketLike } from './signaling-client.js';
