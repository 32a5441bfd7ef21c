import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENV_VARS } from './env-vars';

/** docs/operations.md must list every variable with the default the code uses, and nothing else. */
describe('docs/operations.md', () => {
  const doc = readFileSync(join(__dirname, '../../../docs/operations.md'), 'utf8');
  const rows = new Map(
    [...doc.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \|/gm)].map(([, name, value]) => [name, value.trim()]),
  );

  it.each(ENV_VARS.map((v) => [v.name, v.default]))('documents %s with its default', (name, value) => {
    expect(rows.get(name)).toBe(value === undefined ? '(none)' : `\`${value}\``);
  });

  it('documents no variable the code does not read', () => {
    expect([...rows.keys()].sort()).toEqual(ENV_VARS.map((v) => v.name).sort());
  });

  it.each(['gateway', 'coordinator', 'projector-worker', 'admin-ui'])('gives the start command of %s', (app) => {
    expect(doc).toContain(`- ${app}: node dist/apps/${app}/main.js`);
  });
});
