/**
 * `panda bot NAME --festival ID [--every 2h] [...]`: runs one of the bots registered below
 * (node/bots/) as this peer's identity against a festival the peer takes part in — on a peer
 * of its own that replicates like `panda serve` does, once (`--once`: one round on the data
 * directory, for cron or beside a running `panda serve`, which passes it on), or inside
 * `panda serve --bot "NAME --festival ID ..."` (the same words). A new bot is a module with a
 * `Bot` and an entry in BOTS: its flags and how they make it.
 */
import { isHash, PandaError, type Hash } from '../core/index.js';
import { BotRunner, type Bot } from '../node/bots/bot.js';
import { randomMeetings } from '../node/bots/random-meetings.js';
import { DataDir, defaultDataDir } from '../node/data-dir.js';
import { NodePeer } from '../node/node-peer.js';
import { DocumentContext, type Output } from './document-context.js';
import { commandWords, Flags, flagInvalid, flagMissing, quoted, usage } from './flags.js';
import { untilStopped } from './until-stopped.js';

interface BotKind {
  /** The bot's own flags (besides --festival and --every) and their help. */
  synopsis: string;
  flags: readonly string[];
  help: string;
  make(flags: Flags): Bot;
}

const MINUTE = 60;
const HOUR = 3600;

export const BOTS: Record<string, BotKind> = {
  'random-meetings': {
    synopsis: '[--per-round N] [--duration 30m]',
    flags: ['per-round', 'duration'],
    help: 'arranges meetings between participants in free locations',
    make(flags) {
      const perRound = flags.integer('per-round');
      if (perRound !== undefined && (perRound < 1 || perRound > 100)) flagInvalid('per-round', `${perRound} is not from 1 to 100`);
      const duration = flags.duration('duration', 5 * MINUTE, 24 * HOUR);
      return randomMeetings({ ...(perRound === undefined ? {} : { perRound }), ...(duration === undefined ? {} : { duration }) });
    },
  },
};

const COMMON = '--festival ID [--every 2h]';
const STANDALONE = '[--once] [--signaling URL] [--port N]';
const SYNOPSIS = `bot NAME ${COMMON} ${STANDALONE}`;

export const BOT_HELP = `  ${SYNOPSIS}
                             Run a bot as this peer (a round now, then one --every), on a
                             peer of its own (--signaling, --port as for serve) or, --once,
                             one round on the data directory. Bots:
${Object.entries(BOTS)
  .map(([name, kind]) => `                               ${name} ${kind.synopsis}\n                                 ${kind.help}`)
  .join('\n')}`;

/** What `panda serve --bot` says about its flag. */
export const SERVE_BOT_HELP = `    --bot "NAME ${COMMON} ..."
                             also run a bot (repeatable): the words of panda bot`;

export const isBotCommand = (argv: readonly string[]): boolean => commandWords(argv)[0] === 'bot';

/** A bot to run, with its festival and pace. */
export interface BotRun {
  name: string;
  bot: Bot;
  festival: Hash;
  /** Seconds between rounds. */
  every: number;
}

/** Reads `bot NAME ...`: the bot made from its flags, the festival and the pace; `extra` and `booleans` are further flags. */
function parseRun(argv: string[], extra: readonly string[], booleans: readonly string[]): { run: BotRun; flags: Flags } {
  const words = commandWords(argv);
  const name = words[1];
  if (name === undefined) usage(`NAME is missing: panda ${SYNOPSIS} (bots: ${Object.keys(BOTS).join(', ')})`);
  const kind = BOTS[name] ?? usage(`there is no bot ${quoted(name)}: the bots are ${Object.keys(BOTS).join(', ')}`);
  const flags = Flags.parse(argv, `bot ${name}`, ['festival', 'every', ...kind.flags, ...extra], 0, `panda bot ${name} ${COMMON} ${kind.synopsis}`, booleans);
  const festival = flags.get('festival') ?? flagMissing('festival', 'the festival the bot works in');
  if (!isHash(festival)) flagInvalid('festival', `${quoted(festival)} is not a festival id (68 hex characters starting with 0020)`);
  const every = flags.duration('every', MINUTE, 7 * 24 * HOUR) ?? 2 * HOUR;
  return { run: { name, bot: kind.make(flags), festival, every }, flags };
}

