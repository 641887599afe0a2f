/**
 * The WebSocket client of one y-webrtc signaling server (y-webrtc 10.x `bin/server.js`, or
 * any server speaking the same protocol; see signaling.ts): subscribes to topics, publishes,
 * keeps the socket alive with pings and reconnects with backoff.
 */
import { PandaError } from '../core/errors.js';
import { closeQuietly } from './quiet-close.js';
import { isRecord } from './signaling-messages.js';
import { systemTimers, type Timers } from './timers.js';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Throws `INPUT_INVALID` unless `url` is a ws: or wss: URL. */
export function checkSignalingUrl(url: unknown): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(String(url)).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'ws:' && protocol !== 'wss:') {
    throw new PandaError('INPUT_INVALID', `A signaling URL must start with ws: or wss: (${String(url)})`, { url });
  }
}

/** The part of a WebSocket the signaling client uses (browsers' WebSocket, `ws`). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

export type WebSocketClass = new (url: string) => WebSocketLike;

export interface SignalingConnectionOptions {
  /** WebSocket class; default `globalThis.WebSocket`. In Node: `WebSocket` from 'ws'. */
  WebSocket?: WebSocketClass | undefined;
  /** First reconnect delay; it doubles (with jitter) up to `maxReconnectDelayMs`. Default 500. */
  minReconnectDelayMs?: number | undefined;
  /** Default 30,000. */
  maxReconnectDelayMs?: number | undefined;
  /** A `{type:'ping'}` goes out this often; no message for 3 intervals reconnects. Default 15,000. */
  pingIntervalMs?: number | undefined;
  /** Clock and timers; default the globals. */
  timers?: Timers | undefined;
}

const OPEN = 1;
/** Messages from the server larger than this are dropped unread. */
const MAX_SERVER_MESSAGE = 512 * 1024;

/**
 * One WebSocket to one y-webrtc signaling server, reconnecting with exponential backoff until
 * `close()`. Remembers its topics and subscribes again after every reconnect. Whatever the
 * server sends is untrusted: malformed messages are dropped and nothing throws out of a
 * socket handler.
 */
export class SignalingConnection {
  readonly url: string;
  /** Called on every (re)connection, after the topics were subscribed again. */
  onOpen: (() => void) | undefined = undefined;
  /** Called with the topic and the (still untrusted) `data` of every `publish` received. */
  onPublish: ((topic: string, data: unknown) => void) | undefined = undefined;
  /** Called when the socket is lost (a reconnect is scheduled unless closed). */
  onDisconnect: (() => void) | undefined = undefined;
  /** Diagnostics: `SIGNALING_FAILED` (connection problems) and `SIGNALING_MESSAGE_INVALID`. */
  onError: ((error: PandaError) => void) | undefined = undefined;

  readonly #WebSocket: WebSocketClass;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  readonly #pingInterval: number;
  readonly #timers: Timers;
  readonly #topics = new Set<string>();
  #socket: WebSocketLike | undefined;
  #closed = false;
  #attempt = 0;
  #reconnectTimer: unknown;
  #pingTimer: unknown;
  #lastMessage = 0;

