import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Reads `ENV_FILE` (default `.env`, from the working directory) into `env` for local runs. A
 * variable already set in the environment wins over the file, so a deployment's own
 * configuration is never overridden by a file left in the image. Returns the file read, if any.
 */
export function loadEnvFile(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const path = resolve(cwd, env.ENV_FILE || '.env');
  if (!existsSync(path)) return undefined;
  for (const [name, value] of Object.entries(parseEnv(readFileSync(path, 'utf8')))) {
    if (env[name] === undefined) env[name] = value;
  }
  return path;
}
