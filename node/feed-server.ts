/**
 * `panda serve --http PORT`: the schedule feeds (./feeds.ts) over plain HTTP (node:http),
 * for calendar subscriptions (webcal), schedule apps and pages.
 *
 *   GET /festivals                      the festivals served, with their feeds' paths (JSON)
 *   GET /festivals/ID.ics               iCalendar
 *   GET /festivals/ID.json | ID.xml     c3voc/frab JSON | XML
 *   GET /festivals/ID/events/EVENT.ics  one event alone, for "add to my calendar"
 *
 * Feeds are public data: CORS allows every origin. Every answer has a strong ETag (a digest
 * of the body), Last-Modified and a short max-age; If-None-Match (else If-Modified-Since)
 * answers 304; HEAD gives the headers alone. A festival not held here is 404; a path that is
 * not one of the above under /festivals (not an id, another extension, dot segments, escapes,
 * longer than MAX_URL_LENGTH) is 400; a request with a body is 413; methods other than GET,
 * HEAD and OPTIONS are 405. Nothing is read from a request but its method, path and
 * validators, and requests and headers are bounded in size and time.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { PandaError, type Hash } from '../core/index.js';
import type { FeedBody, FeedFormat, FestivalFeeds } from './feeds.js';

/** Longest request target taken (the longest feed path is 160 characters). */
export const MAX_URL_LENGTH = 512;

export interface FeedServerOptions {
  feeds: FestivalFeeds;
  /** 0: any free port (see `FeedServer.port`). */
  port: number;
  /** Default 127.0.0.1 (this machine only); 0.0.0.0 or :: for every interface. */
  host?: string;
  /** Cache-Control max-age in seconds (default 60). */
  maxAge?: number;
}