/** `panda serve --bot WORDS`: WORDS as `panda bot` takes them, without the flags of a peer of its own. */
export function parseServeBot(words: string): BotRun {
  return parseRun(['bot', ...words.trim().split(/\s+/)], [], []).run;
}

/** Refuses a festival this peer does not take part in (config.json): a typo would wait forever. */
function assertKnown(data: DataDir, festival: Hash): void {
  if (data.config().festivals.some((setting) => setting.id === festival)) return;
  throw new PandaError(
    'CLI_NOT_FOUND',
    `--festival: this peer does not take part in festival ${festival} (in ${data.path}): panda festival join ID first, or panda serve --festival ID`,
    { flag: '--festival', id: festival },
  );
}

/** Starts each bot on the peer; resolves with the function that stops them all. */
export function startBots(peer: NodePeer, runs: readonly BotRun[], output: Output): () => Promise<void> {
  const runners = runs.map((run) => {
    const runner = new BotRunner({
      bot: run.bot,
      node: peer.node,
      identity: peer.identity,
      festival: run.festival,
      every: run.every,
      output: (line) => output(`bot ${run.name}: ${line}`),
    });
    runner.start();
    return runner;
  });
  return async () => {
    await Promise.all(runners.map((runner) => runner.stop()));
  };
}

/** Whether a `panda serve` (another process) runs on the data directory now. */
function servingPid(data: DataDir): number | undefined {
  const status = data.status() as { pid?: unknown; updatedAt?: unknown } | undefined;
  const { pid, updatedAt } = status ?? {};
  if (typeof pid !== 'number' || typeof updatedAt !== 'number' || pid === process.pid || Date.now() - updatedAt > 10_000) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export async function runBotCommand(argv: string[], output: Output, signal: AbortSignal | undefined, note: Output): Promise<number> {
  if (commandWords(argv).length < 2 && argv.includes('--help')) {
    output(`Usage: panda ${SYNOPSIS}\n\n${BOT_HELP}`);
    return 0;
  }
  const { run, flags } = parseRun(argv, ['signaling', 'port'], ['once']);
  if (flags.help) {
    output(`Usage: panda ${SYNOPSIS}\n\n${BOT_HELP}`);
    return 0;
  }
  const data = new DataDir(flags.data ?? defaultDataDir());
  if (flags.is('once')) {
    if (flags.has('signaling') || flags.has('port')) usage('--once runs a round on the data directory: it takes no --signaling or --port');
    return DocumentContext.with(data, note, async (context) => {
      context.festival('--festival', run.festival);
      const runner = new BotRunner({ ...run, node: context.node, identity: context.signer() });
      const report = await runner.round();
      for (const line of report.done) output(line);
      if (report.idle !== undefined) output(report.idle);
      return 0;
    });
  }
  assertKnown(data, run.festival);
  const pid = servingPid(data);
  if (pid !== undefined)
    throw new PandaError(
      'CLI_PEER_RUNNING',
      `panda serve runs on ${data.path} (pid ${pid}): run the bot inside it (panda serve --bot "${run.name} --festival ${run.festival}") or once beside it (--once)`,
      { pid },
    );
  const port = flags.integer('port');
  if (port !== undefined && !(port > 0 && port < 65536)) flagInvalid('port', `${port} is not a port number`);
  const signaling = flags.values['signaling'];
  const peer = await NodePeer.open({
    dataDir: data.path,
    festivals: [run.festival],
    ...(signaling ? { signaling } : {}),
    ...(port === undefined ? {} : { signalingPort: port }),
  });
  output(`panda bot ${run.name} as ${peer.identity.publicKey()} in festival ${run.festival}, a round every ${run.every / 60} minutes`);
  output(`signaling: ${peer.signaling.join(', ')}${port === undefined ? '' : ' (started here)'}`);
  const { stopped } = untilStopped(signal);
  const stop = startBots(peer, [run], output);
  await stopped;
  await stop();
  await peer.close();
  output('stopped');
  return 0;
}
