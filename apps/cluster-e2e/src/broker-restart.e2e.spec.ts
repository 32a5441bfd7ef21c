import { PrivateRabbitMq, PrivateRedis, startPrivateRabbitMq, startPrivateRedis, waitFor } from '@projectionist/testing';
import { AppProcess } from './support/app-process';
import { expectProjectionsMatchReference } from './support/projection-equality';
import { TestCluster } from './support/test-cluster';

const TOKEN = 'e2e-token';

interface NodeView {
  nodeId: string;
  status: string;
  details: { broker?: string; sharedState?: string };
}

/**
 * RabbitMQ, then Redis, restarted under a running cluster (gateway, coordinator, worker as real
 * processes, each service a private instance of this test so nothing else is disturbed): every
 * app reconnects by itself, requests that need the broker get a clear 503 meanwhile, the
 * write-guard answers from PostgreSQL while Redis is down, and rebuilds afterwards complete.
 */
describe('broker and cache restarts under a running cluster', () => {
  let rabbit: PrivateRabbitMq;
  let redis: PrivateRedis;
  let cluster: TestCluster;
  let gateway: AppProcess;

  beforeAll(async () => {
    [rabbit, redis] = await Promise.all([startPrivateRabbitMq('restarts'), startPrivateRedis()]);
    cluster = await TestCluster.create('restarts', { AMQP_URL: rabbit.url, REDIS_URL: redis.url, ADMIN_TOKEN: TOKEN, NODE_HEARTBEAT_MS: '250' });
  });
  afterAll(async () => {
    await cluster?.close();
    await Promise.all([rabbit?.close(), redis?.close()]);
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(gateway.url + path, {
      ...init,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) },
      signal: AbortSignal.timeout(10_000),
    });
  const post = (path: string, body: object) => api(path, { method: 'POST', body: JSON.stringify(body) });
  const writeStatus = async () => (await post('/api/customers', { name: 'Writer' })).status;
  const phase = async (id: string) => ((await (await api(`/api/admin/rebuilds/${id}`)).json()) as { phase: string }).phase;
  const requestRebuild = async () => {
    const response = await post('/api/admin/projections/ActiveProject/rebuilds', { mode: 'blocking' });
    expect(response.status).toBe(202);
    return ((await response.json()) as { rebuildId: string }).rebuildId;
  };
  const completed = (id: string) =>
    waitFor(`run ${id} ended`, async () => {
      const p = await phase(id);
      if (p === 'Failed' || p === 'Cancelled') throw new Error(`run ${id} ${p}`);
      return p === 'Completed';
    }, { timeoutMs: 60_000 });
  /** Every app's own view of its connections, as its heartbeat reports it. */
  const nodes = async () => (await (await api('/api/admin/nodes')).json()) as NodeView[];
  const everyNode = (description: string, check: (n: NodeView) => boolean) =>
    waitFor(description, async () => {
      const all = await nodes();
      return all.length === 3 && all.every(check);
    }, { timeoutMs: 30_000, intervalMs: 100 });
  /** While the run is active every write is held and reads go on; afterwards writes are accepted again. */
  const expectGuardedRebuild = async () => {
    const id = await requestRebuild();
    const held = await waitFor('a write held', async () => {
      expect(await phase(id)).not.toBe('Completed');
      const response = await post('/api/customers', { name: 'During' });
      return response.status === 503 ? response : undefined;
    }, { timeoutMs: 5_000 });
    expect(await held.json()).toMatchObject({ error: 'WRITES_HELD', projection: 'ActiveProject', rebuildId: id });
    expect((await api('/api/projects/apollo')).status).toBe(200);
    await completed(id);
    await waitFor('writes accepted again', async () => (await writeStatus()) === 201, { timeoutMs: 5_000 });
  };

  it('every app reconnects after RabbitMQ and then Redis restart, and the guard never opens on a guess', async () => {
    gateway = await cluster.addApp('gateway', 'gw');
    await cluster.addApp('coordinator', 'co');
    await cluster.addWorker('wk');
    await waitFor('an active worker', () => cluster.activeWorker(), { timeoutMs: 20_000 });
    expect((await post('/api/projects', { id: 'apollo', name: 'Apollo', organization: 'acme' })).status).toBe(201);
    // Enough events for a rebuild that lasts long enough to observe the guard.
    await cluster.seedCommits({ total: 300_000, streams: 500, users: 5, additions: 2, deletions: 1 });
    await cluster.waitCaughtUp();
    await everyNode('every app connected', (n) => n.status === 'up' && n.details.broker !== 'disconnected' && n.details.sharedState !== 'postgres');

    // 1. RabbitMQ goes down: what needs it answers 503 at once and records nothing; domain writes go on.
    await rabbit.stop();
    await everyNode('every app sees the broker gone', (n) => n.details.broker !== 'connected');
    const startedAt = Date.now();
    const refused = await post('/api/admin/projections/ActiveProject/rebuilds', { mode: 'blocking' });
    expect(refused.status).toBe(503);
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ error: 'BROKER_UNAVAILABLE', message: expect.stringContaining('RabbitMQ') });
    expect(await (await api('/api/admin/rebuilds')).json()).toEqual([]);
    expect(await writeStatus()).toBe(201);

    await rabbit.start();
    await everyNode('every app reconnected to the broker', (n) => n.details.broker === undefined || n.details.broker === 'connected');
    await expectGuardedRebuild();

    // 2. Redis goes down: the guard answers from PostgreSQL, a rebuild still holds writes and releases them.
    await redis.stop();
    await everyNode('the gateway and coordinator fall back to PostgreSQL', (n) => n.details.sharedState !== 'redis');
    await expectGuardedRebuild();

    await redis.start();
    await everyNode('every app back on Redis', (n) => n.details.sharedState !== 'postgres');
    await expectGuardedRebuild();

    await cluster.waitCaughtUp();
    await expectProjectionsMatchReference(cluster);
    const runs = (await (await api('/api/admin/rebuilds')).json()) as { phase: string }[];
    expect(runs.map((r) => r.phase)).toEqual(['Completed', 'Completed', 'Completed']);
  });
});