export interface FeedServer {
  /** http://host:port, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

type Route =
  | { kind: 'index' }
  | { kind: 'feed'; festivalId: Hash; format: FeedFormat }
  | { kind: 'event'; festivalId: Hash; eventId: Hash }
  | { kind: 'malformed'; why: string }
  | { kind: 'elsewhere' };

const ID = '0020[0-9a-f]{64}';
const FEED = new RegExp(`^(${ID})\\.(ics|json|xml)$`);
const EVENT = new RegExp(`^(${ID})\\.ics$`);

/** What a request target names; the query, if any, is ignored (calendar apps add their own). */
function route(target: string): Route {
  if (target.length > MAX_URL_LENGTH) return { kind: 'malformed', why: `the path is longer than ${MAX_URL_LENGTH} characters` };
  const path = target.split('?', 1)[0]!;
  if (!path.startsWith('/')) return { kind: 'malformed', why: 'the path does not start with /' };
  const segments = path.slice(1).split('/');
  if (segments[0] !== 'festivals') return { kind: 'elsewhere' };
  if (segments.some((segment) => segment === '.' || segment === '..' || /[%\\]/.test(segment)))
    return { kind: 'malformed', why: 'the path holds dot segments or escapes' };
  if (segments.length === 1 || (segments.length === 2 && segments[1] === '')) return { kind: 'index' };
  const feed = segments.length === 2 ? FEED.exec(segments[1]!) : null;
  if (feed) return { kind: 'feed', festivalId: feed[1] as Hash, format: feed[2] as FeedFormat };
  const event = segments.length === 4 && segments[2] === 'events' && new RegExp(`^${ID}$`).test(segments[1]!) ? EVENT.exec(segments[3]!) : null;
  if (event) return { kind: 'event', festivalId: segments[1] as Hash, eventId: event[1] as Hash };
  return { kind: 'malformed', why: 'feeds are /festivals/ID.ics, .json or .xml, and /festivals/ID/events/EVENT.ics (ids: 0020 and 64 hex digits)' };
}

const ALLOW = 'GET, HEAD, OPTIONS';
const COMMON = { 'Access-Control-Allow-Origin': '*', 'X-Content-Type-Options': 'nosniff' };

function plain(response: ServerResponse, request: IncomingMessage, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = Buffer.from(`${message}\n`, 'utf8');
  response.writeHead(status, {
    ...COMMON,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-cache',
    ...headers,
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

/** Whether the client's copy is this one: If-None-Match (weak comparison, RFC 9110 13.1.2), else If-Modified-Since. */
function notModified(request: IncomingMessage, feed: FeedBody): boolean {
  const match = request.headers['if-none-match'];
  if (match !== undefined) return match.trim() === '*' || match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === feed.etag);
  const since = Date.parse(request.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && Math.floor(feed.lastModified / 1000) * 1000 <= since;
}

function serveFeed(response: ServerResponse, request: IncomingMessage, feed: FeedBody, maxAge: number): void {
  const validators = {
    ETag: feed.etag,
    'Last-Modified': new Date(feed.lastModified).toUTCString(),
    'Cache-Control': `public, max-age=${maxAge}`,
    'Access-Control-Expose-Headers': 'ETag',
  };
  if (notModified(request, feed)) {
    response.writeHead(304, { ...COMMON, ...validators });
    response.end();
    return;
  }
  response.writeHead(200, { ...COMMON, ...validators, 'Content-Type': feed.mediaType, 'Content-Length': feed.body.length });
  response.end(request.method === 'HEAD' ? undefined : feed.body);
}

async function answer(feeds: FestivalFeeds, maxAge: number, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const method = request.method ?? '';
  // The body is never read: the connection closes after the answer instead.
  if (method === 'OPTIONS') {
    response.writeHead(204, {
      ...COMMON,
      Allow: ALLOW,
      'Access-Control-Allow-Methods': 'GET, HEAD',
      'Access-Control-Allow-Headers': 'If-None-Match, If-Modified-Since',
      'Access-Control-Max-Age': '86400',
    });
    response.end();
    return;
  }
  if (method !== 'GET' && method !== 'HEAD')
    return plain(response, request, 405, `${method.slice(0, 20)} is not allowed here`, { Allow: ALLOW, Connection: 'close' });
  const length = request.headers['content-length'];
  if ((length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined)
    return plain(response, request, 413, 'requests here carry no body', { Connection: 'close' });
  const target = route(request.url ?? '');
  switch (target.kind) {
    case 'elsewhere':
      return plain(response, request, 404, 'not found: the feeds are under /festivals');
    case 'malformed':
      return plain(response, request, 400, `bad request: ${target.why}`);
    case 'index':
      return serveFeed(response, request, await feeds.index(), maxAge);
    case 'feed':
    case 'event': {
      const feed = target.kind === 'feed' ? await feeds.festival(target.festivalId, target.format) : await feeds.event(target.festivalId, target.eventId);
      if (!feed) return plain(response, request, 404, `not found: no ${target.kind === 'feed' ? 'festival' : 'event'} with this id is held here`);
      return serveFeed(response, request, feed, maxAge);
    }
  }
}

/** Starts serving; rejects with HTTP_LISTEN_FAILED when the port is taken or the host is not this machine's. */
export async function startFeedServer(options: FeedServerOptions): Promise<FeedServer> {
  const host = options.host ?? '127.0.0.1';
  const maxAge = options.maxAge ?? 60;
  const server = createServer({ maxHeaderSize: 8192, requestTimeout: 10_000, headersTimeout: 5_000, keepAliveTimeout: 5_000 }, (request, response) => {
    answer(options.feeds, maxAge, request, response).catch(() => {
      // The store failed, say: nothing of it leaves the server.
      if (!response.headersSent) plain(response, request, 500, 'the feed could not be made; try again later');
      else response.destroy();
    });
  });
  server.maxConnections = 512;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new PandaError('HTTP_LISTEN_FAILED', `cannot serve HTTP on ${host}:${options.port} (${error.code ?? error.message})`, { host, port: options.port }),
      ),
    );
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
