// `npm start`: builds the apps and runs a local cluster against the default service URLs
// (1 gateway, 1 coordinator, 2 projector workers, the admin UI on 4200), with their logs
// interleaved and prefixed.
// Ctrl-C stops them all.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import readline from 'node:readline';

// .env (or ENV_FILE) as the apps read it, so that its ADMIN_TOKEN and URLs reach every app of the
// cluster; the environment wins over the file.
const envFile = process.env.ENV_FILE || '.env';
if (existsSync(envFile)) process.loadEnvFile(envFile);

// See docs/operations.md: a larger young generation speeds rebuilds up.
const WORKER_NODE_OPTIONS = '--max-semi-space-size=64';
// How the workers share the projections (docs/operations.md): `distributed` spreads the agents over
// both, `hotcold` runs them all on one; DAEMON_DISTRIBUTION=hotcold npm start to try the other.
const DISTRIBUTION = process.env.DAEMON_DISTRIBUTION || 'distributed';
const cluster = [
  { app: 'gateway', env: { PORT: '3000', NODE_ID: 'gateway-1' } },
  { app: 'coordinator', env: { PORT: '3200', NODE_ID: 'coordinator-1' } },
  { app: 'projector-worker', env: { PORT: '3100', NODE_ID: 'worker-1', NODE_OPTIONS: WORKER_NODE_OPTIONS, DAEMON_DISTRIBUTION: DISTRIBUTION } },
  { app: 'projector-worker', env: { PORT: '3101', NODE_ID: 'worker-2', NODE_OPTIONS: WORKER_NODE_OPTIONS, DAEMON_DISTRIBUTION: DISTRIBUTION } },
  { app: 'admin-ui', env: { PORT: '4200', NODE_ID: 'admin-ui-1', GATEWAY_URL: 'http://127.0.0.1:3000' } },
];
const colors = [36, 35, 33, 32, 34];

const build = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--projects=gateway,coordinator,projector-worker,admin-ui'], {
  stdio: 'inherit',
  env: { ...process.env, NX_DAEMON: 'false' },
});
if (build.status !== 0) process.exit(build.status ?? 1);
process.stdout.write('Admin UI: http://localhost:4200 (token: $ADMIN_TOKEN, default dev-admin-token)\n');

const children = cluster.map(({ app, env }, i) => {
  const label = `\x1b[${colors[i % colors.length]}m${env.NODE_ID.padEnd(14)}\x1b[0m│ `;
  const child = spawn(process.execPath, [`dist/apps/${app}/main.js`], {
    env: { ADMIN_TOKEN: 'dev-admin-token', ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => process.stdout.write(label + line + '\n'));
  }
  child.on('exit', (code, signal) => {
    process.stdout.write(`${label}exited (${signal ?? code})\n`);
    if (!stopping) stop(1);
  });
  return child;
});

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 5000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.on('exit', r))))).then(() => process.exit(code));
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