  constructor(url: string, options: SignalingConnectionOptions = {}) {
    checkSignalingUrl(url);
    const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketClass }).WebSocket;
    if (!WebSocketClass) {
      throw new PandaError('SIGNALING_FAILED', 'No WebSocket class: pass one (in Node: WebSocket from "ws")');
    }
    this.url = url;
    this.#WebSocket = WebSocketClass;
    this.#minDelay = options.minReconnectDelayMs ?? 500;
    this.#maxDelay = options.maxReconnectDelayMs ?? 30_000;
    this.#pingInterval = options.pingIntervalMs ?? 15_000;
    this.#timers = options.timers ?? systemTimers;
    this.#connect();
  }

  /** Whether the socket is open right now. */
  get connected(): boolean {
    return this.#socket?.readyState === OPEN;
  }

  subscribe(topics: readonly string[]): void {
    const fresh = topics.filter((topic) => !this.#topics.has(topic));
    for (const topic of fresh) this.#topics.add(topic);
    if (fresh.length > 0) this.#send({ type: 'subscribe', topics: fresh });
  }

  unsubscribe(topics: readonly string[]): void {
    const known = topics.filter((topic) => this.#topics.delete(topic));
    if (known.length > 0) this.#send({ type: 'unsubscribe', topics: known });
  }

  /** Publishes `data` in `topic`; returns false (and drops it) while disconnected. */
  publish(topic: string, data: unknown): boolean {
    return this.#send({ type: 'publish', topic, data });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#topics.size > 0) this.#send({ type: 'unsubscribe', topics: [...this.#topics] });
    this.#topics.clear();
    this.#timers.clearTimeout(this.#reconnectTimer);
    this.#stopPing();
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) this.#detach(socket);
  }

  #send(message: unknown): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== OPEN) return false;
    try {
      socket.send(JSON.stringify(message));
      return true;
    } catch {
      return false;
    }
  }

  #connect(): void {
    if (this.#closed) return;
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(this.url);
    } catch (error) {
      this.#report('SIGNALING_FAILED', `Cannot open a WebSocket to ${this.url}: ${String(error)}`);
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      this.#attempt = 0;
      this.#lastMessage = this.#timers.now();
      if (this.#topics.size > 0) this.#send({ type: 'subscribe', topics: [...this.#topics] });
      this.#startPing();
      this.#call(this.onOpen);
    };
    socket.onmessage = (event: { data: unknown }) => {
      if (this.#socket !== socket) return;
      this.#lastMessage = this.#timers.now();
      try {
        this.#receive(event.data);
      } catch {
        // never throw out of a socket handler
      }
    };
    socket.onerror = () => {
      // onclose follows and reconnects; browsers give no detail here
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#stopPing();
      this.#report('SIGNALING_FAILED', `Signaling connection to ${this.url} lost`);
      this.#call(this.onDisconnect);
      this.#scheduleReconnect();
    };
  }

  #receive(raw: unknown): void {
    let text: string;
    if (typeof raw === 'string') text = raw;
    else if (raw instanceof ArrayBuffer || ArrayBuffer.isView(raw)) {
      const bytes = raw instanceof ArrayBuffer ? new Uint8Array(raw) : new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
      if (bytes.length > MAX_SERVER_MESSAGE) return this.#invalid('too large');
      try {
        text = utf8Decoder.decode(bytes);
      } catch {
        return this.#invalid('not UTF-8');
      }
    } else return this.#invalid('not text');
    if (text.length > MAX_SERVER_MESSAGE) return this.#invalid('too large');
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return this.#invalid('not JSON');
    }
    if (!isRecord(message)) return this.#invalid('not an object');
    if (message['type'] === 'pong') return;
    if (message['type'] !== 'publish') return;
    const topic = message['topic'];
    if (typeof topic !== 'string' || !this.#topics.has(topic)) return;
    const handler = this.onPublish;
    if (handler) handler(topic, message['data']);
  }

  #invalid(why: string): void {
    this.#report('SIGNALING_MESSAGE_INVALID', `Ignored a message from ${this.url}: ${why}`);
  }

  #report(code: 'SIGNALING_FAILED' | 'SIGNALING_MESSAGE_INVALID', message: string): void {
    const handler = this.onError;
    if (!handler) return;
    try {
      handler(new PandaError(code, message, { url: this.url }));
    } catch {
      // diagnostics must not break the connection
    }
  }

  #call(callback: (() => void) | undefined): void {
    if (!callback) return;
    try {
      callback();
    } catch {
      // a callback's failure is not the socket's
    }
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    this.#timers.clearTimeout(this.#reconnectTimer);
    const base = Math.min(this.#maxDelay, this.#minDelay * 2 ** Math.min(this.#attempt, 20));
    this.#attempt++;
    const delay = base * (0.75 + Math.random() * 0.5);
    this.#reconnectTimer = this.#timers.setTimeout(() => this.#connect(), delay);
  }

  #startPing(): void {
    this.#stopPing();
    this.#pingTimer = this.#timers.setInterval(() => {
      const socket = this.#socket;
      if (!socket) return;
      if (this.#timers.now() - this.#lastMessage > 3 * this.#pingInterval) {
        // Silent for too long: drop this socket and start over.
        this.#socket = undefined;
        this.#stopPing();
        this.#detach(socket);
        this.#report('SIGNALING_FAILED', `Signaling server ${this.url} stopped answering`);
        this.#call(this.onDisconnect);
        this.#scheduleReconnect();
        return;
      }
      this.#send({ type: 'ping' });
    }, this.#pingInterval);
  }

  #stopPing(): void {
    if (this.#pingTimer !== undefined) this.#timers.clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
  }

  #detach(socket: WebSocketLike): void {
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = () => {};
    closeQuietly(socket);
  }
}
