/**
 * Peer discovery through y-webrtc signaling servers (y-webrtc 10.x, `bin/server.js`, and any
 * server speaking the same protocol):
 *
 * - client to server, JSON text over WebSocket: `{type:'subscribe', topics}`,
 *   `{type:'unsubscribe', topics}`, `{type:'publish', topic, data}`, `{type:'ping'}`;
 * - server to client: every `publish` goes to all subscribers of the topic, the sender
 *   included (the server adds `clients`); `{type:'pong'}` answers a ping;
 * - inside a topic, y-webrtc peers publish as `data` `{type:'announce', from}` and
 *   `{type:'signal', from, to, token?, signal}` where `signal` is simple-peer's signal object
 *   (`{type:'offer'|'answer', sdp}` or `{type:'candidate', candidate:{candidate, sdpMid,
 *   sdpMLineIndex}}`);
 * - with a room password, `data` is instead a base64 string: lib0 `writeAny` of the message,
 *   encrypted with AES-GCM (random 12-byte IV) under a key derived with PBKDF2-SHA256
 *   (100,000 iterations) from the password, with the UTF-8 room name (here: the topic) as
 *   salt; the ciphertext is wrapped as lib0 `varString('AES-GCM') varUint8Array(iv)
 *   varUint8Array(ciphertext)`. This mirrors y-webrtc's src/crypto.js byte for byte.
 *
 * Panda Kit adds two optional fields y-webrtc ignores: `to` on an announce (an announce meant
 * for one peer) and `session` (random per network instance, so a peer restarted with the
 * same id is noticed).
 */
import { PandaError } from '../core/errors.js';
import { generateHash } from '../core/hash/hash.js';

// ---------------------------------------------------------------------------------------
// Topics

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The signaling topic (y-webrtc room name) of a festival, so the festival id never reaches a
 * signaling server in clear: `'panda-kit-'` followed by the YASMF-BLAKE3 hash (`generateHash`
 * of core/hash, 68 hex characters starting `0020`) of the UTF-8 text
 * `'panda-kit/festival/' + festivalId`. `generateHash` gives the same digest before and after
 * `hashingReady()` (WebAssembly or @noble/hashes), so this needs no await.
 */
export function festivalTopic(festivalId: string): string {
  if (typeof festivalId !== 'string' || festivalId.length === 0) {
    throw new PandaError('INPUT_INVALID', 'A festival id must be a non-empty string');
  }
  return 'panda-kit-' + generateHash(utf8Encoder.encode('panda-kit/festival/' + festivalId));
}

// ---------------------------------------------------------------------------------------
// Messages inside a topic

/** simple-peer's signal objects, the subset Panda Kit sends and accepts. */
export type SignalPayload =
  | { type: 'offer' | 'answer'; sdp: string }
  | {
      type: 'candidate';
      candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null; usernameFragment?: string | null };
    };

export interface AnnounceMessage {
  type: 'announce';
  from: string;
  /** Panda Kit: an announce meant for one peer only (others ignore it, as y-webrtc does). */
  to?: string;
  /** Panda Kit: random per network instance. */
  session?: string;
}

export interface SignalMessage {
  type: 'signal';
  from: string;
  to: string;
  /** y-webrtc's glare token; Panda Kit avoids glare by peer id order and does not need it. */
  token?: number;
  signal: SignalPayload;
}

export type SignalingMessage = AnnounceMessage | SignalMessage;

const PEER_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const MAX_SDP = 100_000;

