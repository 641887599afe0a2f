/**
 * `panda devices offer|add|join|list|remove`: linking a second device to this peer's user
 * (core/identity/pairing.ts has the protocol and why it holds). On device A:
 *
 *   panda devices add                  prints an offer code, reads the reply code, shows the
 *                                      new device's fingerprint, asks, then signs
 *   panda devices offer                the same in two steps, for scripts: prints an offer
 *   panda devices add --reply CODE     (kept in <data>/pairing.json until it expires) ...
 *                                      ... and checks the reply against it; --yes skips asking
 *
 * and on device B, `panda devices join CODE` prints the reply code and B's fingerprint.
 * Linking signs an update of A's profile that lists B in `devices`; a user has one profile,
 * which travels to every festival they write in, so B acts as A in all of them at once.
 * `remove` signs an update without B. The updates themselves are core's (festival/devices.ts),
 * which the extension's popup signs through too. Every refusal is one line with its stable code
 * (PAIRING_EXPIRED, PAIRING_USED, ...), and nothing is signed then.
 */
import { createInterface } from 'node:readline';
import QRCode from 'qrcode';
import {
  acceptPairingReply,
  answerPairingOffer,
  createPairingOffer,
  decodePairingOffer,
  decodePairingReply,
  deviceFingerprint,
  encodePairingOffer,
  encodePairingReply,
  deviceOwnerProfile,
  linkDevice,
  linkedDevices,
  MAX_PAIRING_TTL_SECONDS,
  PandaError,
  unlinkDevice,
  type Profile,
} from '../core/index.js';
import { DataDir, defaultDataDir } from '../node/data-dir.js';
import { DocumentContext, type Output } from './document-context.js';
import { commandWords, Flags, flagMissing, usage } from './flags.js';

/** Asks a person a question (on stderr) and resolves with the line they type; undefined at the end of input. */
export type Ask = (question: string) => Promise<string | undefined>;

export const DEVICES_HELP = `  devices add [--yes] [--name N] [--ttl 10m]
                             Link another device to this user: prints an offer code (and QR
                             code), reads the reply code the other device prints, shows its
                             fingerprint to compare and asks before signing (--yes: don't
                             ask; --name: the profile's name if this peer has none yet)
  devices offer [--ttl 10m]  Only print an offer code (kept in <data>/pairing.json until it
                             expires), for a later devices add --reply CODE [--yes]
  devices join CODE          On the new device: answer an offer code; prints the reply code
                             and this device's fingerprint
  devices list               The devices linked to this user, with fingerprints and names
  devices remove KEY         Unlink a device (KEY: its public key, or 8 or more of its first
                             hex digits): its documents and decisions no longer count as this
                             user's, earlier ones included
`;

const SUBCOMMANDS: Record<string, { flags: string[]; booleans?: string[]; positionals: number; synopsis: string }> = {
  offer: { flags: ['ttl'], positionals: 0, synopsis: 'panda devices offer [--ttl 10m]' },
  add: { flags: ['reply', 'ttl', 'name'], booleans: ['yes'], positionals: 0, synopsis: 'panda devices add [--reply CODE] [--yes] [--name N] [--ttl 10m]' },
  join: { flags: [], positionals: 1, synopsis: 'panda devices join CODE' },
  list: { flags: [], positionals: 0, synopsis: 'panda devices list' },
  remove: { flags: [], positionals: 1, synopsis: 'panda devices remove KEY' },
};

const now = () => Math.floor(Date.now() / 1000);

export function isDevicesCommand(argv: readonly string[]): boolean {
  return commandWords(argv)[0] === 'devices';
}

