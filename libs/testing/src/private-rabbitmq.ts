import { execFile } from 'node:child_process';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForPort } from './free-port';
import { uniqueNamespace } from './test-namespace';

const run = promisify(execFile);

export interface PrivateRabbitMq {
  readonly url: string;
  /** Stops the whole node (every connection drops; durable queues and persistent messages stay on disk). */
  stop(): Promise<void>;
  /** Starts the node again on the same port and data directory. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A RabbitMQ node of the test's own (its own name, ports and data directory), so a test can
 * restart the broker without disturbing the other test files that share the machine's RabbitMQ.
 * Needs rabbitmq-server and rabbitmqctl, as on the CI machine; starting takes a few seconds.
 */
export async function startPrivateRabbitMq(label: string): Promise<PrivateRabbitMq> {
  const name = uniqueNamespace(label).replace(/_/g, '-');
  const node = `${name}@localhost`;
  const [port, distPort] = [await freePort(), await freePort()];
  const dir = join(tmpdir(), `projectionist-${name}`);
  await mkdir(dir, { recursive: true });
  // The server runs as the rabbitmq user when started by root.
  await chmod(dir, 0o777);
  await writeFile(join(dir, 'rabbitmq.conf'), `listeners.tcp.local = 127.0.0.1:${port}\n`);
  await writeFile(join(dir, 'enabled_plugins'), '[].\n');
  const env = {
    ...process.env,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
  };
  const start = async () => {
    try {
      await run('rabbitmq-server', ['-detached'], { env, cwd: tmpdir() });
    } catch (error) {
      throw new Error(`rabbitmq-server could not be started (is it installed?): ${(error as Error).message}`, { cause: error });
    }
    await waitForPort(port, true, 60_000).catch((error: Error) => {
      throw new Error(`${error.message}; see the node's log in ${join(dir, 'log')}`, { cause: error });
    });
  };
  const stop = async () => {
    await run('rabbitmqctl', ['-q', '-n', node, 'stop'], { env }).catch(() => undefined);
    await waitForPort(port, false, 30_000);
  };
  await start();
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    start,
    stop,
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
