/**
 * A y-webrtc signaling server stand-in (ws) that records what peers subscribe to and publish
 * and never answers: no peer ever shows up, so no RTCPeerConnection is made. For the tests of
 * which festival topics reach which servers (the extension's peer host, the FestivalPeer).
 */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface RecordingServer {
  url: string;
  /** Topics subscribed to or published in, ever. */
  topics: Set<string>;
  /** Topics subscribed to now, over every socket. */
  subscribed: () => Set<string>;
  /** Sockets open now. */
  open: () => number;
  close: () => Promise<void>;
}

export async function recordingServer(): Promise<RecordingServer> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  const topics = new Set<string>();
  const bySocket = new Map<WebSocket, Set<string>>();
  server.on('connection', (socket) => {
    const mine = new Set<string>();
    bySocket.set(socket, mine);
    socket.on('close', () => bySocket.delete(socket));
    socket.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString()) as { type: string; topics?: string[]; topic?: string };
      for (const topic of message.type === 'subscribe' ? (message.topics ?? []) : []) {
        topics.add(topic);
        mine.add(topic);
      }
      if (message.type === 'unsubscribe') for (const topic of message.topics ?? []) mine.delete(topic);
      if (message.type === 'publish' && message.topic) topics.add(message.topic);
      if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
    });
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    topics,
    subscribed: () => new Set([...bySocket.values()].flatMap((set) => [...set])),
    open: () => [...server.clients].filter((client) => client.readyState === WebSocket.OPEN).length,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Polls `condition` every 20 ms for up to 10 s. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
