/**
 * The planner's festival files: a festival exported as a signed bundle
 * (core/replication/bundle.ts) to carry to another device or person with no network, and
 * such a file previewed ("Adds 12 new events, changes 3, 5 decisions — from Mira") and then
 * added to this copy. Every entry of a file is checked exactly as one from a peer; a file
 * with any entry that does not verify is refused whole, so nothing of it is stored.
 *
 * Someone who has part of a festival already sends their "what I have" text
 * (core/replication/heights-text.ts); the file exported against it holds only what they miss.
 *
 * Whole-file failures are -32602 with a stable `data.code`: PLANNER_FILE_TOO_LARGE,
 * PLANNER_FESTIVAL_UNKNOWN, PLANNER_HEIGHTS_INVALID (a "what I have" text that is not one,
 * or about another festival) and PLANNER_BUNDLE_INVALID (with `data.reason`, the core code:
 * BUNDLE_INVALID, BUNDLE_SIGNATURE_INVALID, or the first rejected entry's). No browser APIs in here.
 */
import { base64 } from '@scure/base';
import {
  bundleHeights,
  exportBundle,
  heightsToText,
  FestivalNode,
  importBundle,
  isHash,
  isPandaError,
  previewBundle,
  Replicator,
  textToHeights,
  type BundlePreview,
  type Hash,
  type KeyPair,
  type StoredOperation,
} from '../../core/index.js';
import { MAX_FESTIVAL_FILE_BYTES, type FestivalFile, type FestivalFileImport, type FestivalFilePreview } from '../shared/festival-file-protocol.js';
import { counted, shortKey } from '../ui/format.js';
import { base64ToBytes } from '../vault/crypto.js';
import { profileNames } from './planner-views.js';
import { fileNameParam, invalid } from './request-params.js';

const MEGABYTES = MAX_FESTIVAL_FILE_BYTES / 1024 / 1024;

/** "Lakeside 2026.panda": the festival's name without what file systems refuse. */
export function festivalFileName(name: string): string {
  const safe = name
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 80);
  return `${safe === '' ? 'festival' : safe}.panda`;
}

/** `params.data` as bytes, within the planner's limit. */
function fileBytes(params: Record<string, unknown>, name: string): Uint8Array {
  const { data } = params;
  if (typeof data !== 'string') invalid('data is the festival file’s bytes, base64');
  // Four base64 characters hold three bytes.
  if ((data.length / 4) * 3 > MAX_FESTIVAL_FILE_BYTES + 2)
    invalid(`${name} is larger than ${MEGABYTES} MB: export fewer festivals, or only what is missing`, { code: 'PLANNER_FILE_TOO_LARGE' });
  const bytes = base64ToBytes(data);
  if (!bytes) invalid('data is the festival file’s bytes, base64');
  return bytes;
}

/** The festival of `params.festivalId`, known here. */
async function knownFestival(node: FestivalNode, params: Record<string, unknown>) {
  const { festivalId } = params;
  if (!isHash(festivalId)) invalid('festivalId is a document id');
  const festival = (await node.model()).festivals.get(festivalId);
  if (!festival) invalid('That festival is not known here (deleted, or its data has not arrived yet)', { code: 'PLANNER_FESTIVAL_UNKNOWN' });
  return festival;
}

/** The heights a "what I have" text says, for `festivalId`. */
function sinceOf(text: unknown, festivalId: Hash) {
  if (typeof text !== 'string') invalid('since is a “what I have” text');
  try {
    const { festival, heights } = textToHeights(text);
    if (festival !== festivalId) invalid('That “what I have” text is about another festival', { code: 'PLANNER_HEIGHTS_INVALID' });
    return heights;
  } catch (error) {
    if (isPandaError(error, 'HEIGHTS_TEXT_INVALID')) invalid(error.message, { code: 'PLANNER_HEIGHTS_INVALID' });
    throw error;
  }
}

/** Runs `work` with a replicator over the node's store, opened for it (no connections). */
async function withReplicator<T>(node: FestivalNode, work: (replicator: Replicator) => Promise<T>): Promise<T> {
  const replicator = await Replicator.open(node.store, { schemas: node.schemas });
  try {
    return await work(replicator);
  } finally {
    replicator.close();
  }
}

/** Exports `params.festivalId` (with `params.since`, a "what I have" text: only what it lacks), signed by `signer`. */
export async function exportFestivalFile(node: FestivalNode, signer: KeyPair, params: Record<string, unknown>): Promise<FestivalFile> {
  const festival = await knownFestival(node, params);
  const since = params.since === undefined || params.since === '' ? undefined : sinceOf(params.since, festival.id);
  const bytes = await withReplicator(node, (replicator) => exportBundle(replicator, [festival.id], signer, since ? { since } : {}));
  return { fileName: festivalFileName(since ? `${festival.name} update` : festival.name), data: base64.encode(bytes), bytes: bytes.length };
}

/** This copy's "what I have" text of `params.festivalId`. */
export async function festivalHeightsText(node: FestivalNode, params: Record<string, unknown>): Promise<{ text: string }> {
  const festival = await knownFestival(node, params);
  return { text: heightsToText(festival.id, await withReplicator(node, (replicator) => bundleHeights(replicator, [festival.id]))) };
}

