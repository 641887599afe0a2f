/**
 * dist/widgets/custom-elements.json, written by `npm run build` (`custom-elements-manifest analyze`; this file is
 * found by name). Lit's `static properties` give the attributes and properties; the JSDoc of
 * each element class its @summary, @fires, @csspart and @cssprop.
 */
export default {
  globs: ['widgets/**/*.ts'],
  exclude: ['widgets/lib/**', 'widgets/peer/**', 'widgets/**/*.test.ts'],
  outdir: 'dist/widgets',
  litelement: true,
  packagejson: false,
};