/** Questions answered on stdin, line by line (piped input included: lines that come early wait). */
function stdinQuestions(note: Output): { ask: Ask; close(): void } {
  let reader: ReturnType<typeof createInterface> | undefined;
  const lines: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  let ended = false;
  const open = () => {
    reader = createInterface({ input: process.stdin, terminal: false });
    reader.on('line', (line) => (waiting.length > 0 ? waiting.shift()!(line) : lines.push(line)));
    reader.on('close', () => {
      ended = true;
      for (const resolve of waiting.splice(0)) resolve(undefined);
    });
  };
  return {
    ask(question) {
      if (!reader) open();
      note(question);
      if (lines.length > 0) return Promise.resolve(lines.shift());
      if (ended) return Promise.resolve(undefined);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => reader?.close(),
  };
}

/** Runs `panda devices ...`; resolves with the exit code. `ask` reads answers (default: stdin). */
export async function runDevicesCommand(argv: string[], output: Output, note: Output, ask?: Ask): Promise<number> {
  const sub = commandWords(argv)[1];
  const spec = sub === undefined ? undefined : SUBCOMMANDS[sub];
  if (!spec)
    usage(`devices ${sub === undefined ? 'needs' : `has no "${sub}"; it takes`} one of ${Object.keys(SUBCOMMANDS).join(', ')} (see panda devices --help)`);
  const flags = Flags.parse(argv, `devices ${sub}`, spec.flags, spec.positionals, spec.synopsis, spec.booleans);
  if (flags.help) {
    output(`Usage: ${spec.synopsis}\n\n${DEVICES_HELP}`);
    return 0;
  }
  const data = new DataDir(flags.data ?? defaultDataDir());
  const stdin = ask ? undefined : stdinQuestions(note);
  try {
    const questions = ask ?? stdin!.ask;
    switch (sub) {
      case 'offer':
        await makeOffer(flags, data, output, note);
        return 0;
      case 'add':
        return await addDevice(flags, data, output, note, questions);
      case 'join':
        await join(flags, data, output, note);
        return 0;
      case 'list':
        await DocumentContext.with(data, note, async (context) => list(context, output));
        return 0;
      default:
        await DocumentContext.with(data, note, async (context) => remove(flags, context, output));
        return 0;
    }
  } finally {
    stdin?.close();
  }
}

/** The code as a QR code in the terminal (only on one: in a log file it would be noise). */
async function showCode(code: string, note: Output): Promise<void> {
  if (process.stderr.isTTY) note(await QRCode.toString(code, { type: 'terminal', small: true }));
}

/** Makes an offer, keeps it in the data directory and prints its code. */
async function makeOffer(flags: Flags, data: DataDir, output: Output, note: Output): Promise<void> {
  const ttl = flags.duration('ttl', 1, MAX_PAIRING_TTL_SECONDS);
  const time = now();
  const offer = createPairingOffer(data.identityOrCreate().publicKey(), time, ttl === undefined ? {} : { ttl });
  data.savePairingOffers([...data.pairingOffers(time), offer], time);
  const code = encodePairingOffer(offer);
  await showCode(code, note);
  output(code);
  note(`On the new device: panda devices join ${code}`);
  note(`(or scan the QR code); the offer is open until ${new Date(offer.expiresAt * 1000).toISOString()} and links one device.`);
}

/** Checks a reply against the offers made here, shows the fingerprint, and signs the profile update once confirmed. */
async function addDevice(flags: Flags, data: DataDir, output: Output, note: Output, ask: Ask): Promise<number> {
  const replyFlag = flags.get('reply');
  if (replyFlag !== undefined && flags.has('ttl')) usage('--ttl is for a new offer; with --reply the offer was made by panda devices offer');
  return DocumentContext.with(data, note, async (context) => {
    const signer = context.signer();
    const profile = context.model.profileOf(signer.publicKey());
    // Checked before the offer is used up: without a profile there is nothing to list the device in.
    const name = profile ? undefined : (flags.text('name') ?? flagMissing('name', 'this peer has no profile yet; the name people see for this user'));
    if (replyFlag === undefined) await makeOffer(flags, data, output, note);
    const text = replyFlag ?? (await ask('Then type or paste the reply code it prints:'));
    if (text === undefined || text.trim() === '') usage('no reply code given: run panda devices join CODE on the new device and give its reply');
    const reply = decodePairingReply(text);
    const time = now();
    const offers = data.pairingOffers(time);
    const accepted = await acceptPairingReply(signer.publicKey(), offers, reply, time);
    // One-time: used up now, whatever the person answers (a fingerprint they decline means
    // someone else answered the offer).
    accepted.offer.usedBy = accepted.device;
    data.savePairingOffers(offers, time);
    note(`New device ${accepted.device}`);
    note(`fingerprint ${accepted.fingerprint}: the new device shows it too; link only if they are the same.`);
    if (!flags.is('yes')) {
      const answer = await ask('Link this device? [y/N]');
      if (!/^\s*y(es)?\s*$/i.test(answer ?? '')) {
        note('Not linked: nothing signed. Make a new offer to try again.');
        return 1;
      }
    }
    const result = await context.sign((key) => linkDevice(context.node, key, accepted.device, name === undefined ? {} : { name }));
    if (!result.changed) {
      output(`${accepted.device} is linked already (profile ${result.profileId})`);
      return 0;
    }
    output(`linked ${accepted.device} (${accepted.fingerprint}) to profile ${result.profileId}`);
    note('It acts as this user in every festival this profile reaches; panda serve passes the update on to peers.');
    return 0;
  });
}

/** On the new device: the reply code to an offer, and this device's fingerprint. */
async function join(flags: Flags, data: DataDir, output: Output, note: Output): Promise<void> {
  const offer = decodePairingOffer(flags.positionals[0] ?? usage('the offer code is missing: panda devices join CODE'));
  const self = data.identityOrCreate();
  const reply = encodePairingReply(await answerPairingOffer(offer, self, now()));
  await showCode(reply, note);
  output(reply);
  note(`This device: ${self.publicKey()}`);
  note(`fingerprint ${deviceFingerprint(self.publicKey())}: the other device (${offer.vault.slice(0, 16)}…) must show the same before you confirm.`);
}

function list(context: DocumentContext, output: Output): void {
  const self = context.signer().publicKey();
  output(`this device: ${self}  ${deviceFingerprint(self)}`);
  const person = deviceOwnerProfile(context.model, self);
  if (person) output(`linked to ${context.nameOf(person.owner)}: acts as that user (profile ${person.id})`);
  const profile = context.model.profileOf(self);
  if (!profile) {
    output('no profile here yet, so no linked devices (panda devices add links one)');
    return;
  }
  const festivals = context.data.config().festivals.map((festival) => context.model.festivals.get(festival.id)?.name ?? festival.id);
  output(`profile ${profile.id} (${profile.name || 'no name'}): ${profile.devices.length} linked device${profile.devices.length === 1 ? '' : 's'}`);
  output(`  counts in every festival the profile reaches; joined here: ${festivals.join(', ') || 'none'}`);
  for (const device of linkedDevices(context.model, self)) output(`  ${device.publicKey}  ${device.fingerprint}${device.name ? `  ${device.name}` : ''}`);
}

/** The linked device `word` names: its key, or a prefix of 8 or more hex digits naming one. */
function linkedDevice(profile: Profile, word: string): string {
  const prefix = word.trim().toLowerCase();
  const matches = /^[0-9a-f]{8,64}$/.test(prefix) ? profile.devices.filter((key) => key.startsWith(prefix)) : [];
  if (matches.length === 1) return matches[0]!;
  throw new PandaError(
    'CLI_NOT_FOUND',
    matches.length > 1
      ? `"${word}" starts ${matches.length} linked devices' keys: give more of it`
      : `"${word}" is not a device linked to this user (panda devices list shows them)`,
    { key: word },
  );
}

async function remove(flags: Flags, context: DocumentContext, output: Output): Promise<void> {
  const word = flags.positionals[0] ?? usage('the device key is missing: panda devices remove KEY');
  const profile = context.model.profileOf(context.signer().publicKey());
  if (!profile) throw new PandaError('CLI_NOT_FOUND', 'this peer has no profile, so no linked devices', { key: word });
  const device = linkedDevice(profile, word);
  await context.sign((key) => unlinkDevice(context.node, key, device));
  output(`unlinked ${device} from profile ${profile.id}`);
  context.note("Its documents and decisions no longer count as this user's, earlier ones included, wherever the update arrives.");
}
