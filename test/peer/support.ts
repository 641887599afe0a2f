/**
 * Helpers for the network tests: a y-webrtc signaling server (node_modules/y-webrtc/bin/server.js)
 * in a child process on a free port, raw WebSocket clients, waiting with timeouts, and closing
 * what a test with Chromium pages started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import nodeDataChannel from 'node-datachannel';
import { WebSocket } from 'ws';
import type { Transport } from '../../core/replication/transport.js';
import type { TransportInfo } from '../../peer/index.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVER = fileURLToPath(new URL('../../node_modules/y-webrtc/bin/server.js', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * node-datachannel's native threads can outlive every closed connection and keep a process
 * from exiting (murat-dogan/node-datachannel#349); a test file that used it ends with this.
 */
export function releaseNodeDataChannel(): void {
  nodeDataChannel.cleanup();
}

export interface SignalingServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** Starts y-webrtc's own signaling server; resolves once it listens. */
export async function startSignalingServer(port?: number): Promise<SignalingServer> {
  const chosen = port ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, [SERVER], {
    env: { ...process.env, PORT: String(chosen) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Signaling server running')) resolve();
      });
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('exit', (code) => reject(new Error(`signaling server exited (${code}): ${output}`)));
    }),
    10_000,
    'signaling server start',
  );
  // The log line comes before listen() finished binding on some systems: wait for a socket.
  await withTimeout(waitForPort(`ws://127.0.0.1:${chosen}`), 5_000, 'signaling server port');
  return {
    port: chosen,
    url: `ws://127.0.0.1:${chosen}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
      }),
  };
}

async function waitForPort(url: string): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new WebSocket(url);
      socket.on('open', () => {
        socket.close();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` every 100 ms until it holds; rejects naming `what` after `ms`. */
export async function waitFor(condition: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** What a test with Chromium pages and a Node peer started, closed in order (each part may be missing). */
export async function closeRun(run: {
  browser?: { close(): Promise<void> } | undefined;
  peer?: { close(): Promise<void> } | undefined;
  http?: Server | undefined;
  signaling?: SignalingServer | undefined;
  dirs?: readonly string[];
}): Promise<void> {
  await run.browser?.close();
  await run.peer?.close();
  const closed = new Promise<void>((resolve) => (run.http ? run.http.close(() => resolve()) : resolve()));
  run.http?.closeAllConnections();
  await closed;
  await run.signaling?.stop();
  for (const dir of run.dirs ?? []) rmSync(dir, { recursive: true, force: true });
  releaseNodeDataChannel();
}

/** A raw client of the signaling server: sees everything published in its topics. */
export class RawClient {
  readonly received: Array<{ topic: string; data: unknown }> = [];
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      try {
        const message = JSON.parse((raw as Buffer).toString()) as { type?: string; topic?: string; data?: unknown };
        if (message.type === 'publish' && typeof message.topic === 'string') {
          this.received.push({ topic: message.topic, data: message.data });
        }
      } catch {
        // ignore
      }
    });
  }

  static async connect(url: string, topics: string[]): Promise<RawClient> {
    const socket = new WebSocket(url);
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      }),
      5_000,
      'raw client connect',
    );
    socket.send(JSON.stringify({ type: 'subscribe', topics }));
    await sleep(50);
    return new RawClient(socket);
  }

  publish(topic: string, data: unknown): void {
    this.socket.send(JSON.stringify({ type: 'publish', topic, data }));
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  close(): void {
    this.socket.close();
  }
}

/** Collects what a network reports to `onTransport`; `next()` waits for the next one. */
export class TransportQueue {
  readonly all: Array<{ transport: Transport; info: TransportInfo }> = [];
  #waiting: Array<(entry: { transport: Transport; info: TransportInfo }) => void> = [];
  #taken = 0;

  readonly push = (transport: Transport, info: TransportInfo): void => {
    const entry = { transport, info };
    this.all.push(entry);
    const waiter = this.#waiting.shift();
    if (waiter) {
      this.#taken++;
      waiter(entry);
    }
  };

  next(ms = 15_000, what = 'transport'): Promise<{ transport: Transport; info: TransportInfo }> {
    if (this.#taken < this.all.length) return Promise.resolve(this.all[this.#taken++]!);
    return withTimeout(new Promise((resolve) => this.#waiting.push(resolve)), ms, what);
  }
}

/** Resolves when `transport.onClose` fires (sets it). */
export function closed(transport: Transport, ms = 15_000): Promise<void> {
  return withTimeout(
    new Promise<void>((resolve) => {
      transport.onClose = () => resolve();
    }),
    ms,
    'onClose',
  );
}

/** Resolves with the first frame to arrive (sets onFrame). */
export function nextFrame(transport: Transport, ms = 10_000): Promise<Uint8Array> {
  return withTimeout(
    new Promise<Uint8Array>((resolve) => {
      transport.onFrame = (frame) => resolve(frame);
    }),
    ms,
    'frame',
  );
}

/** A frame whose bytes depend on its index: the first four hold the index. */
export function patternFrame(index: number, size: number): Uint8Array {
  const frame = new Uint8Array(size);
  new DataView(frame.buffer).setUint32(0, index);
  let x = (index * 2654435761) >>> 0 || 1;
  for (let i = 4; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    frame[i] = x & 0xff;
  }
  return frame;
}

export function checkPatternFrame(frame: Uint8Array, index: number, size: number): boolean {
  if (frame.length !== size) return false;
  const expected = patternFrame(index, size);
  for (let i = 0; i < size; i++) if (frame[i] !== expected[i]) return false;
  return true;
}
