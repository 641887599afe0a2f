/**
 * Festival files, for the planner and the popup alike (same message target as their other
 * methods): a festival exported as a signed bundle to carry with no network, and such a file
 * previewed, then added (extension/background/festival-files.ts). No browser APIs in here.
 */

/** The largest festival file (signed bundle) the planner and the popup read, in bytes. */
export const MAX_FESTIVAL_FILE_BYTES = 32 * 1024 * 1024;

/** A festival file to save: a signed bundle of the festival's logs (core/replication/bundle.ts). */
export interface FestivalFile {
  /** "Lakeside 2026.panda". */
  fileName: string;
  /** The bundle, base64 (runtime messages are JSON, where bytes do not survive). */
  data: string;
  bytes: number;
}

/** What adding a festival file to this copy would do, found without storing anything. */
export interface FestivalFilePreview {
  /** "Adds 12 new events, changes 3, 5 decisions — from Mira", or "Adds nothing new — from Mira". */
  words: string;
  /** The festivals the file is about; `held`: taken part in or made here already. */
  festivals: Array<{ id: string; name: string | null; held: boolean }>;
  /** Who signed the file: their profile name, else their key, shortened. */
  from: string;
  publicKey: string;
  /** When it was made (ms since the epoch), as its maker says. */
  createdAt: number;
  events: { added: number; changed: number };
  resources: { added: number; changed: number };
  decisions: number;
  /** Entries the file would add (of every kind). */
  entries: number;
  /** Entries that wait for earlier ones neither here nor in the file, and would not be added. */
  waiting: number;
}

/** What adding a festival file did. */
export interface FestivalFileImport {
  /** "Added 12 new events, changed 3, 5 decisions", or "Nothing new: this copy had it all". */
  words: string;
  festivals: string[];
  /** Entries stored. */
  stored: number;
}

/** The festival file methods, answered for the planner and the popup. */
export interface FestivalFileMethods {
  /**
   * The festival (with its sub-festivals, documents and their writers' profiles) as a file
   * signed by the identity in use; with `since`, someone's "what I have" text, only what they
   * miss (PLANNER_HEIGHTS_INVALID for a text that is not one, or about another festival).
   */
  planner_exportFestival: { params: { festivalId: string; since?: string }; result: FestivalFile };
  /** This copy's "what I have" text of a festival (`panda-have:1:…`), for someone with more to export only what is missing. */
  planner_festivalHeights: { params: { festivalId: string }; result: { text: string } };
  /**
   * A festival file's bytes (base64) checked entry by entry as from a peer, and what it would
   * add; nothing stored. Refused with PLANNER_BUNDLE_INVALID (`data.reason`: the core code)
   * or PLANNER_FILE_TOO_LARGE. `name`: the file's name, for the errors.
   */
  planner_previewFestivalFile: { params: { data: string; name?: string }; result: FestivalFilePreview };
  /** The same checks, then stored; its festivals join the person's list. Nothing is stored from a file that is refused. */
  planner_importFestivalFile: { params: { data: string; name?: string }; result: FestivalFileImport };
}
