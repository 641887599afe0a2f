/**
 * The always-on Node peer: a FestivalPeer (peer/festival-peer.ts) on a SQLite store, with the
 * festival node and the WebRTC network (node-datachannel) that finds peers through y-webrtc
 * signaling. Here only what is Node's: the data directory (its festivals in config.json, kept
 * in step with what other processes write), status.json, the signaling server itself,
 * started on request for a self-contained setup, and the HTTP server of the festivals'
 * schedule feeds (./feed-server.ts), on request too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { WebSocket } from 'ws';
import { FestivalNode, hashingReady, type Hash, type KeyPair, type Replicator } from '../core/index.js';
import {
  FestivalPeer,
  type FestivalPeerHealth,
  type FestivalPeerJoin,
  type RTCPeerConnectionClass,
  type WebRtcNetwork,
  type WebSocketClass,
} from '../peer/index.js';
import { DataDir, type FestivalSetting } from './data-dir.js';
import { startFeedServer, type FeedServer } from './feed-server.js';
import { FeedRevisions } from './feed-revisions.js';
import { FestivalFeeds } from './feeds.js';
import { SqliteStore } from './sqlite-store.js';

export interface NodePeerOptions {
  dataDir: string;
  /** Signaling servers (default: those in config.json). */
  signaling?: string[];
  /** Further festivals to join now (and remember). */
  festivals?: Hash[];
  /** Start y-webrtc's signaling server on this port (127.0.0.1 and every interface). */
  signalingPort?: number;
  /**
   * Hold this many neighbours per festival (a hub), instead of the default 5, with room for
   * two connections being set up; a hub also always answers newcomers on the signaling server.
   */
  neighbours?: number;
  /** Write status.json this often (ms; default 2,000; 0: never). */
  statusInterval?: number;
  /**
   * Look this often (ms; default 1,000; 0: never) for what other processes wrote to the data
   * directory: entries in the store (`panda festival create`, `panda import`, ...), which go
   * to peers, and festivals joined or left in config.json.
   */
  watchInterval?: number;
  /**
   * Serve every festival's schedule feeds over HTTP here (port 0: any free one; host default
   * 127.0.0.1). Festivals joined with a secret are not served, nor those nested in them.
   */
  http?: { port: number; host?: string };
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
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the signaling server exited (${code}) before it listened`)));
  });
  await started;
  return child;
}

async function stopSignalingServer(server: ChildProcess | undefined): Promise<void> {
  if (!server || server.exitCode !== null) return;
  server.kill();
  await once(server, 'exit');
}

/** config.json's festivals as the peer takes them. */
const joinsOf = (festivals: readonly FestivalSetting[]): FestivalPeerJoin[] =>
  festivals.map((festival) => (festival.secret === undefined ? { festivalId: festival.id } : { festivalId: festival.id, secret: festival.secret }));

export class NodePeer {
  #statusTimer: ReturnType<typeof setInterval> | undefined;
  #watchTimer: ReturnType<typeof setInterval> | undefined;
  #watching: Promise<void> | undefined;
  #dataVersion: number | undefined;
  #feedServer: FeedServer | undefined;

  private constructor(
    readonly data: DataDir,
    readonly identity: KeyPair,
    readonly store: SqliteStore,
    readonly node: FestivalNode,
    readonly festivalPeer: FestivalPeer,
    readonly signalingServer: ChildProcess | undefined,
    readonly signaling: string[],
  ) {}

  /** The schedule feeds' HTTP server, when `http` was asked for. */
  get feedServer(): FeedServer | undefined {
    return this.#feedServer;
  }

  get replicator(): Replicator {
    return this.festivalPeer.replicator;
  }

  /** The network of this peer's signaling servers (every festival meets through it). */
  get network(): WebRtcNetwork {
    return this.festivalPeer.network!;
  }

  static async open(options: NodePeerOptions): Promise<NodePeer> {
    await hashingReady();
    const data = new DataDir(options.dataDir);
    const identity = data.identityOrCreate();
    for (const festival of options.festivals ?? []) data.join(festival);
    const config = data.config();
    // The store first: a damaged one (STORE_CORRUPT) stops here, before anything is started.
    const store = new SqliteStore(data.databasePath);
    const node = new FestivalNode(store);
    const signaling = options.signaling ?? (options.signalingPort === undefined ? config.signaling : [`ws://127.0.0.1:${options.signalingPort}`]);
    let signalingServer: ChildProcess | undefined;
    let festivalPeer: FestivalPeer;
    try {
      signalingServer = options.signalingPort === undefined ? undefined : await startSignalingServer(options.signalingPort);
      festivalPeer = await FestivalPeer.open({
        store,
        node,
        signaling,
        festivals: joinsOf(config.festivals),
        webrtc: {
          RTCPeerConnection: RTCPeerConnection as unknown as RTCPeerConnectionClass,
          WebSocket: WebSocket as unknown as WebSocketClass,
          ...(options.neighbours === undefined
            ? {}
            : { maxPeers: options.neighbours + 2, overlay: { activeTarget: options.neighbours, maxActive: options.neighbours, alwaysListen: true } }),
        },
      });
    } catch (error) {
      store.close();
      await stopSignalingServer(signalingServer);
      throw error;
    }
    const peer = new NodePeer(data, identity, store, node, festivalPeer, signalingServer, signaling);
    if (options.http) {
      try {
        peer.#feedServer = await startFeedServer({ ...options.http, feeds: peer.#feeds() });
      } catch (error) {
        await peer.close();
        throw error;
      }
    }
    const interval = options.statusInterval ?? 2000;
    if (interval > 0) {
      peer.#statusTimer = setInterval(() => peer.writeStatus(), interval);
      peer.#statusTimer.unref();
    }
    peer.writeStatus();
    const watch = options.watchInterval ?? 1000;
    if (watch > 0) {
      peer.#dataVersion = store.dataVersion();
      peer.#watchTimer = setInterval(() => {
        peer.#watching ??= peer.catchUp().finally(() => (peer.#watching = undefined));
      }, watch);
      peer.#watchTimer.unref();
    }
    return peer;
  }

  /**
   * Takes in what other processes wrote to the data directory: entries stored since (passed
   * on to peers as if published here) and the festivals config.json lists now. Errors are
   * left for the next look (a config.json being edited by hand, say).
   */
  /** The festivals' schedule feeds, remembered in feeds.json; festivals joined with a secret stay private. */
  #feeds(): FestivalFeeds {
    const revisions = new FeedRevisions({ load: () => this.data.feedRevisions(), save: (value) => this.data.saveFeedRevisions(value) });
    const hidden = (festivalId: Hash) => this.festivalPeer.configured.some((festival) => festival.festivalId === festivalId && festival.secret !== undefined);
    return new FestivalFeeds(this.node, { revisions, hidden });
  }

  async catchUp(): Promise<void> {
    try {
      const version = this.store.dataVersion();
      if (version !== this.#dataVersion) {
        this.#dataVersion = version;
        for (const log of await this.store.getLogs()) {
          const held = this.replicator.heldSeq(log.publicKey, log.logId);
          if (log.latestSeqNum <= held) continue;
          for (const entry of await this.store.getEntries(log.publicKey, log.logId, held + 1)) {
            const operation = await this.store.getOperation(entry.hash);
            if (operation) await this.replicator.announce(entry.bytes, operation.bytes);
          }
        }
      }
      // Does nothing for festivals joined with this secret already; a changed secret joins anew.
      await this.festivalPeer.configure(joinsOf(this.data.config().festivals));
    } catch {
      // Looked at again on the next tick.
    }
  }

  async join(festivalId: Hash, secret?: string): Promise<void> {
    this.data.join(festivalId, secret);
    const others = this.festivalPeer.configured.filter((festival) => festival.festivalId !== festivalId);
    await this.festivalPeer.configure([...others, { festivalId, secret }]);
  }

  health(): FestivalPeerHealth {
    return this.festivalPeer.health();
  }

  writeStatus(): void {
    this.data.writeStatus({ publicKey: this.identity.publicKey(), pid: process.pid, signaling: this.signaling, updatedAt: Date.now(), ...this.health() });
  }

  async close(): Promise<void> {
    await this.#feedServer?.close();
    clearInterval(this.#statusTimer);
    clearInterval(this.#watchTimer);
    await this.#watching;
    this.writeStatus();
    this.festivalPeer.close();
    await this.festivalPeer.idle();
    this.store.close();
    await stopSignalingServer(this.signalingServer);
  }
}
