/**
 * The network under replication: every connection to another peer is a `Transport`
 * (core/replication/transport.ts). Runs in web pages and in Node (pass the RTCPeerConnection
 * class of 'node-datachannel/polyfill' and the WebSocket class of 'ws').
 *
 * The rooms:
 * - festival-peer.ts: `FestivalPeer`, the one peer facade (a store, festivals, networks: join,
 *   configure, health, events), which the Node peer, the extension and the widgets use.
 * - festival-networks.ts: its WebRTC networks, one per set of signaling servers, and which
 *   festival uses which.
 * - webrtc-network.ts: `WebRtcNetwork`, peers of festivals found through signaling and
 *   connected over WebRTC; it ties the parts below together.
 * - remote-link.ts: the link to one remote peer (its RTCPeerConnection, data channels,
 *   pending ICE candidates and timers, closed in one place).
 * - festival-membership.ts: the festivals joined, who proved to be in which, announce timing
 *   and the limit on answering announces.
 * - festival-signaling.ts: the festivals' topics on every signaling server (encrypt, publish,
 *   receive in order, drop copies).
 * - peer-limits.ts: what a hostile peer can make the network hold (peer limits, admission,
 *   backoff).
 * - signaling.ts with signaling-topic.ts, signaling-messages.ts, signaling-crypto.ts and
 *   signaling-client.ts: the y-webrtc signaling protocol.
 * - datachannel-transport.ts: a `Transport` over one RTCDataChannel.
 * - broadcast-transport.ts: `BroadcastNetwork`, peers in one browser over BroadcastChannel.
 * - timers.ts (injectable clock and timers) and quiet-close.ts (teardown that must not throw).
 */
export { DataChannelTransport, type DataChannelLike, type DataChannelTransportOptions } from './datachannel-transport.js';
export {
  SignalingConnection,
  festivalTopic,
  deriveSignalingKey,
  encryptSignalingData,
  decryptSignalingData,
  encodeAny,
  decodeAny,
  parseSignalingMessage,
  isPeerId,
  type AnnounceMessage,
  type SignalMessage,
  type SignalingMessage,
  type SignalPayload,
  type SignalingConnectionOptions,
  type WebSocketClass,
  type WebSocketLike,
} from './signaling.js';
export { WebRtcNetwork, type FestivalJoin, type TransportInfo, type WebRtcNetworkOptions } from './webrtc-network.js';
export type { FestivalOverlayHealth, FestivalOverlayOptions } from './festival-overlay.js';
export type { PeerConnectionLike, RTCPeerConnectionClass } from './peer-connection.js';
export { BroadcastNetwork, type BroadcastChannelClass, type BroadcastChannelLike, type BroadcastNetworkOptions } from './broadcast-transport.js';
export { FestivalPeer, type FestivalPeerEvent, type FestivalPeerHealth, type FestivalPeerJoin, type FestivalPeerOptions } from './festival-peer.js';
