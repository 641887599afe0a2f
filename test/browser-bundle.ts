/**
 * Test code bundled for a browser page with esbuild, the way the builds target browsers:
 * ES modules, ES2022.
 */
import { build, type BuildOptions } from 'esbuild';

const FOR_BROWSERS: BuildOptions = { bundle: true, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent' };

/** The bundle as script text. */
export async function browserScript(options: BuildOptions): Promise<string> {
  const result = await build({ ...FOR_BROWSERS, ...options, write: false });
  return result.outputFiles[0]!.text;
}

/** The bundle written to `options.outfile`. */
export async function writeBrowserBundle(options: BuildOptions & { outfile: string }): Promise<void> {
  await build({ ...FOR_BROWSERS, ...options });
}
