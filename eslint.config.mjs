// Lint: typescript-eslint's type-aware recommended rules over every TypeScript source and test.
// Formatting is prettier's (.prettierrc.json); `npm run lint` runs both, and `npm test` runs it.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/sample-app/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's describe/it/test return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] },
          ],
        },
      ],
      // Async methods here implement promise-returning interfaces (Store, vault storage, peer and
      // RTC fakes) without awaiting anything; `async` keeps their contract: a throw becomes a rejection.
      '@typescript-eslint/require-await': 'off',
      // A callback made before the value it reads exists reads `undefined` until then: there `let`
      // is intended, and `const` would throw.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // A leading underscore marks a parameter an interface hands us but we do not need, or a
      // property destructured only to leave it out of the rest.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Lit calls a template's event listeners (`@click=${this.save}`) with `this` bound to the host
    // element, so passing a method unbound there is correct.
    files: ['extension/**/panda-*.ts', 'widgets/**/panda-*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // Tests and benches save a platform method (crypto.subtle.sign, window.confirm, ...) to patch it
    // and call or restore the original later.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
);
