/**
 * `panda import-schedule FILE --festival ID | --create [--timezone ZONE] [--policy P]`: a
 * frab/c3voc schedule file (JSON v1 or v2, XML) made into a festival's rooms and events,
 * signed as this peer (a bot), by node/schedule-import.ts. Prints the festival's id and
 * what it did; each talk left out is one line on stderr, and the exit code is then 1.
 */
import { readFileSync } from 'node:fs';
import { isPandaError, PandaError } from '../core/index.js';
import { DataDir, defaultDataDir } from '../node/data-dir.js';
import { describeImport, importSchedule } from '../node/schedule-import.js';
import { readScheduleFile, type ScheduleFile } from '../widgets/lib/schedule-file.js';
import { isValidTimeZone } from '../widgets/lib/time.js';
import { DocumentContext, type Output } from './document-context.js';
import { commandWords, Flags, flagInvalid, quoted, usage } from './flags.js';

const SYNOPSIS = 'import-schedule FILE --festival ID | --create [--timezone ZONE] [--policy first-come-first-served|manual]';

export const IMPORT_SCHEDULE_HELP = `  ${SYNOPSIS}
                             Make a frab/c3voc schedule (JSON v1 or v2, or XML) a festival's
                             rooms and events, signed as this peer; --create makes the
                             festival. Again with a changed file: changes what changed`;

/** The profile this peer gets when it has none: it says the peer is a bot. */
export const IMPORTER_PROFILE = {
  name: 'Schedule importer',
  description: 'A bot: it imports festival schedules (frab/c3voc files) with panda import-schedule and keeps them up to date.',
};

export const isImportScheduleCommand = (argv: readonly string[]): boolean => commandWords(argv)[0] === 'import-schedule';

/** The file read, its whole-file failures named after it. */
function readFile(path: string, timeZone: string | undefined): ScheduleFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    usage(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return readScheduleFile(text, timeZone === undefined ? {} : { timeZone });
  } catch (error) {
    if (isPandaError(error, 'SCHEDULE_INVALID') || isPandaError(error, 'SCHEDULE_FORMAT_UNKNOWN'))
      throw new PandaError(error.code, `${path}: ${error.message}`, { ...error.details, file: path });
    throw error;
  }
}

export async function runImportSchedule(argv: string[], output: Output, note: Output): Promise<number> {
  const flags = Flags.parse(argv, 'import-schedule', ['festival', 'timezone', 'policy'], 1, `panda ${SYNOPSIS}`, ['create']);
  if (flags.help) {
    output(`Usage: panda ${SYNOPSIS}\n\n${IMPORT_SCHEDULE_HELP}`);
    return 0;
  }
  const path = flags.positionals[0] ?? usage(`FILE is missing: panda ${SYNOPSIS}`);
  const festivalId = flags.get('festival');
  const create = flags.is('create');
  if ((festivalId === undefined) === !create) usage(`give either --festival ID (import into it) or --create (make the festival): panda ${SYNOPSIS}`);
  const timeZone = flags.get('timezone');
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) flagInvalid('timezone', `${quoted(timeZone)} is not an IANA time zone such as Europe/Berlin`);
  const policy = flags.get('policy');
  const file = readFile(path, timeZone);
  if (file.unknownTimeZone !== undefined && timeZone === undefined)
    note(
      `problem: the schedule's time zone ${quoted(file.unknownTimeZone)} is not an IANA time zone: talks without an offset are skipped and the festival is shown in UTC (--timezone ZONE reads them in ZONE)`,
    );

  const data = new DataDir(flags.data ?? defaultDataDir());
  const report = await DocumentContext.with(data, note, async (context) => {
    const festival = festivalId === undefined ? undefined : context.festival('--festival', festivalId);
    if (policy !== undefined) {
      const names = context.node.policies.names().filter((name) => name !== 'quorum');
      // A quorum needs its members, which a schedule does not name: set them on the rooms afterwards.
      if (!names.includes(policy))
        flagInvalid('policy', `${quoted(policy)} is none of ${names.join(', ')} (quorum rooms need members: panda resource update ID --policy quorum ...)`);
    }
    const signer = context.signer();
    if (context.model.profileOf(signer.publicKey()) === undefined) await context.node.createProfile(signer, IMPORTER_PROFILE);
    const result = await importSchedule(context.node, signer, file, { ...(festival ? { festival: festival.id } : {}), ...(policy ? { policy } : {}) });
    // Joined, so `panda serve` replicates it (a festival joined already keeps its secret).
    if (!data.config().festivals.some((setting) => setting.id === result.festival)) data.join(result.festival);
    return result;
  });
  for (const talk of report.skipped) note(`skipped ${talk.talk}: ${talk.reason}`);
  output(report.festival);
  output(describeImport(report));
  return report.skipped.length > 0 ? 1 : 0;
}
