/**
 * Flags of the `panda` commands that write documents: parsed per command (a flag another
 * command takes is still a wrong flag here), each value read once, and every mistake one
 * line that names the flag and the rule, with a stable code:
 *
 *   CLI_USAGE         unknown flag or command, a flag given twice, a word out of place
 *   CLI_FLAG_MISSING  a flag the command needs is not given
 *   CLI_FLAG_INVALID  a flag's value breaks a rule (the festival model's rules included)
 */
import { parseArgs } from 'node:util';
import { PandaError } from '../core/index.js';
import { parseIsoDateTime } from '../widgets/lib/iso-date-time.js';

export function usage(message: string): never {
  throw new PandaError('CLI_USAGE', message);
}

/** `label` names what is wrong, a flag (`--end`) or a word (`the festival id`); `rule` follows it. */
export function invalid(label: string, rule: string): never {
  throw new PandaError('CLI_FLAG_INVALID', `${label} ${rule}`, { flag: label });
}

export function flagInvalid(flag: string, rule: string): never {
  return invalid(`--${flag}`, rule);
}

export function flagMissing(flag: string, why: string): never {
  throw new PandaError('CLI_FLAG_MISSING', `--${flag} is missing: ${why}`, { flag });
}

/** `value` quoted for a message, cut short (it may be anything a person pasted). */
export const quoted = (value: string) => JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);

/**
 * The command's words: those before the first flag other than --data
 * (`panda --data D festival create --name X` gives festival, create).
 */
export function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const arg = argv[i]!;
    if (arg === '--data') i++;
    else if (arg.startsWith('--data=')) continue;
    else if (arg.startsWith('-')) break;
    else words.push(arg);
  }
  return words;
}

export class Flags {
  private constructor(
    readonly command: string,
    readonly positionals: string[],
    readonly help: boolean,
    readonly data: string | undefined,
    readonly values: Record<string, string[] | undefined>,
    readonly switches: ReadonlySet<string> = new Set(),
  ) {}

  /**
   * Parses `argv` for `command` (its words first), which takes the string flags `names`
   * (besides --data and --help), the flags without a value `booleans`, and `positionals` more words.
   */
  static parse(argv: string[], command: string, names: readonly string[], positionals: number, synopsis: string, booleans: readonly string[] = []): Flags {
    const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = { data: { type: 'string' }, help: { type: 'boolean' } };
    for (const name of names) options[name] = { type: 'string', multiple: true };
    for (const name of booleans) options[name] = { type: 'boolean' };
    // `--geo -33.86,151.21`: a value that is a negative number is no flag (parseArgs would want `--geo=-33.86,...`).
    const args: string[] = [];
    for (const arg of argv) {
      const previous = args.at(-1);
      if (/^-[\d.]/.test(arg) && previous?.startsWith('--') && names.includes(previous.slice(2))) args[args.length - 1] = `${previous}=${arg}`;
      else args.push(arg);
    }
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    } catch (error) {
      const message = (error as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
      usage(`${message}; panda ${command} takes ${[...names, ...booleans].map((name) => `--${name}`).join(' ') || 'no flags'} (see panda ${command} --help)`);
    }
    const words = command.split(' ').length;
    const rest = parsed.positionals.slice(words);
    if (rest.length > positionals) usage(`"${rest[positionals]}" is out of place: ${synopsis}`);
    const data = parsed.values['data'];
    return new Flags(
      command,
      rest,
      parsed.values['help'] === true,
      typeof data === 'string' ? data : undefined,
      parsed.values as Record<string, string[] | undefined>,
      new Set(booleans.filter((name) => parsed.values[name] === true)),
    );
  }

  /** Whether a flag without a value is given. */
  is(name: string): boolean {
    return this.switches.has(name);
  }

  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  /** The flag's value, if given (once). */
  get(name: string): string | undefined {
    const values = this.values[name];
    if (values === undefined) return undefined;
    if (values.length > 1) usage(`--${name} is given ${values.length} times; give it once`);
    return values[0]!;
  }

  require(name: string, why: string): string {
    return this.get(name) ?? flagMissing(name, why);
  }

  /** Non-blank text, trimmed. */
  text(name: string): string | undefined {
    const value = this.get(name);
    if (value !== undefined && value.trim() === '') flagInvalid(name, 'must not be empty');
    return value?.trim();
  }

  /** Words separated by commas or spaces; [] for an empty value. */
  list(name: string): string[] | undefined {
    return this.get(name)
      ?.split(/[\s,]+/)
      .filter((word) => word !== '');
  }

  /** A whole number written in digits (the range is the model's to check). */
  integer(name: string): number | undefined {
    const value = this.get(name);
    if (value === undefined) return undefined;
    if (!/^\s*\d{1,15}\s*$/.test(value)) flagInvalid(name, `${quoted(value)} is not a whole number`);
    return Number(value);
  }

  /** A length of time such as 2h, 30m, 90s or 1h30m, in seconds, from `min` to `max` seconds. */
  duration(name: string, min: number, max: number): number | undefined {
    const value = this.get(name);
    if (value === undefined) return undefined;
    const match = /^\s*(?:(\d{1,5})h)?(?:(\d{1,7})m)?(?:(\d{1,9})s)?\s*$/.exec(value);
    if (!match || match.slice(1).every((part) => part === undefined)) flagInvalid(name, `${quoted(value)} is not a length of time such as 2h, 30m or 1h30m`);
    const [hours = 0, minutes = 0, seconds = 0] = match
      .slice(1)
      .map(Number)
      .map((n) => (Number.isNaN(n) ? 0 : n));
    const total = hours * 3600 + minutes * 60 + seconds;
    const words = (n: number) => (n % 3600 === 0 ? `${n / 3600}h` : n % 60 === 0 ? `${n / 60}m` : `${n}s`);
    if (total < min || total > max) flagInvalid(name, `${quoted(value)} is not from ${words(min)} to ${words(max)}`);
    return total;
  }

  /** An ISO 8601 date-time in Unix seconds, read in `timeZone` unless it carries an offset. */
  time(name: string, timeZone: string, note: (line: string) => void): number | undefined {
    const value = this.get(name);
    if (value === undefined) return undefined;
    const result = parseIsoDateTime(value, timeZone);
    if (!result.ok) flagInvalid(name, `${quoted(value)} ${result.reason}`);
    if (result.clockChange === 'gap')
      note(`note: --${name} ${value} does not happen in ${timeZone} (the clocks skip it); read as ${result.shiftMinutes} minutes later`);
    if (result.clockChange === 'repeated')
      note(`note: --${name} ${value} happens twice in ${timeZone} (the clocks go back); read as the first (give an offset such as +00:00 for the second)`);
    return Math.floor(result.epochMs / 1000);
  }
}
