/**
 * What replication needs of a connection to one other peer: frames both ways, and a way to
 * wait while the outgoing buffer is full. WebRTC data channels, BroadcastChannel and the
 * in-memory links of the simulation tests all fit; core never touches the real thing.
 */
export interface Transport {
  /** The other peer's id as the transport knows it (signaling peer id, tab id, ...). */
  readonly remoteId: string;
  /** Bytes handed to `send` and not yet on their way (RTCDataChannel.bufferedAmount). */
  readonly bufferedAmount: number;
  /** Sends one frame of at most `MAX_FRAME_SIZE` bytes. Frames may be dropped only if the transport is unreliable. */
  send(frame: Uint8Array): void;
  /** Resolves once `bufferedAmount` is at or below `threshold` (or the transport closed). */
  drained(threshold: number): Promise<void>;
  /** Closes the connection; `onClose` fires once, whoever closed it. */
  close(): void;
  /** Set by the replicator: called with every frame that arrives. */
  onFrame: ((frame: Uint8Array) => void) | undefined;
  /** Set by the replicator: called once when the connection is gone. */
  onClose: (() => void) | undefined;
}

/** The largest frame replication sends (the portable size for RTCDataChannel messages). */
export const MAX_FRAME_SIZE = 16 * 1024;
