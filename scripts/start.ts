/**
 * `npm start`: the demo. Builds dist/, then runs on this machine
 *
 * - a y-webrtc signaling server, through which browsers and the Node peer find each other;
 * - a Node peer (SQLite in .panda-demo/) holding the demo festival (demo/seed.ts), seeded on
 *   the first run only: its id stays in .panda-demo/demo.json;
 * - a web server with the demo festival's page (demo/index.html), which embeds the widgets
 *   (dist/widgets/) under a strict Content Security Policy, as a festival site would, and
 *   offers the schedule as iCalendar and frab JSON/XML.
 *
 * Environment: PANDA_DEMO_PORT (web page, default 8080), PANDA_DEMO_SIGNALING_PORT (default
 * 4444), PANDA_DEMO_DATA (default <repository>/.panda-demo), PANDA_DEMO_NO_BUILD=1 (use dist/ as it is,
 * if the widgets are built). Ctrl-C (SIGINT) or SIGTERM stops everything.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isHash } from '../core/index.js';
import { DEMO_FESTIVAL_NAME, seedDemoFestival } from '../demo/seed.js';
import { NodePeer } from '../node/node-peer.js';
import { festivalSchedule, SCHEDULE_FORMATS, type ScheduleFormatName } from '../node/schedule-export.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const WIDGETS = join(ROOT, 'dist/widgets');
const DEMO = join(ROOT, 'demo');

/** What the first run seeded, kept in the data directory so that later runs find it. */
interface DemoRecord {
  festivalId: string;
  venueId: string;
}

function fail(message: string): never {
  console.error(`npm start: ${message}`);
  process.exit(1);
}

function portFrom(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`${name} is a port number (1-65535), not "${value}"`);
  return port;
}

/** Resolves if nothing listens on `port` (y-webrtc's server would otherwise die after seeming to start). */
function assertPortFree(port: number, what: string): Promise<void> {
  return new Promise((resolvePort) => {
    const probe = createNetServer();
    probe.once('error', () =>
      fail(`port ${port} (${what}) is in use; choose another with ${what === 'signaling' ? 'PANDA_DEMO_SIGNALING_PORT' : 'PANDA_DEMO_PORT'}`),
    );
    probe.listen(port, () => probe.close(() => resolvePort()));
  });
}

const webPort = portFrom('PANDA_DEMO_PORT', 8080);
const signalingPort = portFrom('PANDA_DEMO_SIGNALING_PORT', 4444);
const dataDir = resolve(process.env.PANDA_DEMO_DATA || join(ROOT, '.panda-demo'));

if (process.env.PANDA_DEMO_NO_BUILD === '1' && existsSync(join(WIDGETS, 'panda-widgets.js'))) {
  console.log('Using dist/ as it is (PANDA_DEMO_NO_BUILD=1).');
} else {
  console.log('Building dist/ (core, command, extension, widgets)...');
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/rollup/dist/bin/rollup'), '-c', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) fail('the build failed');
}

await assertPortFree(webPort, 'web page');
await assertPortFree(signalingPort, 'signaling');

const peer = await NodePeer.open({ dataDir, signalingPort });
const recordPath = join(dataDir, 'demo.json');

