import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './free-port';

export interface PrivatePostgres {
  readonly port: number;
  /** The connection string over `address` (default loopback). */
  url(address?: string): string;
  close(): Promise<void>;
}

export interface PrivatePostgresOptions {
  /** Addresses to listen on besides 127.0.0.1 (e.g. a veth address a network namespace reaches). */
  readonly listen?: readonly string[];
  /** Client networks let in without a password besides loopback (CIDR). */
  readonly trust?: readonly string[];
}

/** The newest server installed from Debian's packages (`/usr/lib/postgresql/<version>/bin`). */
function serverBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin/postgres'))) : [];
  if (versions.length === 0) throw new Error(`no PostgreSQL server under ${root} (apt-get install postgresql)`);
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

/** PostgreSQL refuses to run as root: as root, run it as the packages' `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A PostgreSQL server of the test's own in a temporary folder, for a test that needs what the
 * machine's shared server cannot give it: another listen address, or a fault of its own. Data
 * is not made durable (fsync off); `close` stops it at once and removes the folder.
 */
export async function startPrivatePostgres(options: PrivatePostgresOptions = {}): Promise<PrivatePostgres> {
  const bin = serverBinDir();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'projectionist-pg-'));
  const data = join(dir, 'data');
  if (user) chownSync(dir, user.uid, user.gid);
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], { encoding: 'utf8', ...user });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.error?.message}`);
  }
  for (const cidr of options.trust ?? []) appendFileSync(join(data, 'pg_hba.conf'), `host all all ${cidr} trust\n`);

  const port = await freePort();
  const listen = ['127.0.0.1', ...(options.listen ?? [])].join(',');
  const settings = { listen_addresses: listen, port: String(port), unix_socket_directories: dir, fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '100' };
  const server: ChildProcess = spawn(join(bin, 'postgres'), ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])], { stdio: 'ignore', ...user });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const close = async () => {
    // SIGQUIT: immediate shutdown, which does not wait for sessions of clients that vanished.
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGQUIT');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, true, 20_000);
  } catch (error) {
    await close();
    throw error;
  }
  return { port, url: (address = '127.0.0.1') => `postgres://postgres@${address}:${port}/postgres`, close };
}
