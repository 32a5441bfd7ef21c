import { PrivateRabbitMq, PrivateRedis, startPrivateRabbitMq, startPrivateRedis, startTcpOutage, TcpOutage, waitFor } from '@projectionist/testing';
import { AppProcess } from './support/app-process';
import { TestCluster } from './support/test-cluster';

interface Report {
  status: 'ok' | 'degraded' | 'error';
  checks: Record<string, { status: string; required: boolean; error?: string }>;
}

/**
 * Liveness and readiness of gateway, coordinator and worker (real processes) while RabbitMQ, then
 * Redis, then PostgreSQL go away and come back. RabbitMQ and Redis are private instances of this
 * test; PostgreSQL is taken away through a relay of the test's own, so the shared server stays up.
 * Readiness fails only where the app cannot do its work without the service (RabbitMQ for the
 * coordinator and the worker, PostgreSQL for all); liveness never fails on a dependency.
 */
describe('liveness and readiness through broker, cache and database outages', () => {
  let rabbit: PrivateRabbitMq;
  let redis: PrivateRedis;
  let postgres: TcpOutage;
  let cluster: TestCluster;
  let apps: Record<'gateway' | 'coordinator' | 'worker', AppProcess>;

  beforeAll(async () => {
    [rabbit, redis] = await Promise.all([startPrivateRabbitMq('readiness'), startPrivateRedis()]);
    cluster = await TestCluster.create('readiness', { AMQP_URL: rabbit.url, REDIS_URL: redis.url });
    postgres = await startTcpOutage(cluster.db.databaseUrl);
    const env = { DATABASE_URL: postgres.url };
    apps = {
      gateway: await cluster.addApp('gateway', 'gw', env),
      coordinator: await cluster.addApp('coordinator', 'co', env),
      worker: await cluster.addApp('projector-worker', 'wk', env),
    };
  });
  afterAll(async () => {
    await postgres?.restore();
    await cluster?.close();
    await Promise.all([rabbit?.close(), redis?.close(), postgres?.close()]);
  });

  const probe = async (app: AppProcess, path: string) => {
    const response = await app.get(path);
    return { code: response.status, body: (await response.json()) as Report };
  };
  /** Waits until every named app's readiness answers `code` with `status`, then returns the reports. */
  const readiness = (names: (keyof typeof apps)[], code: number, status: Report['status']) =>
    waitFor(`${names.join(', ')} ready: ${code} ${status}`, async () => {
      const reports = await Promise.all(names.map((n) => probe(apps[n], '/health/ready')));
      return reports.every((r) => r.code === code && r.body.status === status) ? reports.map((r) => r.body) : undefined;
    }, { timeoutMs: 30_000, intervalMs: 100 });
  const allLive = async () => {
    for (const app of Object.values(apps)) expect((await app.get('/health/live')).status).toBe(200);
  };
  const counter = async (app: AppProcess, name: string) => {
    const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await app.get('/metrics')).text());
    return Number(match?.[1] ?? 0);
  };

  it('RabbitMQ down: the coordinator and the worker are not ready, the gateway is degraded; all ready again after', async () => {
    await readiness(['gateway', 'coordinator', 'worker'], 200, 'ok');
    await rabbit.stop();
    const [coordinator, worker] = await readiness(['coordinator', 'worker'], 503, 'error');
    expect(coordinator.checks.rabbitmq).toMatchObject({ status: 'error', required: true, error: expect.stringContaining('RabbitMQ') });
    expect(worker.checks).toMatchObject({ rabbitmq: { status: 'error' }, postgres: { status: 'ok' }, daemon: { status: 'ok' } });
    const [gateway] = await readiness(['gateway'], 200, 'degraded');
    expect(gateway.checks.rabbitmq).toMatchObject({ status: 'error', required: false });
    await allLive();

    await rabbit.start();
    await readiness(['gateway', 'coordinator', 'worker'], 200, 'ok');
    for (const app of Object.values(apps)) expect(await counter(app, 'projectionist_broker_reconnects_total')).toBeGreaterThanOrEqual(1);
  });

  it('Redis down: the gateway and the coordinator are degraded (answers come from PostgreSQL), never not ready', async () => {
    await redis.stop();
    const reports = await readiness(['gateway', 'coordinator'], 200, 'degraded');
    for (const r of reports) expect(r.checks.redis).toMatchObject({ status: 'error', required: false, error: expect.stringContaining('PostgreSQL') });
    expect((await probe(apps.worker, '/health/ready')).code).toBe(200);
    await allLive();

    await redis.start();
    await readiness(['gateway', 'coordinator', 'worker'], 200, 'ok');
    for (const app of [apps.gateway, apps.coordinator]) expect(await counter(app, 'projectionist_redis_reconnects_total')).toBeGreaterThanOrEqual(1);
  });

  it('PostgreSQL down: every app is not ready and stays live; ready again once it is back', async () => {
    await postgres.cut();
    const reports = await readiness(['gateway', 'coordinator', 'worker'], 503, 'error');
    for (const r of reports) expect(r.checks.postgres).toMatchObject({ status: 'error', required: true });
    expect((await apps.gateway.get('/health')).status).toBe(503);
    // Liveness is asked over several seconds of the outage, as a kubelet's probe would.
    const until = Date.now() + 3_000;
    while (Date.now() < until) {
      await allLive();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await postgres.restore();
    await readiness(['gateway', 'coordinator', 'worker'], 200, 'ok');
    // The worker lost its election lock with the connection that held it.
    expect(await counter(apps.worker, 'projectionist_lease_losses_total\\{kind="election-lock"\\}')).toBeGreaterThanOrEqual(1);
  });
});
