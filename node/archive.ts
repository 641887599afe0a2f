/**
 * A festival's archive: a directory any static host serves as it is, and browsers open from
 * file:// where they allow modules there (Firefox; Chromium only from a host).
 *
 *   index.html              the page (./archive-page.ts): <panda-schedule src="schedule.json">
 *   panda-widgets.js        the widgets bundle, and its chunks/, as the widgets build wrote them
 *   schedule.json           frab/c3voc JSON   ┐
 *   schedule.xml            schedule.xml      ├ ./schedule-export.ts, nested festivals included
 *   schedule.ics            iCalendar         ┘
 *   festival.panda-bundle   a signed bundle of every entry of the festival's logs
 *                           (core/replication/bundle.ts): `panda import` checks each
 *                           entry's signature and takes the festival up again
 *
 * What `panda archive` writes; run again into the same directory, it replaces the files.
 */
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportBundle, type FestivalModel, type Hash, type KeyPair, type Replicator } from '../core/index.js';
import { archivePage, type ArchiveNames } from './archive-page.js';
import { festivalSchedule, SCHEDULE_FORMATS } from './schedule-export.js';

export const ARCHIVE_NAMES: ArchiveNames = {
  widgets: 'panda-widgets.js',
  frabJson: 'schedule.json',
  frabXml: 'schedule.xml',
  ical: 'schedule.ics',
  bundle: 'festival.panda-bundle',
};

/** The widgets build's chunk folder beside its entry (scripts/build-widgets.ts). */
const WIDGETS_CHUNKS = 'chunks';

export interface ArchiveOptions {
  /** A widgets build (dist/widgets): its entry and chunks are copied. */
  widgetsDir: string;
  /** When it is archived (ms; default now): the bundle's and the page's date. */
  createdAt?: number;
}

export interface ArchiveResult {
  /** The files written, relative to the directory, with their sizes. */
  files: Array<{ name: string; bytes: number }>;
  events: number;
  /** Entries in the bundle's logs, as bytes. */
  bundleBytes: number;
}

/** Whether `dir` holds a widgets build to copy. */
export function hasWidgets(dir: string): boolean {
  try {
    return statSync(join(dir, ARCHIVE_NAMES.widgets)).isFile();
  } catch {
    return false;
  }
}

/** Sizes of the files under `dir` (recursively), by name relative to it. */
function sizes(dir: string, prefix = ''): Array<{ name: string; bytes: number }> {
  const path = join(dir, prefix);
  const stat = statSync(path);
  if (!stat.isDirectory()) return [{ name: prefix, bytes: stat.size }];
  return readdirSync(path)
    .sort()
    .flatMap((name) => sizes(dir, prefix === '' ? name : `${prefix}/${name}`));
}

/**
 * Writes the archive of `festivalId` (held in `model` and the replicator's store) into
 * `outDir`, made if need be; the bundle signed by `signer`. The caller checks that the
 * festival is known and the widgets build is there; a file that cannot be written throws
 * the file system's error.
 */
export async function writeArchive(
  replicator: Replicator,
  model: FestivalModel,
  signer: KeyPair,
  festivalId: Hash,
  outDir: string,
  options: ArchiveOptions,
): Promise<ArchiveResult> {
  const schedule = festivalSchedule(model, festivalId);
  if (!schedule) throw new Error(`festival ${festivalId} is not in the model`);
  const createdAt = options.createdAt ?? Date.now();
  const bundle = await exportBundle(replicator, [festivalId], signer, { createdAt });
  mkdirSync(outDir, { recursive: true });
  const names = ARCHIVE_NAMES;
  writeFileSync(join(outDir, names.frabJson), SCHEDULE_FORMATS['frab-json'].write(schedule));
  writeFileSync(join(outDir, names.frabXml), SCHEDULE_FORMATS['frab-xml'].write(schedule));
  writeFileSync(join(outDir, names.ical), SCHEDULE_FORMATS.ical.write(schedule));
  writeFileSync(join(outDir, names.bundle), bundle);
  // Chunk names carry hashes: those of an earlier archive would linger.
  rmSync(join(outDir, WIDGETS_CHUNKS), { recursive: true, force: true });
  cpSync(join(options.widgetsDir, names.widgets), join(outDir, names.widgets));
  cpSync(join(options.widgetsDir, WIDGETS_CHUNKS), join(outDir, WIDGETS_CHUNKS), { recursive: true });
  // The page last: a directory with an index.html is a finished archive.
  writeFileSync(join(outDir, 'index.html'), archivePage(schedule, names, { at: createdAt, by: signer.publicKey() }));
  const written = new Set(['index.html', names.widgets, names.frabJson, names.frabXml, names.ical, names.bundle]);
  const files = sizes(outDir).filter((file) => written.has(file.name) || file.name.startsWith(`${WIDGETS_CHUNKS}/`));
  return { files, events: schedule.events.length, bundleBytes: bundle.length };
}