/** Whether `value` can be a peer id (1 to 128 characters out of `A-Z a-z 0-9 _ . : -`). */
export function isPeerId(value: unknown): value is string {
  return typeof value === 'string' && PEER_ID.test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function optionalString(value: unknown, max: number): value is string | null | undefined {
  return value === undefined || value === null || (typeof value === 'string' && value.length <= max);
}

/**
 * Checks the shape of a message published in a topic (after decryption) and returns a
 * clean copy, or `undefined` for anything else: unknown types, missing or malformed fields,
 * simple-peer signals Panda Kit does not use (renegotiation, transceivers).
 */
export function parseSignalingMessage(value: unknown): SignalingMessage | undefined {
  if (!isRecord(value) || !isPeerId(value['from'])) return undefined;
  const from = value['from'];
  if (value['type'] === 'announce') {
    const to = value['to'];
    const session = value['session'];
    if (to !== undefined && !isPeerId(to)) return undefined;
    if (session !== undefined && !(typeof session === 'string' && session.length > 0 && session.length <= 64)) {
      return undefined;
    }
    const message: AnnounceMessage = { type: 'announce', from };
    if (to !== undefined) message.to = to;
    if (session !== undefined) message.session = session;
    return message;
  }
  if (value['type'] === 'signal') {
    const to = value['to'];
    const signal = value['signal'];
    const token = value['token'];
    if (!isPeerId(to) || !isRecord(signal)) return undefined;
    let payload: SignalPayload;
    if (signal['type'] === 'offer' || signal['type'] === 'answer') {
      const sdp = signal['sdp'];
      if (typeof sdp !== 'string' || sdp.length === 0 || sdp.length > MAX_SDP) return undefined;
      payload = { type: signal['type'], sdp };
    } else if (signal['type'] === 'candidate') {
      const candidate = signal['candidate'];
      if (!isRecord(candidate)) return undefined;
      const text = candidate['candidate'];
      const sdpMid = candidate['sdpMid'];
      const index = candidate['sdpMLineIndex'];
      const fragment = candidate['usernameFragment'];
      if (typeof text !== 'string' || text.length > 2048) return undefined;
      if (!optionalString(sdpMid, 64) || !optionalString(fragment, 256)) return undefined;
      if (!(index === undefined || index === null || (Number.isInteger(index) && (index as number) >= 0 && (index as number) < 65536))) {
        return undefined;
      }
      const clean: Extract<SignalPayload, { type: 'candidate' }>['candidate'] = { candidate: text };
      if (sdpMid !== undefined) clean.sdpMid = sdpMid;
      if (index !== undefined) clean.sdpMLineIndex = index as number | null;
      if (fragment !== undefined) clean.usernameFragment = fragment;
      payload = { type: 'candidate', candidate: clean };
    } else {
      return undefined;
    }
    const message: SignalMessage = { type: 'signal', from, to, signal: payload };
    if (typeof token === 'number' && Number.isFinite(token)) message.token = token;
    return message;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// lib0 `writeAny` / `readAny` (the encoding y-webrtc encrypts), a self-contained copy

class Writer {
  #bytes = new Uint8Array(256);
  #length = 0;

  #reserve(n: number): void {
    if (this.#length + n <= this.#bytes.length) return;
    const next = new Uint8Array(Math.max(this.#bytes.length * 2, this.#length + n));
    next.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = next;
  }

  byte(value: number): void {
    this.#reserve(1);
    this.#bytes[this.#length++] = value & 0xff;
  }

  bytes(value: Uint8Array): void {
    this.#reserve(value.length);
    this.#bytes.set(value, this.#length);
    this.#length += value.length;
  }

  varUint(value: number): void {
    while (value > 0x7f) {
      this.byte(0x80 | (value & 0x7f));
      value = Math.floor(value / 128);
    }
    this.byte(value & 0x7f);
  }

  varInt(value: number): void {
    const negative = value !== 0 ? value < 0 : 1 / value < 0;
    if (negative) value = -value;
    this.byte((value > 0x3f ? 0x80 : 0) | (negative ? 0x40 : 0) | (value & 0x3f));
    value = Math.floor(value / 64);
    while (value > 0) {
      this.byte((value > 0x7f ? 0x80 : 0) | (value & 0x7f));
      value = Math.floor(value / 128);
    }
  }

  varUint8Array(value: Uint8Array): void {
    this.varUint(value.length);
    this.bytes(value);
  }

  varString(value: string): void {
    this.varUint8Array(utf8Encoder.encode(value));
  }

  view(length: number, write: (view: DataView) => void): void {
    this.#reserve(length);
    write(new DataView(this.#bytes.buffer, this.#bytes.byteOffset + this.#length, length));
    this.#length += length;
  }

  result(): Uint8Array<ArrayBuffer> {
    return this.#bytes.slice(0, this.#length);
  }
}

const float32Probe = new DataView(new ArrayBuffer(4));

function writeAny(writer: Writer, value: unknown, depth = 0): void {
  if (depth > 64) throw new PandaError('INPUT_INVALID', 'Value nested too deeply');
  switch (typeof value) {
    case 'string':
      writer.byte(119);
      writer.varString(value);
      return;
    case 'number':
      if (Number.isInteger(value) && Math.abs(value) <= 0x7fffffff) {
        writer.byte(125);
        writer.varInt(value);
        return;
      }
      float32Probe.setFloat32(0, value);
      if (float32Probe.getFloat32(0) === value) {
        writer.byte(124);
        writer.view(4, (view) => view.setFloat32(0, value, false));
      } else {
        writer.byte(123);
        writer.view(8, (view) => view.setFloat64(0, value, false));
      }
      return;
    case 'bigint':
      writer.byte(122);
      writer.view(8, (view) => view.setBigInt64(0, value, false));
      return;
    case 'boolean':
      writer.byte(value ? 120 : 121);
      return;
    case 'object':
      if (value === null) {
        writer.byte(126);
      } else if (Array.isArray(value)) {
        writer.byte(117);
        writer.varUint(value.length);
        for (const item of value) writeAny(writer, item, depth + 1);
      } else if (value instanceof Uint8Array) {
        writer.byte(116);
        writer.varUint8Array(value);
      } else {
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record);
        writer.byte(118);
        writer.varUint(keys.length);
        for (const key of keys) {
          writer.varString(key);
          writeAny(writer, record[key], depth + 1);
        }
      }
      return;
    default:
      writer.byte(127);
  }
}

class Reader {
  #pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  #fail(): never {
    throw new PandaError('SIGNALING_MESSAGE_INVALID', 'Malformed lib0 encoding');
  }

  byte(): number {
    const value = this.bytes[this.#pos++];
    if (value === undefined) this.#fail();
    return value;
  }

  take(length: number): Uint8Array {
    if (length > this.bytes.length - this.#pos) this.#fail();
    const out = this.bytes.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    return out;
  }

  varUint(): number {
    let value = 0;
    let multiplier = 1;
    for (;;) {
      const byte = this.byte();
      value += (byte & 0x7f) * multiplier;
      if (byte < 0x80) return value;
      multiplier *= 128;
      if (value > Number.MAX_SAFE_INTEGER) this.#fail();
    }
  }

  varInt(): number {
    let byte = this.byte();
    let value = byte & 0x3f;
    let multiplier = 64;
    const sign = (byte & 0x40) > 0 ? -1 : 1;
    while (byte & 0x80) {
      byte = this.byte();
      value += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if (value > Number.MAX_SAFE_INTEGER) this.#fail();
    }
    return sign * value;
  }

  varUint8Array(): Uint8Array {
    return this.take(this.varUint());
  }

  varString(): string {
    try {
      return utf8Decoder.decode(this.varUint8Array());
    } catch (error) {
      if (error instanceof PandaError) throw error;
      this.#fail();
    }
  }

  view(length: number): DataView {
    const bytes = this.take(length);
    return new DataView(bytes.buffer, bytes.byteOffset, length);
  }

  get done(): boolean {
    return this.#pos >= this.bytes.length;
  }
}

function readAny(reader: Reader, depth = 0): unknown {
  if (depth > 64) throw new PandaError('SIGNALING_MESSAGE_INVALID', 'Value nested too deeply');
  const tag = reader.byte();
  switch (tag) {
    case 127:
      return undefined;
    case 126:
      return null;
    case 125:
      return reader.varInt();
    case 124:
      return reader.view(4).getFloat32(0, false);
    case 123:
      return reader.view(8).getFloat64(0, false);
    case 122:
      return reader.view(8).getBigInt64(0, false);
    case 121:
      return false;
    case 120:
      return true;
    case 119:
      return reader.varString();
    case 118: {
      const count = reader.varUint();
      const record: Record<string, unknown> = {};
      for (let i = 0; i < count; i++) {
        const key = reader.varString();
        const value = readAny(reader, depth + 1);
        // Never let a message set a prototype.
        if (key !== '__proto__') record[key] = value;
      }
      return record;
    }
    case 117: {
      const count = reader.varUint();
      const items: unknown[] = [];
      for (let i = 0; i < count; i++) items.push(readAny(reader, depth + 1));
      return items;
    }
    case 116:
      return reader.varUint8Array().slice();
    default:
      throw new PandaError('SIGNALING_MESSAGE_INVALID', `Unknown lib0 type tag ${tag}`);
  }
}

/** lib0's `encoding.writeAny` of one value, as bytes (what y-webrtc's `encryptJson` encrypts). */
export function encodeAny(value: unknown): Uint8Array<ArrayBuffer> {
  const writer = new Writer();
  writeAny(writer, value);
  return writer.result();
}

/** lib0's `decoding.readAny`; throws `SIGNALING_MESSAGE_INVALID` on malformed input. */
export function decodeAny(bytes: Uint8Array): unknown {
  return readAny(new Reader(bytes));
}

// ---------------------------------------------------------------------------------------
// Encryption, as y-webrtc's src/crypto.js

function subtle(): SubtleCrypto {
  const value = globalThis.crypto?.subtle;
  if (!value) throw new PandaError('SIGNALING_FAILED', 'Encrypted signaling needs crypto.subtle (a secure context)');
  return value;
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  }
  return btoa(text);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * y-webrtc's `deriveKey(secret, roomName)`: PBKDF2-SHA256, 100,000 iterations, salt = the
 * UTF-8 room name (for Panda Kit the festival topic), giving an AES-GCM-256 key.
 */
export async function deriveSignalingKey(secret: string, topic: string): Promise<CryptoKey> {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new PandaError('INPUT_INVALID', 'A festival secret must be a non-empty string');
  }
  const material = await subtle().importKey('raw', utf8Encoder.encode(secret), 'PBKDF2', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'PBKDF2', salt: utf8Encoder.encode(topic), iterations: 100_000, hash: 'SHA-256' },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** y-webrtc's `encryptJson` followed by base64: the `data` of an encrypted `publish`. */
export async function encryptSignalingData(value: unknown, key: CryptoKey): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv }, key, encodeAny(value)));
  const writer = new Writer();
  writer.varString('AES-GCM');
  writer.varUint8Array(iv);
  writer.varUint8Array(cipher);
  return toBase64(writer.result());
}

/**
 * Reverses `encryptSignalingData` (and y-webrtc's encryption). Throws
 * `SIGNALING_MESSAGE_INVALID` if the text is not base64 of that format or does not decrypt
 * under `key` (another secret, or tampered with).
 */
export async function decryptSignalingData(data: string, key: CryptoKey): Promise<unknown> {
  let reader: Reader;
  let iv: Uint8Array;
  let cipher: Uint8Array;
  try {
    reader = new Reader(fromBase64(data));
    if (reader.varString() !== 'AES-GCM') throw new Error('unknown algorithm');
    iv = reader.varUint8Array();
    cipher = reader.varUint8Array();
  } catch {
    throw new PandaError('SIGNALING_MESSAGE_INVALID', 'Encrypted signaling data is not in y-webrtc format');
  }
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(
      await subtle().decrypt({ name: 'AES-GCM', iv: iv.slice() }, key, cipher.slice()),
    );
  } catch {
    throw new PandaError('SIGNALING_MESSAGE_INVALID', 'Signaling data does not decrypt with this festival secret');
  }
  return decodeAny(plain);
}

// ---------------------------------------------------------------------------------------
// One signaling server

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
  readonly #topics = new Set<string>();
  #socket: WebSocketLike | undefined;
  #closed = false;
  #attempt = 0;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #lastMessage = 0;

  constructor(url: string, options: SignalingConnectionOptions = {}) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new PandaError('INPUT_INVALID', `Not a signaling URL: ${url}`, { url });
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      throw new PandaError('INPUT_INVALID', `A signaling URL must start with ws: or wss: (${url})`, { url });
    }
    const WebSocketClass = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketClass }).WebSocket;
    if (!WebSocketClass) {
      throw new PandaError('SIGNALING_FAILED', 'No WebSocket class: pass one (in Node: WebSocket from "ws")');
    }
    this.url = url;
    this.#WebSocket = WebSocketClass;
    this.#minDelay = options.minReconnectDelayMs ?? 500;
    this.#maxDelay = options.maxReconnectDelayMs ?? 30_000;
    this.#pingInterval = options.pingIntervalMs ?? 15_000;
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
    clearTimeout(this.#reconnectTimer);
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
      this.#lastMessage = Date.now();
      if (this.#topics.size > 0) this.#send({ type: 'subscribe', topics: [...this.#topics] });
      this.#startPing();
      this.#call(this.onOpen);
    };
    socket.onmessage = (event: { data: unknown }) => {
      if (this.#socket !== socket) return;
      this.#lastMessage = Date.now();
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
    clearTimeout(this.#reconnectTimer);
    const base = Math.min(this.#maxDelay, this.#minDelay * 2 ** Math.min(this.#attempt, 20));
    this.#attempt++;
    const delay = base * (0.75 + Math.random() * 0.5);
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #startPing(): void {
    this.#stopPing();
    this.#pingTimer = setInterval(() => {
      const socket = this.#socket;
      if (!socket) return;
      if (Date.now() - this.#lastMessage > 3 * this.#pingInterval) {
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
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    this.#pingTimer = undefined;
  }

  #detach(socket: WebSocketLike): void {
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = () => {};
    try {
      socket.close();
    } catch {
      // ignore
    }
  }
}
