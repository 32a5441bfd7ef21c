// Lint rules, including the module boundaries (docs/architecture.md, "Boundaries"). Every project
// carries one `type:` tag (what it may do) and one `scope:` tag (where it sits); Nx's
// enforce-module-boundaries checks each import against the constraints below. It reads the
// project graph Nx caches, so run lint through Nx (`npm run lint`), which refreshes that graph.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Packages that open connections or bind a framework: pure code never imports them.
const IO_PACKAGES = ['@nestjs/*', 'pg', 'amqplib', 'keyv', '@keyv/*', 'typeorm', 'express'];

// A dependency constraint per kind of project; a project must satisfy the constraint of each tag.
const TYPE_CONSTRAINTS = [
  // Decisions, schemas and contracts as data: no I/O, so they depend on nothing that does any.
  { sourceTag: 'type:pure', onlyDependOnLibsWithTags: ['type:pure'], bannedExternalImports: IO_PACKAGES },
  // Configuration reads the environment and files only; every other lib may use it.
  { sourceTag: 'type:config', onlyDependOnLibsWithTags: ['type:pure', 'type:config'], bannedExternalImports: IO_PACKAGES },
  // libs/projections is a model, not pure: flat tables are declared once as TypeORM EntitySchemas
  // (plain metadata, never a connection) and projections are written against the event store's
  // RecordedEvent. Moving either out would split the projection model across libs, so the tag
  // states what it does: typeorm is its only I/O package, and it may depend on io libs because Nx
  // cannot tell a type import apart; the path rule below limits the event store to `import type`.
  {
    sourceTag: 'type:model',
    onlyDependOnLibsWithTags: ['type:pure', 'type:config', 'type:model', 'type:io', 'type:testing'],
    bannedExternalImports: IO_PACKAGES.filter((p) => p !== 'typeorm'),
  },
  // Adapters and services. type:testing is allowed for specs and the libs' own `testing` entries.
  { sourceTag: 'type:io', onlyDependOnLibsWithTags: ['type:pure', 'type:config', 'type:model', 'type:io', 'type:testing'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:pure', 'type:config', 'type:model', 'type:io', 'type:testing'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:pure', 'type:config', 'type:model', 'type:io', 'type:testing'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:pure', 'type:config', 'type:model', 'type:io', 'type:testing'] },
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:pure', 'type:config'] },
];

// Only shared libs are importable: apps, end-to-end tests and tools talk to apps as processes.
const SCOPE_CONSTRAINTS = ['scope:shared', 'scope:app', 'scope:e2e', 'scope:tools'].map((sourceTag) => ({
  sourceTag,
  onlyDependOnLibsWithTags: ['scope:shared'],
}));

// Path rules for what tags cannot say. One rule replaces another for the same file, so every
// block lists the apps pattern again instead of dropping it.
const NO_APPS = { group: ['apps/*', '**/apps/*'], message: 'Libs and apps never import apps.' };
const EVENT_STORE_TYPES_ONLY = {
  group: ['@projectionist/event-store', '@projectionist/event-store/*'],
  allowTypeImports: true,
  message: 'Use the event store for its types only here (import type): reading and appending belong to io code.',
};
const NO_IO = { group: IO_PACKAGES, message: 'Pure code holds decisions and data only: do the I/O in an io lib or an app.' };
const restrictImports = (...patterns) => ['error', { patterns: [NO_APPS, ...patterns] }];

// Pure folders inside io and model libs: domain-commands is io because handleCommand reads and
// appends through the event store, and its deciders stay pure; so does the projection model, and
// the agent planner beside the node registry.
const PURE_FOLDERS = ['libs/domain-commands/src/deciders/**', 'libs/projections/src/model/**', 'libs/cluster-nodes/src/assignment/**'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'tmp/**', '.nx/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@nx/enforce-module-boundaries': ['error', { depConstraints: [...TYPE_CONSTRAINTS, ...SCOPE_CONSTRAINTS] }],
      '@typescript-eslint/no-restricted-imports': restrictImports(),
    },
  },
  {
    files: ['libs/projections/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrictImports(EVENT_STORE_TYPES_ONLY) },
  },
  {
    files: PURE_FOLDERS,
    ignores: ['**/*.spec.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrictImports(EVENT_STORE_TYPES_ONLY, NO_IO) },
  },
  {
    // Scripts and benchmarks may compose an app's module (e.g. the gateway without its write-guard).
    files: ['tools/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', 'libs/*/src/testing/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
