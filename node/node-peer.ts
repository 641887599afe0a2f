/**
 * The always-on Node peer: a SQLite store, the festival node and its replicator, and the
 * WebRTC network (node-datachannel) that finds peers through y-webrtc signaling, with the
 * signaling server itself started on request for a self-contained setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { WebSocket } from 'ws';
import { FestivalNode, hashingReady, Replicator, type Hash, type KeyPair, type ReplicationHealth } from '../core/index.js';
import { WebRtcNetwork, type RTCPeerConnectionClass, type WebSocketClass } from '../peer/index.js';
import { DataDir } from './data-dir.js';
import { SqliteStore } from './sqlite-store.js';

export interface NodePeerOptions {
  dataDir: string;
  /** Signaling servers (default: those in config.json). */
  signaling?: string[];
  /** Further festivals to join now (and remember). */
  festivals?: Hash[];
  /** Start y-webrtc's signaling server on this port (127.0.0.1 and every interface). */
  signalingPort?: number;
  /** Write status.json this often (ms; default 2,000; 0: never). */
  statusInterval?: number;
}

/** Starts the signaling server that ships in the y-webrtc package; resolves once it listens. */
export async function startSignalingServer(port: number): Promise<ChildProcess> {
  // y-webrtc's exports hide its bin/ folder: find it above the module's entry point.
  let directory = dirname(createRequire(import.meta.url).resolve('y-webrtc'));
  while (!existsSync(join(directory, 'bin', 'server.js')) && dirname(directory) !== directory) directory = dirname(directory);
  const script = join(directory, 'bin', 'server.js');
  const child = spawn(process.execPath, [script], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
  const started = new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the signaling server exited (${code}) before it listened`)));
  });
  await started;
  return child;
}

export class NodePeer {
  #statusTimer: ReturnType<typeof setInterval> | undefined;

  private constructor(
    readonly data: DataDir,
    readonly identity: KeyPair,
    readonly store: SqliteStore,
    readonly node: FestivalNode,
    readonly replicator: Replicator,
    readonly network: WebRtcNetwork,
    readonly signalingServer: ChildProcess | undefined,
    readonly signaling: string[],
  ) {}

  static async open(options: NodePeerOptions): Promise<NodePeer> {
    await hashingReady();
    const data = new DataDir(options.dataDir);
    const identity = data.identityOrCreate();
    for (const festival of options.festivals ?? []) data.join(festival);
    const config = data.config();
    const signalingServer = options.signalingPort === undefined ? undefined : await startSignalingServer(options.signalingPort);
    const signaling = options.signaling ?? (options.signalingPort === undefined ? config.signaling : [`ws://127.0.0.1:${options.signalingPort}`]);
    const store = new SqliteStore(data.databasePath);
    const node = new FestivalNode(store);
    const replicator = await Replicator.open(store, { festivals: config.festivals.map((festival) => festival.id) });
    node.onPublish((entry, operation) => void replicator.announce(entry, operation));
    replicator.on((event) => {
      if (event.type === 'entry') node.changed();
    });
    const network = new WebRtcNetwork({
      signaling,
      festivals: config.festivals.map((festival) => ({ festivalId: festival.id, secret: festival.secret })),
      RTCPeerConnection: RTCPeerConnection as unknown as RTCPeerConnectionClass,
      WebSocket: WebSocket as unknown as WebSocketClass,
      onTransport: (transport) => replicator.connect(transport),
    });
    const peer = new NodePeer(data, identity, store, node, replicator, network, signalingServer, signaling);
    const interval = options.statusInterval ?? 2000;
    if (interval > 0) {
      peer.#statusTimer = setInterval(() => peer.writeStatus(), interval);
      peer.#statusTimer.unref();
    }
    peer.writeStatus();
    return peer;
  }

  async join(festivalId: Hash, secret?: string): Promise<void> {
    this.data.join(festivalId, secret);
    this.replicator.join(festivalId);
    await this.network.join(festivalId, secret);
  }

  health(): ReplicationHealth {
    return this.replicator.health();
  }

  writeStatus(): void {
    this.data.writeStatus({ publicKey: this.identity.publicKey(), pid: process.pid, signaling: this.signaling, updatedAt: Date.now(), ...this.health() });
  }

  async close(): Promise<void> {
    clearInterval(this.#statusTimer);
    this.writeStatus();
    this.network.close();
    this.replicator.close();
    await this.replicator.idle();
    this.store.close();
    if (this.signalingServer && this.signalingServer.exitCode === null) {
      this.signalingServer.kill();
      await once(this.signalingServer, 'exit');
    }
  }
}
