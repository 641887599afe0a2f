/**
 * What the `panda` commands that write documents share: the data directory's store and
 * festival model, the peer's identity as the signer, lookups of the documents a flag names
 * (CLI_NOT_FOUND when it names nothing known here), the owner check (CLI_NOT_ALLOWED: a
 * change by anyone else would not count), and the festival model's refusals
 * (DOCUMENT_INVALID) told as the flag that caused them.
 */
import {
  FestivalNode,
  hashingReady,
  isHash,
  isPandaError,
  PandaError,
  type Festival,
  type FestivalEvent,
  type FestivalModel,
  type Hash,
  type KeyPair,
  type Resource,
} from '../core/index.js';
import type { DataDir } from '../node/data-dir.js';
import { SqliteStore } from '../node/sqlite-store.js';
import { invalid, quoted } from './flags.js';

export type Output = (line: string) => void;

/** Festival fields whose flag has another name. */
const FLAG_OF_FIELD: Record<string, string> = { position: 'geo', depends_on: 'depends-on' };

export class DocumentContext {
  private constructor(
    readonly data: DataDir,
    readonly store: SqliteStore,
    readonly node: FestivalNode,
    readonly model: FestivalModel,
    readonly note: Output,
  ) {}

  /** Runs `work` on the data directory's store (made if new), closing it afterwards. */
  static async with<T>(data: DataDir, note: Output, work: (context: DocumentContext) => Promise<T>): Promise<T> {
    await hashingReady();
    data.ensure();
    const store = new SqliteStore(data.databasePath);
    try {
      const node = new FestivalNode(store);
      return await work(new DocumentContext(data, store, node, await node.model(), note));
    } finally {
      store.close();
    }
  }

  /** This peer's public key, if it has an identity yet (without one it owns nothing). */
  get publicKey(): string | undefined {
    return this.data.hasIdentity() ? this.data.identity().publicKey() : undefined;
  }

  /** The identity that signs, made on first use. */
  signer(): KeyPair {
    return this.data.identityOrCreate();
  }

  /** `label`: the flag (`--parent`) or word (`the festival id`) that gave `id`. */
  #known<T>(map: ReadonlyMap<Hash, T>, label: string, id: string, what: string): T {
    if (!isHash(id)) invalid(label, `${quoted(id)} is not a document id (68 hex characters starting with 0020)`);
    const found = map.get(id);
    if (found !== undefined) return found;
    const why = this.model.deleted.has(id)
      ? 'it is deleted'
      : this.model.invalid.some((item) => item.id === id)
        ? 'it breaks the festival rules'
        : 'not received yet? join its festival and let `panda serve` receive it';
    throw new PandaError('CLI_NOT_FOUND', `${label}: no ${what} ${id} in ${this.data.path} (${why})`, { flag: label, id });
  }

  festival(label: string, id: string): Festival {
    return this.#known(this.model.festivals, label, id, 'festival');
  }

  resource(label: string, id: string): Resource {
    return this.#known(this.model.resources, label, id, 'resource');
  }

  event(label: string, id: string): FestivalEvent {
    return this.#known(this.model.events, label, id, 'event');
  }

  /** Refuses to change a document this peer does not own: the model would ignore the change. */
  assertOwns(document: { id: Hash; owner: string }, what: string): void {
    const self = this.publicKey;
    if (self !== undefined && this.model.actsFor(self, document.owner)) return;
    throw new PandaError(
      'CLI_NOT_ALLOWED',
      `${what} ${document.id} belongs to ${this.nameOf(document.owner)}; this peer (${self ?? 'no identity yet'}) cannot change it`,
      { id: document.id },
    );
  }

  /** A user's profile name, or their key. */
  nameOf(publicKey: string): string {
    const name = this.model.profileOf(publicKey)?.name;
    return name ? `${name} (${publicKey.slice(0, 8)}…)` : publicKey;
  }

  /** The festival with every festival it is nested in or that is nested in it, at any depth. */
  festivalFamily(festivalId: Hash): Set<Hash> {
    let root = festivalId;
    const seen = new Set<Hash>([root]);
    for (let parent = this.model.festivals.get(root)?.parent; parent !== undefined && !seen.has(parent); parent = this.model.festivals.get(parent)?.parent) {
      seen.add(parent);
      if (this.model.festivals.has(parent)) root = parent;
    }
    return new Set(this.model.festivalTree(root));
  }

  /** Signs through `work`; the model's refusal becomes the flag of the field it names. */
  async sign<T>(work: (signer: KeyPair) => Promise<T>): Promise<T> {
    try {
      return await work(this.signer());
    } catch (error) {
      if (!isPandaError(error, 'DOCUMENT_INVALID')) throw error;
      // The model's reasons start with the field: "end is not after start" becomes "--end is not after start".
      const field = /^\w+/.exec(error.message)?.[0] ?? '';
      const flag = `--${FLAG_OF_FIELD[field] ?? field}`;
      throw new PandaError('CLI_FLAG_INVALID', `${flag}${error.message.slice(field.length)}`, { flag, reason: error.message });
    }
  }

  /** Says so (on stderr) when a span lies outside its festival's: allowed, but likely a typo. */
  noteOutside(what: string, span: { start: number; end: number }, festival: Festival | undefined): void {
    if (festival && (span.start < festival.start || span.end > festival.end)) {
      this.note(
        `note: ${what} lies outside ${festival.name} (${new Date(festival.start * 1000).toISOString()} to ${new Date(festival.end * 1000).toISOString()})`,
      );
    }
  }
}
