import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import esbuild from 'esbuild';

// Debian's Chromium: nothing downloads a browser. The flags keep it quiet on a machine
// without network access and let it run as root in CI.
// Dexie's package exports send `import` to import-wrapper.mjs, which imports the UMD build
// (dist/dexie.js) as if it were ESM: fine for bundlers, a SyntaxError in a browser loading
// modules unbundled. Serve Dexie's own ES module build instead.
const dexieEsm = {
  name: 'dexie-esm',
  resolveImport({ source }) {
    if (source === 'dexie') return '/node_modules/dexie/dist/dexie.mjs';
  },
};

// qrcode and jsqr are CommonJS only: serve each (qrcode's browser build) bundled as one ES module.
const COMMONJS = { qrcode: "export { default } from 'qrcode/lib/browser.js';", jsqr: "export { default } from 'jsqr';" };
const commonjsEsm = {
  name: 'commonjs-esm',
  resolveImport({ source }) {
    if (source in COMMONJS) return `/__${source}.mjs`;
  },
  async serve(context) {
    const name = /^\/__([a-z]+)\.mjs$/.exec(context.path)?.[1];
    if (!name || !(name in COMMONJS)) return;
    const result = await esbuild.build({
      stdin: { contents: COMMONJS[name], resolveDir: process.cwd() },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    return { body: result.outputFiles[0].text, type: 'js' };
  },
};

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  plugins: [dexieEsm, commonjsEsm, esbuildPlugin({ ts: true, target: 'es2022' })],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
      },
    }),
  ],
  testFramework: { config: { timeout: 20000 } },
  concurrency: 1,
};
