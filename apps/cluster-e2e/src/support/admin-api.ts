import { createTestVhost, TestVhost, waitFor } from '@projectionist/testing';
import { AppProcess } from './app-process';
import { TestCluster } from './test-cluster';

/** A cluster on a RabbitMQ vhost of its own, created before the file's tests and closed after them. */
export function clusterOnOwnVhost(label: string, env: Record<string, string> = {}): { readonly cluster: TestCluster } {
  const bed = {} as { cluster: TestCluster; vhost: TestVhost };
  beforeAll(async () => {
    bed.vhost = await createTestVhost(label);
    bed.cluster = await TestCluster.create(label, { AMQP_URL: bed.vhost.url, ...env });
  });
  afterAll(async () => {
    await bed.cluster.close();
    await bed.vhost.drop();
  });
  return bed;
}

/** Requests to a gateway with the admin token, JSON in and out, each bounded by 10 s. */
export function adminApi(token: string) {
  const api = (gateway: AppProcess, path: string, init: RequestInit = {}) =>
    fetch(gateway.url + path, {
      ...init,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
      signal: AbortSignal.timeout(10_000),
    });
  const post = (gateway: AppProcess, path: string, body: object) => api(gateway, path, { method: 'POST', body: JSON.stringify(body) });
  return { api, post };
}

/** Waits until a rebuild run, as `read` returns it, has ended: Completed, Failed or Cancelled. */
export function runEnded<T extends { phase: string }>(read: () => Promise<T>, timeoutMs: number): Promise<T> {
  return waitFor(
    'the run ended',
    async () => {
      const run = await read();
      return ['Completed', 'Failed', 'Cancelled'].includes(run.phase) ? run : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}
