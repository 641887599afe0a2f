import { tsImport } from 'tsx/esm/api';

// The npm package: every subpath's entry, its types, and the `panda` command (scripts/build-package.ts).
const { packageConfigs } = await tsImport('./scripts/build-package.ts', import.meta.url);
// The browser extension's builds (extension/build/rollup.ts, TypeScript, loaded through tsx).
const { extensionConfigs } = await tsImport('./extension/build/rollup.ts', import.meta.url);
// The widgets' one-file ES module for any site (scripts/build-widgets.ts).
const { widgetsConfig } = await tsImport('./scripts/build-widgets.ts', import.meta.url);

export default [...packageConfigs(), ...extensionConfigs(), widgetsConfig()];
