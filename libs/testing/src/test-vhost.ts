import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TEST_AMQP_URL, uniqueNamespace } from './test-namespace';

const run = promisify(execFile);

export interface TestVhost {
  readonly vhost: string;
  /** AMQP_URL pointing at the vhost. */
  readonly url: string;
  /** Closes every connection of the vhost, as a broker restart would. */
  dropConnections(): Promise<void>;
  drop(): Promise<void>;
}

/** A RabbitMQ virtual host of its own (needs rabbitmqctl, as on the CI machine), so test files never share queues. */
export async function createTestVhost(label: string): Promise<TestVhost> {
  const vhost = uniqueNamespace(label);
  await run('rabbitmqctl', ['-q', 'add_vhost', vhost]);
  await run('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*']);
  const url = new URL(TEST_AMQP_URL);
  url.pathname = `/${vhost}`;
  return {
    vhost,
    url: url.toString(),
    dropConnections: async () => void (await run('rabbitmqctl', ['-q', 'close_all_connections', '--vhost', vhost, 'test: simulated broker restart'])),
    drop: async () => void (await run('rabbitmqctl', ['-q', 'delete_vhost', vhost])),
  };
}
