/**
 * `panda`: the always-on Node peer and its tools. Every command works on one data
 * directory (--data, or $PANDA_DATA, or ~/.panda-kit).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { bundleToQrTexts, exportBundle, FestivalNode, hashingReady, importBundle, isHash, isPandaError, PandaError, Replicator } from '../core/index.js';
import { DataDir, defaultDataDir } from '../node/data-dir.js';
import { NodePeer } from '../node/node-peer.js';
import type { FestivalPeerHealth } from '../peer/index.js';
import { SqliteStore } from '../node/sqlite-store.js';
import { festivalSchedule, isScheduleFormat, SCHEDULE_FORMATS } from '../node/schedule-export.js';
import { DOCUMENT_HELP, isDocumentCommand, runDocumentCommand } from './document-commands.js';
import { IMPORT_SCHEDULE_HELP, isImportScheduleCommand, runImportSchedule } from './import-schedule-command.js';
import { BOT_HELP, isBotCommand, parseServeBot, runBotCommand, SERVE_BOT_HELP, startBots } from './bot-command.js';
import { untilStopped } from './until-stopped.js';
import { ARCHIVE_HELP, isArchiveCommand, runArchive } from './archive-command.js';
import { usage } from './flags.js';
import { DEVICES_HELP, isDevicesCommand, runDevicesCommand } from './devices-command.js';

export const HELP = `panda - a Panda Kit peer for festivals planned peer to peer

Usage: panda <command> [options]

Commands:
  serve                      Run an always-on peer: join the festivals, replicate over WebRTC
                             (peers found through y-webrtc signaling), store everything in
                             <data>/panda.sqlite. Stops cleanly on Ctrl-C.
    --signaling URL          y-webrtc signaling server (repeatable; default from config.json,
                             else ws://127.0.0.1:4444)
    --festival ID            also join this festival (repeatable; remembered)
    --port N                 start the signaling server here on port N and use it
    --http PORT              also serve every festival's schedule feeds over HTTP:
                             /festivals (the list), /festivals/ID.ics (webcal), .json, .xml
    --host HOST              where --http listens (default 127.0.0.1: this machine only)
${SERVE_BOT_HELP}
    --neighbours N           hold N neighbours per festival (a hub; default 5, at most 64)
  identity create [--force]  Make this peer's key pair (--force replaces an existing one)
  identity show              Print the public key
${DEVICES_HELP}  festival join ID [--secret S]
                             Take part in a festival (S encrypts its signaling)
  festival leave ID          Stop taking part
  festival list              The festivals taken part in, with names and sizes
  export ID --out FILE [--qr]
                             Write a signed bundle of the festival's logs (--qr: also print
                             it as QR code texts, for small deltas)
  import FILE [--join]       Validate and store a bundle (--join: take part in its festivals)
  export-schedule --festival ID --format ical|frab-json|frab-xml [--out FILE]
                             Write the festival's schedule (nested festivals included) as
                             iCalendar or as c3voc/frab JSON or XML, for calendar and
                             schedule apps (EventFahrplan, Giggity, ConfClerk); default stdout
${IMPORT_SCHEDULE_HELP}
${BOT_HELP}
${ARCHIVE_HELP}
  status                     Health: peers, missing entries per festival, authors last active

${DOCUMENT_HELP}
Options for every command:
  --data DIR                 Data directory (default $PANDA_DATA or ~/.panda-kit)
  --help                     This text
`;

type Output = (line: string) => void;

function formatHealth(health: Partial<FestivalPeerHealth> & { updatedAt?: number; pid?: number }, output: Output): void {
  output(`peers connected: ${health.peers?.length ?? 0}`);
  for (const overlay of health.overlay ?? [])
    output(
      `  overlay of ${overlay.festivalId}: ${overlay.neighbours.length} neighbours, ${overlay.known} known peers${overlay.listening ? ', listening on signaling' : ''}; signals ${overlay.signals.overlay} through the overlay, ${overlay.signals.server} through the server`,
    );
  for (const peer of health.peers ?? [])
    output(`  ${peer.id}  festivals ${peer.festivals.length}  sent ${peer.bytesSent} B  received ${peer.bytesReceived} B${peer.live ? '  live' : ''}`);
  for (const festival of health.festivals ?? [])
    output(`festival ${festival.id}: ${festival.logs} logs, ${festival.entries} entries, ${festival.missing} missing`);
  for (const author of (health.authors ?? []).slice(0, 20))
    output(`  author ${author.publicKey.slice(0, 16)}… last active ${new Date(author.lastActive).toISOString()}`);
  if (health.forks) output(`forks detected: ${health.forks}`);
  if (health.blocked?.length) output(`blocked peers: ${health.blocked.join(', ')}`);
}

/** Opens the store and a replicator for one-off commands (not while `serve` holds it... SQLite WAL allows both). */
async function openOffline(data: DataDir) {
  await hashingReady();
  // A data directory not made yet is an empty one, not an error.
  data.ensure();
  const store = new SqliteStore(data.databasePath);
  const replicator = await Replicator.open(store, { festivals: data.config().festivals.map((festival) => festival.id) });
  return { store, replicator };
}