async function demoFestival(): Promise<DemoRecord> {
  if (existsSync(recordPath)) {
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as Partial<DemoRecord>;
    if (isHash(record.festivalId) && isHash(record.venueId) && (await peer.node.model()).festivals.has(record.festivalId)) return record as DemoRecord;
  }
  console.log(`Seeding the demo festival "${DEMO_FESTIVAL_NAME}" into ${dataDir}...`);
  const seeded = await seedDemoFestival(peer.node);
  const record: DemoRecord = { festivalId: seeded.festivalId, venueId: seeded.resources['Klangkeller']! };
  writeFileSync(recordPath, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

const demo = await demoFestival();
// Remembered in the data directory's config: later runs join it on their own.
await peer.join(demo.festivalId);

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/** The host name the browser used (so that another device on the network reaches the signaling server too). */
function hostOf(request: IncomingMessage): string {
  const host = request.headers.host ?? '';
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return /^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/i.test(name) ? name : 'localhost';
}

/**
 * No inline script, no eval, no WebAssembly (hashing falls back to JavaScript): as strict as a
 * festival site may be. Styles may be inline: Lit falls back to <style> elements where
 * constructable stylesheets are missing.
 */
const contentSecurityPolicy = (signaling: string) =>
  `default-src 'self'; script-src 'self'; connect-src 'self' ${signaling}; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function send(response: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': type, ...SECURITY_HEADERS, ...headers });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

/** A file of dist/widgets/, never anything outside it. */
function widgetFile(pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  const path = resolve(WIDGETS, `.${decoded}`);
  return path.startsWith(WIDGETS + sep) && path.endsWith('.js') && existsSync(path) && statSync(path).isFile() ? path : undefined;
}

const DOWNLOADS: Record<string, ScheduleFormatName> = { '/schedule.ics': 'ical', '/schedule.json': 'frab-json', '/schedule.xml': 'frab-xml' };

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain', 'GET only\n', { allow: 'GET, HEAD' });
  const { pathname } = new URL(request.url ?? '/', 'http://demo');
  const host = hostOf(request);
  const signaling = `ws://${host}:${signalingPort}`;
  const csp = { 'content-security-policy': contentSecurityPolicy(signaling) };
  if (pathname === '/' || pathname === '/index.html') {
    const values: Record<string, string> = { festival: demo.festivalId, venue: demo.venueId, signaling, origin: `http://${host}:${webPort}` };
    const page = readFileSync(join(DEMO, 'index.html'), 'utf8').replace(/\{\{(\w+)\}\}/g, (_match, name: string) => escapeHtml(values[name] ?? ''));
    return send(response, 200, 'text/html;charset=utf-8', page, csp);
  }
  if (pathname === '/demo.css') return send(response, 200, 'text/css;charset=utf-8', readFileSync(join(DEMO, 'demo.css')), csp);
  if (pathname === '/festival.json') {
    return send(
      response,
      200,
      'application/json',
      `${JSON.stringify({ festivalId: demo.festivalId, venueId: demo.venueId, signaling: [signaling], name: DEMO_FESTIVAL_NAME })}\n`,
      csp,
    );
  }
  const download = DOWNLOADS[pathname];
  if (download) {
    const schedule = festivalSchedule(await peer.node.model(), demo.festivalId);
    if (!schedule) return send(response, 503, 'text/plain', 'The festival is not here yet\n', csp);
    const format = SCHEDULE_FORMATS[download];
    return send(response, 200, format.mediaType, format.write(schedule), {
      ...csp,
      'content-disposition': `attachment; filename="hoffnung-3000${pathname.slice(pathname.lastIndexOf('.'))}"`,
    });
  }
  const file = widgetFile(pathname);
  if (file) return send(response, 200, 'text/javascript;charset=utf-8', readFileSync(file), csp);
  send(response, 404, 'text/plain', 'Not found\n', csp);
}

const server = createHttpServer((request, response) => {
  handle(request, response).catch((error: unknown) => {
    console.error('request failed:', error);
    if (!response.headersSent) send(response, 500, 'text/plain', 'Internal error\n');
    else response.destroy();
  });
});
await new Promise<void>((resolveListen) => {
  server.once('error', (error) => fail(`the web server cannot listen on port ${webPort}: ${error.message}`));
  server.listen(webPort, () => resolveListen());
});

peer.replicator.on((event) => {
  if (event.type === 'connected' || event.type === 'disconnected') console.log(`${new Date().toLocaleTimeString()} peer ${event.type}: ${event.peer}`);
});

const rel = (path: string) => join(ROOT, path);
console.log(`
Panda Kit demo: "${DEMO_FESTIVAL_NAME}" (${(await peer.node.model()).schedule(demo.festivalId).length} events)

  Festival page    http://localhost:${webPort}/
  Signaling        ws://localhost:${signalingPort}
  Festival id      ${demo.festivalId}
  Node peer        ${peer.identity.publicKey()} (data in ${dataDir})

Without the extension the page shows the festival read-only: it joins the festival's peers
itself. To take part (add events, confirm requests), load the extension:
  Chrome/Chromium  chrome://extensions -> Developer mode -> Load unpacked -> ${rel('dist/extension/chrome')}
  Firefox          about:debugging -> This Firefox -> Load Temporary Add-on -> ${rel('dist/extension/firefox/manifest.json')}
Open the page in a second browser (or a private window): a change in one appears in the other.

Ctrl-C stops the demo.
`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) process.exit(1); // a second Ctrl-C: now
  stopping = true;
  console.log(`\n${signal}: stopping...`);
  const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  server.closeAllConnections();
  await closed;
  await peer.close();
  console.log('stopped');
  // node-datachannel's native threads can keep the process alive after every connection closed.
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
