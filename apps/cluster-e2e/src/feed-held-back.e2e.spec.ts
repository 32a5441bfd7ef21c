import { createTestVhost, TestVhost, waitFor } from '@projectionist/testing';
import { Client } from 'pg';
import { AppProcess } from './support/app-process';
import { TestCluster } from './support/test-cluster';

const TOKEN = 'e2e-token';

interface HeldBack {
  heldBackMs: number;
  holder: Holder | null;
  otherHolders: Holder[];
}
interface Holder {
  pid: number;
  applicationName: string;
  state: string;
  transactionAgeMs: number;
}
interface Progress {
  name: string;
  lagEvents: number;
  heldBack: HeldBack | null;
}

/**
 * A session of another application that holds a transaction id open stops the feed of every
 * namespace on the server. With a real worker and gateway: the stall shows on the worker's
 * GET /daemon and /metrics, on the admin API and in a read-your-writes 504, naming the session;
 * it clears when the session commits.
 */
describe('feed held back by another application’s open transaction', () => {
  let cluster: TestCluster;
  let vhost: TestVhost;
  let holder: Client;

  beforeAll(async () => {
    vhost = await createTestVhost('held_back');
    cluster = await TestCluster.create('held_back', { AMQP_URL: vhost.url, ADMIN_TOKEN: TOKEN, FEED_HELD_BACK_WARN_MS: '500' });
  });
  afterAll(async () => {
    await holder?.end();
    await cluster.close();
    await vhost.drop();
  });

  const api = async <T>(gateway: AppProcess, path: string, init: RequestInit = {}) => {
    const response = await fetch(gateway.url + path, {
      ...init,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  it('names the holder on /daemon, /metrics, the admin API and a read-your-writes 504, and clears when it commits', async () => {
    const worker = await cluster.addWorker('wk-held');
    const gateway = await cluster.addApp('gateway', 'gw-held');
    await waitFor('an active worker', () => cluster.activeWorker(), { timeoutMs: 15_000 });
    expect((await api(gateway, '/api/cars', { method: 'POST', body: JSON.stringify({ id: 'c0', by: 'dealer', color: 'red' }) })).status).toBe(201);
    await cluster.waitCaughtUp(15_000);

    // Unique per file: other test files on the same server may hold transaction ids of their own.
    const applicationName = `stuck-report:${cluster.db.namespace}`;
    holder = new Client({ connectionString: cluster.db.databaseUrl, application_name: applicationName });
    await holder.connect();
    await holder.query('BEGIN');
    const pid = Number((await holder.query('SELECT pg_backend_pid() AS pid, txid_current()')).rows[0].pid);
    const car = await api<{ position: number }>(gateway, '/api/cars', { method: 'POST', body: JSON.stringify({ id: 'c1', by: 'dealer', color: 'blue' }) });
    expect(car.status).toBe(201);

    // Ours is named first unless another test file's older transaction is open at that moment.
    const ours = (h: HeldBack | null | undefined) => (h ? [h.holder, ...h.otherHolders] : []).find((s) => s?.pid === pid);
    const isOurs = (h: HeldBack | null | undefined) => ours(h) !== undefined;
    const daemon = await waitFor('the worker naming the holder', async () => {
      const status = await worker.json<{ feed: { heldBack: HeldBack | null }; projections: Progress[] }>('/daemon');
      return isOurs(status.feed.heldBack) ? status : undefined;
    }, { timeoutMs: 10_000 });
    expect(ours(daemon.feed.heldBack)).toMatchObject({ applicationName, state: 'idle in transaction' });
    const carView = daemon.projections.find((p) => p.name === 'CarView');
    expect(carView?.lagEvents).toBeGreaterThan(0);
    expect(isOurs(carView?.heldBack)).toBe(true);

    const heldSeconds = await waitFor('the held-back metric', async () => {
      const match = /^projectionist_feed_held_back_seconds ([\d.e+-]+)$/m.exec(await (await worker.get('/metrics')).text());
      return match && Number(match[1]) > 0 ? Number(match[1]) : undefined;
    });
    expect(heldSeconds).toBeGreaterThan(0);
    await waitFor('a warning in the worker log', () => worker.lines.some((l) => l.includes('"level":"warn"') && l.includes('feed held back') && l.includes(`pid ${pid}`)));

    const admin = await waitFor('the admin API naming the holder', async () => {
      const { body } = await api<Progress[]>(gateway, '/api/admin/projections');
      return body.find((p) => p.name === 'CarView' && isOurs(p.heldBack));
    });
    expect(ours(admin.heldBack)?.applicationName).toBe(applicationName);

    const stale = await api<{ error: string; message: string; heldBack: HeldBack | null }>(gateway, `/api/cars/c1?minPosition=${car.body.position}`);
    expect(stale.status).toBe(504);
    expect(stale.body.error).toBe('STALE_READ_TIMEOUT');
    expect(stale.body.message).toContain(`pid ${pid}`);
    expect(isOurs(stale.body.heldBack)).toBe(true);

    await holder.query('COMMIT');
    await waitFor('the worker report cleared', async () => {
      const status = await worker.json<{ feed: { heldBack: HeldBack | null }; projections: Progress[] }>('/daemon');
      return !isOurs(status.feed.heldBack) && status.projections.every((p) => !isOurs(p.heldBack));
    });
    expect((await api(gateway, `/api/cars/c1?minPosition=${car.body.position}`)).status).toBe(200);
    await waitFor('the admin API cleared', async () => (await api<Progress[]>(gateway, '/api/admin/projections')).body.every((p) => !isOurs(p.heldBack)));
  });
});
