// Lint rules, including the module boundaries: pure libs (decisions, schemas, contracts) may
// not import I/O or framework packages, and libs never import apps.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const IO_PACKAGES = ['@nestjs/*', 'pg', 'amqplib', 'keyv', '@keyv/*', 'typeorm', 'express'];
const PURE_LIBS = ['libs/domain-events/**', 'libs/messaging-contracts/**', 'libs/rebuild-state/**', 'libs/domain-commands/src/deciders/**', 'libs/projections/src/model/**'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'tmp/**', '.nx/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { patterns: [{ group: ['apps/*', '**/apps/*'], message: 'Libs and apps never import apps.' }] }],
    },
  },
  {
    files: PURE_LIBS.map((p) => `${p}/*.ts`).concat(PURE_LIBS),
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: IO_PACKAGES, message: 'Pure libs hold decisions and data only: do the I/O in an io lib or an app.' }] },
      ],
    },
  },
  {
    // Scripts and benchmarks may compose an app's module (e.g. the gateway without its write-guard).
    files: ['tools/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', 'libs/*/src/testing/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
