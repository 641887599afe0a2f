/**
 * The network under replication: every connection to another peer is a `Transport`
 * (core/replication/transport.ts). Runs in web pages and in Node (pass the RTCPeerConnection
 * class of 'node-datachannel/polyfill' and the WebSocket class of 'ws').
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
export {
  WebRtcNetwork,
  type FestivalJoin,
  type PeerConnectionLike,
  type RTCPeerConnectionClass,
  type TransportInfo,
  type WebRtcNetworkOptions,
} from './webrtc-network.js';
export {
  BroadcastNetwork,
  type BroadcastChannelClass,
  type BroadcastChannelLike,
  type BroadcastNetworkOptions,
} from './broadcast-transport.js';
