/**
 * A WebSocket proxy in front of a signaling server that counts what the server relays: every
 * `publish` it sends to a client (y-webrtc's server sends each publish to every subscriber of
 * the topic, the sender included). The server itself stays y-webrtc's own, unchanged.
 */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

/** A frame as text (a Buffer, or a list of them). */
const text = (data: RawData): string => (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)).toString();

export interface CountingProxy {
  url: string;
  /** Publishes the server delivered to clients so far. */
  readonly relayed: number;
  reset(): void;
  close(): Promise<void>;
}

export async function countingProxy(target: string): Promise<CountingProxy> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  let relayed = 0;
  server.on('connection', (client) => {
    const upstream = new WebSocket(target);
    const queued: RawData[] = [];
    upstream.on('open', () => {
      for (const data of queued.splice(0)) upstream.send(text(data));
    });
    client.on('message', (data) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text(data));
      else queued.push(data);
    });
    upstream.on('message', (data) => {
      const message = text(data);
      if ((JSON.parse(message) as { type?: unknown }).type === 'publish') relayed++;
      if (client.readyState === WebSocket.OPEN) client.send(message);
    });
    const end = () => {
      client.close();
      upstream.close();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get relayed() {
      return relayed;
    },
    reset: () => (relayed = 0),
    close: () =>
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