/** The preview of a file, or the file refused: malformed, not signed as it says, or holding an entry that does not verify. */
async function checkedPreview(node: FestivalNode, bytes: Uint8Array, name: string): Promise<BundlePreview> {
  let preview: BundlePreview;
  try {
    preview = await previewBundle(node.store, bytes, { schemas: node.schemas });
  } catch (error) {
    if (isPandaError(error, 'BUNDLE_INVALID') || isPandaError(error, 'BUNDLE_SIGNATURE_INVALID')) {
      const why = error.code === 'BUNDLE_SIGNATURE_INVALID' ? 'its signature does not hold (it was changed after it was made)' : error.message;
      invalid(`${name} is not a festival file Panda Kit can read: ${why}. Nothing was added.`, { code: 'PLANNER_BUNDLE_INVALID', reason: error.code });
    }
    throw error;
  }
  const [first] = preview.rejected;
  if (first) {
    invalid(`${name} holds ${counted(preview.rejected.length, 'entry', 'entries')} that do not verify (${first.message}). Nothing was added.`, {
      code: 'PLANNER_BUNDLE_INVALID',
      reason: first.code,
    });
  }
  return preview;
}

/** "12 new events, changes 3, 1 new resource, 5 decisions", or "nothing new". */
function additionWords(preview: BundlePreview, tense: 'adds' | 'added'): string {
  const { events, resources } = preview;
  const changes = tense === 'adds' ? 'changes' : 'changed';
  const parts = [
    ...(events.added > 0 ? [counted(events.added, 'new event')] : []),
    ...(events.changed > 0 ? [events.added > 0 ? `${changes} ${events.changed}` : `${changes} ${counted(events.changed, 'event')}`] : []),
    ...(resources.added > 0 ? [counted(resources.added, 'new resource')] : []),
    ...(resources.changed > 0 ? [`${changes} ${counted(resources.changed, 'resource')}`] : []),
    ...(preview.decisions > 0 ? [counted(preview.decisions, 'decision')] : []),
  ];
  if (parts.length === 0)
    return preview.stored > 0 ? `${tense === 'adds' ? 'Adds' : 'Added'} ${counted(preview.stored, 'entry', 'entries')} (profiles, festival details)` : '';
  const [head, ...rest] = parts;
  const lead = head!.startsWith(changes) ? head![0]!.toUpperCase() + head!.slice(1) : `${tense === 'adds' ? 'Adds' : 'Added'} ${head}`;
  return [lead, ...rest].join(', ');
}

const waitingWords = (waiting: number) =>
  waiting === 0 ? '' : `; ${counted(waiting, 'entry', 'entries')} build on ones this copy does not have yet and would not be added`;

/** What adding the file in `params.data` would do; `held`: the festivals this copy lists already. */
export async function previewFestivalFile(node: FestivalNode, held: ReadonlySet<Hash>, params: Record<string, unknown>): Promise<FestivalFilePreview> {
  const name = fileNameParam(params.name);
  const preview = await checkedPreview(node, fileBytes(params, name), name);
  const model = await new FestivalNode(preview.after, node.policies).model();
  const from = profileNames(model)[preview.publicKey] ?? shortKey(preview.publicKey);
  const adds = additionWords(preview, 'adds') || 'Adds nothing new: this copy has all of it';
  return {
    words: `${adds}${waitingWords(preview.pending)} — from ${from}`,
    festivals: preview.festivals.map((id) => ({ id, name: model.festivals.get(id)?.name ?? null, held: held.has(id) })),
    from,
    publicKey: preview.publicKey,
    createdAt: preview.createdAt,
    events: preview.events,
    resources: preview.resources,
    decisions: preview.decisions,
    entries: preview.stored,
    waiting: preview.pending,
  };
}

/**
 * Adds the file in `params.data` to this copy: checked as for the preview (refused whole,
 * nothing stored), then imported; `announce` tells the peer of each entry stored, in order,
 * so that it knows them (and live peers get them) as if they were published here.
 */
export async function importFestivalFile(
  node: FestivalNode,
  params: Record<string, unknown>,
  announce: (entry: Uint8Array, operation: Uint8Array) => Promise<void>,
): Promise<FestivalFileImport> {
  const name = fileNameParam(params.name);
  const bytes = fileBytes(params, name);
  const preview = await checkedPreview(node, bytes, name);
  const stored: StoredOperation[] = [];
  const result = await withReplicator(node, (replicator) => {
    replicator.on((event) => {
      if (event.type === 'entry') stored.push(event.operation);
    });
    return importBundle(replicator, bytes);
  });
  node.stored(stored);
  for (const operation of stored) {
    const entry = await node.store.getEntryByHash(operation.id);
    if (entry) await announce(entry.bytes, operation.bytes);
  }
  return {
    words: result.stored === 0 ? 'Nothing new: this copy had all of it' : additionWords({ ...preview, stored: result.stored }, 'added'),
    festivals: result.festivals,
    stored: result.stored,
  };
}
