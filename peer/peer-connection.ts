/**
 * What Panda Kit needs of a WebRTC implementation: browsers' RTCPeerConnection and
 * node-datachannel's polyfill both have it, so the network takes either as a constructor.
 */
import type { DataChannelLike } from './datachannel-transport.js';

/** The part of an RTCPeerConnection the network uses (the two implementations' event types differ, hence `never`). */
export interface PeerConnectionLike {
  readonly connectionState: RTCPeerConnectionState;
  readonly signalingState: RTCSignalingState;
  readonly localDescription: { readonly sdp: string } | null;
  readonly iceGatheringState?: RTCIceGatheringState;
  onicecandidate: ((event: never) => void) | null;
  onconnectionstatechange: ((event: never) => void) | null;
  ondatachannel: ((event: never) => void) | null;
  createOffer(): Promise<RTCSessionDescriptionInit>;
  createAnswer(): Promise<RTCSessionDescriptionInit>;
  setLocalDescription(description: RTCSessionDescriptionInit): Promise<void>;
  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void>;
  addIceCandidate(candidate: RTCIceCandidateInit): Promise<void>;
  createDataChannel(label: string, init?: RTCDataChannelInit): DataChannelLike;
  close(): void;
}

export type RTCPeerConnectionClass = new (configuration?: RTCConfiguration) => PeerConnectionLike;

/** What `onicecandidate` is given (the null candidate ends gathering). */
export interface IceCandidateEvent {
  candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null; usernameFragment?: string | null } | null;
}
