/**
 * `panda archive --festival ID --out DIR [--widgets DIR]`: the festival's archive, a static
 * site of its schedule, downloads and signed bundle (node/archive.ts), written into DIR.
 * Prints what it wrote and its size.
 */
import { fileURLToPath } from 'node:url';
import { PandaError, Replicator } from '../core/index.js';
import { hasWidgets, writeArchive } from '../node/archive.js';
import { DataDir, defaultDataDir } from '../node/data-dir.js';
import { DocumentContext, type Output } from './document-context.js';
import { commandWords, Flags, flagMissing } from './flags.js';

const SYNOPSIS = 'archive --festival ID --out DIR [--widgets DIR]';

export const ARCHIVE_HELP = `  ${SYNOPSIS}
                             Write a static site of the festival into DIR: index.html with
                             the schedule, frab JSON and XML, iCalendar, and a signed bundle
                             of its logs (--widgets: the widgets build to copy)`;

export const isArchiveCommand = (argv: readonly string[]): boolean => commandWords(argv)[0] === 'archive';

/**
 * Where the widgets build is: beside the command in the package (dist/cli or dist/shared,
 * next to dist/widgets), or dist/widgets of a source checkout.
 */
function defaultWidgets(): string[] {
  return [fileURLToPath(new URL('../widgets/', import.meta.url)), fileURLToPath(new URL('../dist/widgets/', import.meta.url))];
}

const sizeOf = (bytes: number) => (bytes < 10_000 ? `${bytes} B` : `${(bytes / 1000).toFixed(1)} KB`);

export async function runArchive(argv: string[], output: Output, note: Output): Promise<number> {
  const flags = Flags.parse(argv, 'archive', ['festival', 'out', 'widgets'], 0, `panda ${SYNOPSIS}`);
  if (flags.help) {
    output(`Usage: panda ${SYNOPSIS}\n\n${ARCHIVE_HELP}`);
    return 0;
  }
  const festivalId = flags.get('festival') ?? flagMissing('festival', 'the festival to archive');
  const out = flags.text('out') ?? flagMissing('out', 'the directory to write the archive into');
  const given = flags.text('widgets');
  const widgetsDir = (given === undefined ? defaultWidgets() : [given]).find(hasWidgets);
  if (widgetsDir === undefined)
    throw new PandaError(
      'CLI_WIDGETS_MISSING',
      given === undefined
        ? 'no widgets build found (dist/widgets/panda-widgets.js): run npm run build, or give --widgets DIR'
        : `--widgets: ${given} holds no panda-widgets.js (a widgets build, as npm run build writes to dist/widgets)`,
    );
  const data = new DataDir(flags.data ?? defaultDataDir());
  const result = await DocumentContext.with(data, note, async (context) => {
    const festival = context.festival('--festival', festivalId);
    const replicator = await Replicator.open(context.store, { festivals: [festival.id] });
    try {
      return await writeArchive(replicator, context.model, context.signer(), festival.id, out, { widgetsDir });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) throw error;
      throw new PandaError('CLI_WRITE_FAILED', `--out: cannot write the archive into ${out} (${code})`, { flag: '--out', path: out });
    } finally {
      replicator.close();
    }
  });
  const total = result.files.reduce((sum, file) => sum + file.bytes, 0);
  output(`wrote ${result.files.length} files, ${sizeOf(total)}, to ${out}: ${result.events} events; the bundle ${sizeOf(result.bundleBytes)}`);
  return 0;
}