/**
 * Runs one command; resolves with the exit code. `serve` resolves only when stopped through
 * `signal`. `note` takes remarks that are not the command's result (stderr).
 */
export async function run(argv: string[], output: Output = console.log, signal?: AbortSignal, note: Output = console.error): Promise<number> {
  if (isDocumentCommand(argv)) return runDocumentCommand(argv, output, note);
  if (isImportScheduleCommand(argv)) return runImportSchedule(argv, output, note);
  if (isBotCommand(argv)) return runBotCommand(argv, output, signal, note);
  if (isArchiveCommand(argv)) return runArchive(argv, output, note);
  if (isDevicesCommand(argv)) return runDevicesCommand(argv, output, note);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      data: { type: 'string' },
      help: { type: 'boolean' },
      force: { type: 'boolean' },
      signaling: { type: 'string', multiple: true },
      festival: { type: 'string', multiple: true },
      port: { type: 'string' },
      http: { type: 'string' },
      host: { type: 'string' },
      neighbours: { type: 'string' },
      secret: { type: 'string' },
      out: { type: 'string' },
      qr: { type: 'boolean' },
      join: { type: 'boolean' },
      format: { type: 'string' },
      bot: { type: 'string', multiple: true },
    },
  });
  const [command, sub, argument] = positionals;
  if (values.help || command === undefined || command === 'help') {
    output(HELP);
    return 0;
  }
  const data = new DataDir(values.data ?? defaultDataDir());
  switch (command) {
    case 'identity':
      if (sub === 'create') output(data.createIdentity(values.force ?? false).publicKey());
      else if (sub === 'show') output(data.identity().publicKey());
      else usage('identity create | identity show');
      return 0;
    case 'festival': {
      if (sub === 'join' && argument) data.join(argument, values.secret);
      else if (sub === 'leave' && argument) data.leave(argument);
      else if (sub !== 'list') usage('festival join ID | festival leave ID | festival list | festival create|update|delete ...');
      if (data.config().festivals.length === 0) {
        output(`no festivals joined yet in ${data.path}: panda festival create --name ... or panda festival join ID`);
        return 0;
      }
      const { store, replicator } = await openOffline(data);
      const model = await new FestivalNode(store).model();
      const health = replicator.health();
      for (const festival of data.config().festivals) {
        const figures = health.festivals.find((item) => item.id === festival.id);
        output(
          `${festival.id}  ${model.festivals.get(festival.id)?.name ?? '(not received yet)'}  ${figures?.logs ?? 0} logs, ${figures?.entries ?? 0} entries${festival.secret ? '  (secret)' : ''}`,
        );
      }
      store.close();
      return 0;
    }
    case 'export': {
      if (!sub || !values.out) usage('export FESTIVAL_ID --out FILE');
      const { store, replicator } = await openOffline(data);
      const bundle = await exportBundle(replicator, [sub], data.identityOrCreate());
      writeFileSync(values.out, bundle);
      output(`wrote ${bundle.length} bytes to ${values.out}`);
      if (values.qr) for (const text of bundleToQrTexts(bundle)) output(text);
      store.close();
      return 0;
    }
    case 'import': {
      if (!sub) usage('import FILE');
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(sub);
      } catch {
        usage(`cannot read ${sub}`);
      }
      const { store, replicator } = await openOffline(data);
      try {
        const result = await importBundle(replicator, new Uint8Array(bytes), { join: values.join ?? false });
        if (values.join) for (const festival of result.festivals) data.join(festival);
        output(
          `stored ${result.stored}, already held ${result.duplicate}, waiting ${result.pending}, ignored ${result.ignored}, rejected ${result.rejected.length}`,
        );
        for (const rejection of result.rejected) output(`  entry ${rejection.index}: ${rejection.code} ${rejection.message}`);
        return result.rejected.length > 0 ? 1 : 0;
      } finally {
        store.close();
      }
    }
    case 'export-schedule': {
      const [festivalId, ...more] = values.festival ?? [];
      const format = values.format;
      if (!isHash(festivalId) || more.length > 0 || !isScheduleFormat(format))
        usage('export-schedule --festival ID --format ical|frab-json|frab-xml [--out FILE]');
      if (!existsSync(data.databasePath)) usage(`no festival data in ${data.path}`);
      await hashingReady();
      const store = new SqliteStore(data.databasePath);
      let text: string;
      try {
        const schedule = festivalSchedule(await new FestivalNode(store).model(), festivalId);
        if (!schedule) usage(`festival ${festivalId} is not in ${data.path} (yet): join it and let \`panda serve\` receive it`);
        text = SCHEDULE_FORMATS[format].write(schedule);
      } finally {
        store.close();
      }
      if (values.out === undefined) {
        // `output` ends the text with a newline of its own.
        output(text.endsWith('\n') ? text.slice(0, -1) : text);
        return 0;
      }
      try {
        writeFileSync(values.out, text);
      } catch (error) {
        usage(`cannot write ${values.out} (${(error as Error).message})`);
      }
      output(`wrote ${Buffer.byteLength(text)} bytes of ${format} to ${values.out}`);
      return 0;
    }
    case 'status': {
      const status = data.status() as (Partial<FestivalPeerHealth> & { updatedAt?: number; pid?: number; publicKey?: string }) | undefined;
      if (status?.updatedAt !== undefined) {
        output(`peer ${status.publicKey ?? '?'} (pid ${status.pid ?? '?'}), figures from ${new Date(status.updatedAt).toISOString()}`);
        formatHealth(status, output);
      } else {
        const { store, replicator } = await openOffline(data);
        output('no peer running here; figures from the database');
        formatHealth(replicator.health(), output);
        store.close();
      }
      return 0;
    }
    case 'serve': {
      const port = values.port === undefined ? undefined : Number(values.port);
      if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) usage(`--port takes a port number, not "${values.port}"`);
      const http = values.http === undefined ? undefined : Number(values.http);
      if (http !== undefined && !(Number.isInteger(http) && http > 0 && http < 65536)) usage(`--http takes a port number, not "${values.http}"`);
      if (values.host !== undefined && http === undefined) usage('--host is where --http listens: give --http PORT too');
      const bots = (values.bot ?? []).map(parseServeBot);
      const festivals = [...(values.festival ?? []), ...bots.map((bot) => bot.festival)];
      const neighbours = values.neighbours === undefined ? undefined : Number(values.neighbours);
      if (neighbours !== undefined && !(Number.isInteger(neighbours) && neighbours >= 1 && neighbours <= 64))
        usage(`--neighbours takes a number from 1 to 64, not "${values.neighbours}"`);
      const peer = await NodePeer.open({
        dataDir: data.path,
        ...(values.signaling ? { signaling: values.signaling } : {}),
        ...(festivals.length > 0 ? { festivals } : {}),
        ...(port === undefined ? {} : { signalingPort: port }),
        ...(http === undefined ? {} : { http: values.host === undefined ? { port: http } : { port: http, host: values.host } }),
        ...(neighbours === undefined ? {} : { neighbours }),
      });
      output(`panda peer ${peer.identity.publicKey()}`);
      output(`data: ${data.path}`);
      output(`signaling: ${peer.signaling.join(', ')}${port === undefined ? '' : ' (started here)'}`);
      output(`festivals: ${peer.replicator.festivals().join(', ') || '(none yet: panda festival join ID)'}`);
      if (peer.feedServer) output(`feeds: ${peer.feedServer.url}/festivals`);
      let failed: { code: string; message: string } | undefined;
      const { stopped, stop } = untilStopped(signal);
      peer.replicator.on((event) => {
        if (event.type === 'connected' || event.type === 'disconnected' || event.type === 'blocked' || event.type === 'fork')
          output(`${event.type}: ${'peer' in event ? event.peer : event.publicKey}`);
        // A damaged store cannot be served from: stop, saying how to recover.
        if (event.type === 'store-failed' && event.code === 'STORE_CORRUPT' && !failed) {
          failed = event;
          stop();
        }
      });
      const stopBots = startBots(peer, bots, output);
      await stopped;
      await stopBots();
      await peer.close();
      if (failed) throw new PandaError('STORE_CORRUPT', failed.message, { path: data.databasePath });
      output('stopped');
      return 0;
    }
    default:
      usage(`unknown command "${command}"; see panda --help`);
  }
}

/** What to do about an error that no retry fixes, on the same line. */
function recoveryHint(error: PandaError): string {
  if (error.code !== 'STORE_CORRUPT') return '';
  const path = typeof error.details?.['path'] === 'string' ? error.details['path'] : 'panda.sqlite';
  return `; to recover, move it aside (mv "${path}" "${path}.damaged") and run \`panda serve\`: a fresh data file fills again from peers (identity and config stay)`;
}

/** The `panda` executable: errors become one line and an exit code, never a stack trace. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  try {
    process.exitCode = await run(argv);
  } catch (error) {
    if (isPandaError(error)) console.error(`panda: ${error.message} [${error.code}]${recoveryHint(error)}`);
    else if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      console.error(`panda: ${(error as Error).message.split('\n')[0]} (see panda --help) [CLI_USAGE]`);
    else throw error;
    process.exitCode = 2;
  }
}
