import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { renderEnvExample } from './env-example';
import { ENV_VARS } from './env-vars';

/** .env.example is what renderEnvExample writes from ENV_VARS: regenerate it with `npm run env:example`. */
describe('.env.example', () => {
  const file = readFileSync(join(__dirname, '../../../.env.example'), 'utf8');

  it('is generated from the declared variables', () => {
    expect(file).toBe(renderEnvExample());
  });

  it('sets every variable that has a default to it, and names the others', () => {
    const parsed = parseEnv(file);
    for (const v of ENV_VARS) {
      if (v.default === undefined) {
        expect(parsed[v.name]).toBeUndefined();
        expect(file).toContain(`# ${v.name}=\n`);
      } else expect(parsed[v.name]).toBe(v.default);
    }
    expect(Object.keys(parsed).sort()).toEqual(ENV_VARS.filter((v) => v.default !== undefined).map((v) => v.name).sort());
  });
});
