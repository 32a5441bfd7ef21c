import { CreateProjectionDaemonTables1732000000001 } from '@projectionist/projection-daemon';
import { CreateRebuildRuns1732000000002 } from '@projectionist/rebuild-coordinator';
import { runMigrations } from '@projectionist/event-store';
import { createTestNamespace, createTestVhost, TestNamespace, TestVhost, waitFor } from '@projectionist/testing';
import { AppProcess, freePort } from './support/app-process';

const TOKEN = 'e2e-token';

/**
 * Issue #4 (part): a rebuild requested through the gateway's HTTP API is driven by the
 * coordinator and executed by the active worker — three real processes, real services; and a
 * worker killed mid-rebuild fails the run through its lease, the live table untouched.
 */
describe('distributed rebuild across processes', () => {
  // Writes are held (503) while the blocking rebuild runs and accepted again once it failed.
  let db: TestNamespace;
  let vhost: TestVhost;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    db = await createTestNamespace('distributed');
    vhost = await createTestVhost('distributed');
    await runMigrations({ databaseUrl: db.databaseUrl, namespace: db.namespace, extraMigrations: [CreateProjectionDaemonTables1732000000001, CreateRebuildRuns1732000000002] });
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await db.drop();
    await vhost.drop();
  });

  const start = async (app: AppProcess['app'], nodeId: string) => {
    const process = new AppProcess(app, nodeId, await freePort(), {
      NAMESPACE: db.namespace,
      DATABASE_URL: db.databaseUrl,
      AMQP_URL: vhost.url,
      ADMIN_TOKEN: TOKEN,
      DAEMON_POLL_INTERVAL_MS: '200',
    });
    apps.push(process);
    await process.start();
    return process;
  };
  const api = (gateway: AppProcess, path: string, init: RequestInit = {}) =>
    fetch(gateway.url + path, {
      ...init,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, ...(init.headers ?? {}) },
      signal: AbortSignal.timeout(10_000),
    });
  const run = async (gateway: AppProcess, id: string) => (await (await api(gateway, `/api/admin/rebuilds/${id}`)).json()) as { phase: string; history: { phase: string }[]; failure: { reason: string } | null };

  it('completes a rebuild requested through the gateway, fails one whose worker is killed, survives the leader being killed', async () => {
    const gateway = await start('gateway', 'gw-1');
    const coordinators = [await start('coordinator', 'co-1'), await start('coordinator', 'co-2')];
    const worker = await start('projector-worker', 'wk-1');
    await waitFor('active worker', async () => (await worker.json<{ role: string }>('/daemon')).role === 'active');

    await api(gateway, '/api/customers', { method: 'POST', body: JSON.stringify({ id: 'ann', name: 'Ann' }) });
    await api(gateway, '/api/cars', { method: 'POST', body: JSON.stringify({ id: 'c1', by: 'dealer', color: 'red' }) });
    await api(gateway, '/api/cars/c1/sell', { method: 'POST', body: JSON.stringify({ customerId: 'ann' }) });
    const renamed = (await (await api(gateway, '/api/customers/ann/rename', { method: 'POST', body: JSON.stringify({ name: 'Ann Smith' }) })).json()) as { position: number };
    await waitFor('CarView caught up', async () => (await api(gateway, `/api/cars/c1?minPosition=${renamed.position}`)).ok);

    const requested = await api(gateway, '/api/admin/projections/CarView/rebuilds', { method: 'POST', body: JSON.stringify({ mode: 'blocking' }) });
    expect(requested.status).toBe(202);
    const { rebuildId } = (await requested.json()) as { rebuildId: string };
    const completed = await waitFor('rebuild completed', async () => {
      const r = await run(gateway, rebuildId);
      return r.phase === 'Completed' || r.phase === 'Failed' ? r : undefined;
    }, { timeoutMs: 30_000 });
    expect(completed.phase).toBe('Completed');
    expect(completed.history.map((h) => h.phase)).toEqual(['Requested', 'Stopping', 'Rebuilding', 'Restarting', 'Completed']);
    const car = (await (await api(gateway, '/api/cars/c1')).json()) as { customerName: string };
    expect(car.customerName).toBe('Ann Smith');

    // Enough ActiveProject events for a rebuild that takes a few seconds, then kill its worker.
    const { Pool } = await import('pg');
    const pool = new Pool({ connectionString: db.databaseUrl, max: 2 });
    await pool.query(
      `INSERT INTO "${db.namespace}".events (stream_id, stream_version, category, event_id, type, data, metadata)
       SELECT 'project-' || (i % 1000), i / 1000 + 1, 'project', gen_random_uuid(), 'CommitPushed',
              jsonb_build_object('userName', 'u' || (i % 7), 'additions', 1, 'deletions', 0), '{"schemaVersion": 2}'
         FROM generate_series(0, 299999) AS i`,
    );
    const liveBefore = Number((await pool.query(`SELECT count(*) FROM "${db.namespace}".active_project`)).rows[0].count);
    await waitFor('ActiveProject caught up', async () => {
      const status = await worker.json<{ projections: { name: string; lagEvents: number; position: number }[] }>('/daemon');
      return status.projections.find((p) => p.name === 'ActiveProject')?.lagEvents === 0;
    }, { timeoutMs: 60_000 });
    const second = (await (await api(gateway, '/api/admin/projections/ActiveProject/rebuilds', { method: 'POST', body: '{}' })).json()) as { rebuildId: string };
    await waitFor('rebuilding', async () => (await run(gateway, second.rebuildId)).phase === 'Rebuilding', { timeoutMs: 20_000, intervalMs: 10 });
    const write = () => api(gateway, '/api/customers', { method: 'POST', body: JSON.stringify({ name: 'During' }) });
    const held = await write();
    expect(held.status).toBe(503);
    expect(held.headers.get('retry-after')).toBe('5');
    await worker.kill();
    const killedAt = Date.now();
    const failed = await waitFor('run failed through the lease', async () => {
      const r = await run(gateway, second.rebuildId);
      return r.phase === 'Failed' ? r : undefined;
    }, { timeoutMs: 20_000 });
    expect(Date.now() - killedAt).toBeLessThan(13_000);
    expect(failed.failure?.reason).toContain('stopped renewing its lease');
    await waitFor('writes accepted again', async () => (await write()).status === 201, { timeoutMs: 5_000 });
    const liveAfter = Number((await pool.query(`SELECT count(*) FROM "${db.namespace}".active_project`)).rows[0].count);
    // Readers still see the complete live table: the rebuild wrote only beside it.
    expect(liveAfter).toBe(liveBefore);

    // The coordinator leader is killed during a rebuild: the other one takes over and completes it.
    const standbyWorker = await start('projector-worker', 'wk-2');
    await waitFor('the other worker active', async () => (await standbyWorker.json<{ role: string }>('/daemon')).role === 'active', { timeoutMs: 15_000 });
    const third = (await (await api(gateway, '/api/admin/projections/ActiveProject/rebuilds', { method: 'POST', body: '{}' })).json()) as { rebuildId: string };
    await waitFor('rebuilding again', async () => (await run(gateway, third.rebuildId)).phase === 'Rebuilding', { timeoutMs: 20_000, intervalMs: 10 });
    const leader = await waitFor('the leader', async () => {
      for (const c of coordinators) if ((await c.json<{ leader: boolean }>('/coordinator').catch(() => ({ leader: false }))).leader) return c;
      return undefined;
    });
    expect((await run(gateway, third.rebuildId)).phase).toBe('Rebuilding');
    await leader.kill();
    const finished = await waitFor('completed under the new leader', async () => {
      const r = await run(gateway, third.rebuildId);
      return r.phase === 'Completed' || r.phase === 'Failed' ? r : undefined;
    }, { timeoutMs: 30_000 });
    expect(finished.phase).toBe('Completed');
    await waitFor('writes accepted after the rebuild', async () => (await write()).status === 201, { timeoutMs: 5_000 });
    await pool.end();
  });
});
