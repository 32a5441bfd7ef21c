import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvFile } from './env-file';

describe('loadEnvFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'env-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads .env from the working directory, the environment winning over the file', () => {
    writeFileSync(join(dir, '.env'), 'FROM_FILE=file\nSET_BEFORE=file\n# a comment\nQUOTED="a b"\n');
    const env: NodeJS.ProcessEnv = { SET_BEFORE: 'environment' };
    expect(loadEnvFile(env, dir)).toBe(join(dir, '.env'));
    expect(env).toEqual({ FROM_FILE: 'file', SET_BEFORE: 'environment', QUOTED: 'a b' });
  });

  it('reads the file ENV_FILE names, and skips a missing one', () => {
    writeFileSync(join(dir, 'other.env'), 'FROM_FILE=other\n');
    const env: NodeJS.ProcessEnv = { ENV_FILE: 'other.env' };
    expect(loadEnvFile(env, dir)).toBe(join(dir, 'other.env'));
    expect(env.FROM_FILE).toBe('other');
    const untouched: NodeJS.ProcessEnv = { ENV_FILE: 'missing.env' };
    expect(loadEnvFile(untouched, dir)).toBeUndefined();
    expect(untouched).toEqual({ ENV_FILE: 'missing.env' });
  });
});
