import { ENV_VARS, EnvVarSpec } from './env-vars';

/**
 * The text of `.env.example`: every variable with its meaning, the apps that read it and its
 * default; a variable without a default is left commented out. Written from ENV_VARS (as
 * docs/operations.md's table is checked against it) by `npm run env:example`.
 */
export function renderEnvExample(vars: readonly EnvVarSpec[] = ENV_VARS): string {
  const header = [
    '# Every environment variable of the apps, with its default. Copy to .env for local runs:',
    '# the apps and `npm start` read it (a variable set in the environment wins over the file).',
    '# Generated from libs/config/src/env-vars.ts by `npm run env:example`; do not edit by hand.',
  ];
  const blocks = vars.map((v) => {
    const apps = v.apps === 'all' ? 'all apps' : v.apps.join(', ');
    const comment = wrap(`${v.description} (${apps})`).map((line) => `# ${line}`);
    return [...comment, v.default === undefined ? `# ${v.name}=` : `${v.name}=${v.default}`].join('\n');
  });
  return `${header.join('\n')}\n\n${blocks.join('\n\n')}\n`;
}

function wrap(text: string, width = 98): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
