/**
 * The `panda` commands that sign documents as this peer: which words select them, their
 * flags, their help, and running one on the data directory. Each prints the document's id
 * (and nothing else on stdout, for `ID=$(panda festival create ...)`); notes go to stderr.
 */
import { DataDir, defaultDataDir } from '../node/data-dir.js';
import { DocumentContext, type Output } from './document-context.js';
import { createFestival, deleteFestival, FESTIVAL_FLAGS, PROFILE_FLAGS, setProfile, updateFestival } from './festival-commands.js';
import { commandWords, Flags, usage } from './flags.js';
import {
  authorize,
  AUTHORIZE_FLAGS,
  createEvent,
  createResource,
  deleteEvent,
  deleteResource,
  EVENT_FLAGS,
  RESOURCE_FLAGS,
  updateEvent,
  updateResource,
} from './resource-commands.js';

interface DocumentCommand {
  flags: readonly string[];
  /** The word after the flags: a document id, or authorize's decision. */
  argument?: string;
  synopsis: string;
  run(flags: Flags, context: DocumentContext, output: Output, argument: string): Promise<void>;
}

const COMMANDS: Record<string, DocumentCommand> = {
  'festival create': {
    flags: FESTIVAL_FLAGS,
    synopsis: 'festival create --name N --start T --end T [--timezone ZONE] [--parent ID] [--description D] [--url U] [--image U]',
    run: createFestival,
  },
  'festival update': {
    flags: FESTIVAL_FLAGS,
    argument: 'ID',
    synopsis: 'festival update ID [--name N] [--start T] [--end T] [--timezone ZONE] [--parent ID] ...',
    run: updateFestival,
  },
  'festival delete': { flags: [], argument: 'ID', synopsis: 'festival delete ID', run: deleteFestival },
  'resource create': {
    flags: RESOURCE_FLAGS,
    synopsis:
      'resource create --festival ID --title T [--kind location|thing|skill|WORD] [--description D] [--address A] [--geo LAT,LON] [--url U] [--coordinate X,Y,Z] [--capacity N] [--policy first-come-first-served|manual|quorum] [--members KEYS --quorum N] [--depends-on IDS]',
    run: createResource,
  },
  'resource update': {
    flags: RESOURCE_FLAGS,
    argument: 'ID',
    synopsis: 'resource update ID [--title T] [--capacity N] [--policy P] ... (as resource create)',
    run: updateResource,
  },
  'resource delete': { flags: [], argument: 'ID', synopsis: 'resource delete ID', run: deleteResource },
  'event create': {
    flags: EVENT_FLAGS,
    synopsis: 'event create --festival ID --title T --start T --end T [--resources IDS] [--description D]',
    run: createEvent,
  },
  'event update': {
    flags: EVENT_FLAGS,
    argument: 'ID',
    synopsis: 'event update ID [--title T] [--start T] [--end T] [--resources IDS] [--description D]',
    run: updateEvent,
  },
  'event delete': { flags: [], argument: 'ID', synopsis: 'event delete ID', run: deleteEvent },
  authorize: { flags: AUTHORIZE_FLAGS, argument: 'confirm|deny', synopsis: 'authorize --resource ID --event ID confirm|deny [--note N]', run: authorize },
  'profile set': { flags: PROFILE_FLAGS, synopsis: 'profile set --name N [--description D] [--avatar URL]', run: setProfile },
};

/** The lines `panda --help` shows for these commands. */
export const DOCUMENT_HELP = `Signing as this peer (identity.json, made on first use); each prints the document id:
  festival create --name N --start T --end T [--timezone ZONE] [--parent ID]
                  [--description D] [--url URL] [--image URL]
                             Create a festival (ZONE: IANA, default this machine's) and join it
  resource create --festival ID --title T [--kind location|thing|skill|WORD]
                  [--description D] [--address A] [--geo LAT,LON] [--url URL]
                  [--coordinate X,Y,Z] [--capacity N]
                  [--policy first-come-first-served|manual|quorum]
                  [--members KEYS --quorum N] [--depends-on IDS]
                             Offer a venue, thing or skill (KEYS, IDS: comma-separated)
  event create --festival ID --title T --start T --end T [--resources IDS] [--description D]
                             Propose an event and request resources
  authorize --resource ID --event ID confirm|deny [--note N]
                             Decide on a request for a resource this peer owns or votes on
  festival|resource|event update ID [flags as create]
  festival|resource|event delete ID
                             Change or delete a document this peer owns
  profile set --name N [--description D] [--avatar URL]
                             How this peer (a bot is a user too) is named everywhere
  Times T: ISO 8601, e.g. 2027-06-04T14:00, read in the festival's time zone; with an
  offset (2027-06-04T14:00+01:00, ...Z) as given. A \`panda serve\` running on the same data
  directory passes what these commands store on to its peers within a second.
`;

/** The command `argv` names, if it is one of these. */
function commandOf(argv: readonly string[]): string | undefined {
  const [first, second] = commandWords(argv);
  if (first === undefined) return undefined;
  if (second !== undefined && COMMANDS[`${first} ${second}`]) return `${first} ${second}`;
  return COMMANDS[first] ? first : undefined;
}

export function isDocumentCommand(argv: readonly string[]): boolean {
  return commandOf(argv) !== undefined;
}

/** Runs one of these commands; resolves with the exit code. */
export async function runDocumentCommand(argv: string[], output: Output, note: Output): Promise<number> {
  const name = commandOf(argv)!;
  const command = COMMANDS[name]!;
  const flags = Flags.parse(argv, name, command.flags, command.argument === undefined ? 0 : 1, `panda ${command.synopsis}`);
  if (flags.help) {
    output(`Usage: panda ${command.synopsis}\n\n${DOCUMENT_HELP}`);
    return 0;
  }
  const argument = flags.positionals[0];
  if (command.argument !== undefined && argument === undefined) usage(`${command.argument} is missing: panda ${command.synopsis}`);
  const data = new DataDir(flags.data ?? defaultDataDir());
  await DocumentContext.with(data, note, (context) => command.run(flags, context, output, argument ?? ''));
  return 0;
}
