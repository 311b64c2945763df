// `npm run lint` = this (ESLint + typescript-eslint), `prettier --check` and `tsc --noEmit`.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {ignores: ['node_modules/', 'dist/', 'out/', 'build/', 'docs/api/']},
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {globals: {...globals.browser, ...globals.node, ...globals.jasmine}},
    rules: {
      // tfjs's backends and kernel attributes are loosely typed; `any` at those seams is deliberate.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none'},
      ],
      // Mutually recursive helpers and classes defined after use read better top-down.
      'no-use-before-define': 'off',
      eqeqeq: ['error', 'always', {null: 'ignore'}],
      'prefer-const': 'error',
      'no-var': 'error',
      // The target library (ES2020) has no Error `cause`: messages carry the cause's text instead.
      'preserve-caught-error': 'off',
    },
  },
  {files: ['**/*.cjs', '**/*.cts'], rules: {'@typescript-eslint/no-require-imports': 'off'}},
  // The package check's fixture also runs as a classic script in the page of test/package/browser.html.
  {files: ['test/package/*.cjs'], rules: {'no-var': 'off', 'no-useless-assignment': 'off'}},
);
